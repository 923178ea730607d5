//! `kpi test`: runs the test cases written in a rule file.

use std::path::Path;

use kpi::explain::Lang;
use kpi::{CaseReport, CaseResult};
use unicode_width::UnicodeWidthStr;

use crate::{FAILED, Failure, load, say};

/// Runs every case, printing one line each, the differences of each failure with the
/// working of what differs, and a summary line.
pub fn test(path: &Path, lang: Lang) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let reports = ruleset.run_tests(lang);
    say(&report(&reports, lang))?;
    let failed = reports.iter().any(|r| !r.passed());
    Ok(if failed { FAILED } else { 0 })
}

/// The report `kpi test` prints.
fn report(reports: &[CaseReport], lang: Lang) -> String {
    let width = reports.iter().map(|r| r.name.width()).max().unwrap_or(0);
    let mut out = String::new();
    for report in reports {
        let label = report
            .label
            .as_deref()
            .map(|l| format!("  {}", lang.label(l)))
            .unwrap_or_default();
        let status = match report.result {
            CaseResult::Passed => "ok",
            CaseResult::Failed(_) => "FAILED",
            CaseResult::NotScored(_) => "ERROR",
        };
        let padding = " ".repeat(width - report.name.width());
        out.push_str(&format!("{status:<6}  {}{padding}{label}\n", report.name));
        match &report.result {
            CaseResult::Passed => {}
            CaseResult::NotScored(message) => {
                out.push_str(&format!("    line {}: {message}\n", report.line));
            }
            CaseResult::Failed(mismatches) => {
                for m in mismatches {
                    out.push_str(&format!(
                        "    {} (line {}): expected {}, got {}\n",
                        m.name, m.line, m.expected, m.actual
                    ));
                    for line in m.explanation.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
            }
        }
    }
    if reports.is_empty() {
        out.push_str("no test cases: add `test` blocks to the rule file (see README)\n");
    }
    let passed = reports.iter().filter(|r| r.passed()).count();
    out.push_str(&format!(
        "\n{passed} passed, {} failed\n",
        reports.len() - passed
    ));
    out
}
