//! `kpi test`: runs the test cases written in a rule file, and prints the report that
//! checking a data file against expected results prints too.

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
    let cases: Vec<Case> = ruleset
        .run_tests(lang)
        .into_iter()
        .map(|r| Case::of(r, lang))
        .collect();
    finish(
        &cases,
        "no test cases: add `test` blocks to the rule file (see README)",
    )
}

/// One case of a test report: a `test` block of the rule file, or a row of expected
/// results.
pub struct Case {
    /// Its name: the test's, or the record's key.
    pub name: String,
    /// What it tests, shown after the name.
    pub label: Option<String>,
    /// How it went.
    pub verdict: Verdict,
}

/// How a case went.
pub enum Verdict {
    /// Every value expected was computed.
    Passed,
    /// These values were not.
    Failed(Vec<Difference>),
    /// The case could not be checked; the message says where and why.
    Error(String),
}

/// A value expected that was not computed.
pub struct Difference {
    /// The item or output, and where the value expected is written if the case's
    /// line does not say.
    pub what: String,
    /// The value expected, as written.
    pub expected: String,
    /// The value computed.
    pub actual: String,
    /// How the computed value arose, as `kpi explain` prints it.
    pub working: String,
}

impl Case {
    /// A case of the rule file, as the report shows it.
    fn of(report: CaseReport, lang: Lang) -> Case {
        let verdict = match report.result {
            CaseResult::Passed => Verdict::Passed,
            CaseResult::NotScored(message) => {
                Verdict::Error(format!("line {}: {message}", report.line))
            }
            CaseResult::Failed(mismatches) => Verdict::Failed(
                mismatches
                    .into_iter()
                    .map(|m| Difference {
                        what: format!("{} (line {})", m.name, m.line),
                        expected: m.expected,
                        actual: m.actual,
                        working: m.explanation,
                    })
                    .collect(),
            ),
        };
        Case {
            name: report.name,
            label: report.label.map(|l| lang.label(&l)),
            verdict,
        }
    }

    /// Whether every value expected was computed.
    fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::Passed)
    }
}

/// Prints the report of `cases` (`none` when there are none) and gives the exit
/// status: 0 if every case passed.
pub fn finish(cases: &[Case], none: &str) -> Result<u8, Failure> {
    say(&report(cases, none))?;
    Ok(if cases.iter().all(Case::passed) {
        0
    } else {
        FAILED
    })
}

/// The report: one line per case, each difference with its working under a failed
/// one, and a summary line.
fn report(cases: &[Case], none: &str) -> String {
    let width = cases.iter().map(|c| c.name.width()).max().unwrap_or(0);
    let mut out = String::new();
    for case in cases {
        let status = match case.verdict {
            Verdict::Passed => "ok",
            Verdict::Failed(_) => "FAILED",
            Verdict::Error(_) => "ERROR",
        };
        let line = match &case.label {
            Some(label) => {
                let padding = " ".repeat(width - case.name.width());
                format!("{status:<6}  {}{padding}  {label}", case.name)
            }
            None => format!("{status:<6}  {}", case.name),
        };
        out.push_str(&line);
        out.push('\n');
        match &case.verdict {
            Verdict::Passed => {}
            Verdict::Error(message) => out.push_str(&format!("    {message}\n")),
            Verdict::Failed(differences) => {
                for d in differences {
                    out.push_str(&format!(
                        "    {}: expected {}, got {}\n",
                        d.what, d.expected, d.actual
                    ));
                    for line in d.working.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
            }
        }
    }
    if cases.is_empty() {
        out.push_str(none);
        out.push('\n');
    }
    let passed = cases.iter().filter(|c| c.passed()).count();
    out.push_str(&format!(
        "\n{passed} passed, {} failed\n",
        cases.len() - passed
    ));
    out
}
