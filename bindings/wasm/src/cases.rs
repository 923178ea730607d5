//! The results of the tests written in a rule file, as JSON: the shape the Python
//! bindings give them (`name`, `label`, `line`, `status`, `message`, `mismatches`).

use kpi::explain::Lang;
use kpi::{CaseResult, Ruleset};
use serde_json::{Value, json};

/// `{"cases": [...], "passed": N, "failed": N}`: every case in the order of the
/// file, failures explained in `lang`. `failed` counts the cases that could not be
/// scored too.
pub fn run(ruleset: &Ruleset, lang: Lang) -> String {
    let reports = ruleset.run_tests(lang);
    let passed = reports.iter().filter(|r| r.passed()).count();
    let cases: Vec<Value> = reports
        .into_iter()
        .map(|report| {
            let (status, message, mismatches) = match report.result {
                CaseResult::Passed => ("passed", None, Vec::new()),
                CaseResult::Failed(mismatches) => ("failed", None, mismatches),
                CaseResult::NotScored(why) => ("not_scored", Some(why), Vec::new()),
            };
            let mismatches: Vec<Value> = mismatches
                .into_iter()
                .map(|m| {
                    json!({
                        "name": m.name,
                        "line": m.line,
                        "expected": m.expected,
                        "actual": m.actual,
                        "explanation": m.explanation,
                    })
                })
                .collect();
            json!({
                "name": report.name,
                "label": report.label,
                "line": report.line,
                "status": status,
                "message": message,
                "mismatches": mismatches,
            })
        })
        .collect();
    let failed = cases.len() - passed;
    json!({ "cases": cases, "passed": passed, "failed": failed }).to_string()
}
