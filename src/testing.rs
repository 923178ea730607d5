//! Running the test cases written in a rule file: each case's record is scored on the
//! fast path, every expectation compared exactly, and a failure explained with the
//! working of the item or output that differs.

use crate::check::model::{Expected, Target, TestCase};
use crate::eval::{self, NoTrace, Texts, Value};
use crate::explain::{Lang, step_text};
use crate::ruleset::Ruleset;

/// What one test case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// What it tests.
    pub label: Option<String>,
    /// The line it starts on.
    pub line: usize,
    /// Passed, failed, or could not be scored.
    pub result: CaseResult,
}

/// The result of one test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseResult {
    /// Every expectation held.
    Passed,
    /// These expectations did not hold.
    Failed(Vec<Mismatch>),
    /// The record could not be scored (a division by zero the rule calls an error,
    /// say); the message says why.
    NotScored(String),
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The item or output.
    pub name: String,
    /// The line the expectation is on.
    pub line: usize,
    /// The value expected, as written.
    pub expected: String,
    /// The value computed, as an explanation shows it.
    pub actual: String,
    /// How the computed value arose, as `kpi explain` prints that item or output.
    pub explanation: String,
}

impl CaseReport {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.result == CaseResult::Passed
    }
}

impl Ruleset {
    /// The test cases written in the rule file, in order.
    pub fn tests(&self) -> &[TestCase] {
        &self.program().model.tests
    }

    /// Runs every test case; failures are explained in `lang`.
    pub fn run_tests(&self, lang: Lang) -> Vec<CaseReport> {
        self.tests()
            .iter()
            .map(|c| self.run_test(c, lang))
            .collect()
    }

    /// Runs one test case; a failure is explained in `lang`.
    pub fn run_test(&self, case: &TestCase, lang: Lang) -> CaseReport {
        let report = |result| CaseReport {
            name: case.name.clone(),
            label: case.label.clone(),
            line: self.source().line_col(case.span.start).0,
            result,
        };
        let program = self.program();
        let values: Vec<&str> = case.inputs.iter().map(|(text, _)| text.as_str()).collect();
        let record = match self.record_in_order(&values) {
            Ok(record) => record,
            Err(errors) => {
                let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                return report(CaseResult::NotScored(messages.join("; ")));
            }
        };
        let mut slots = Vec::new();
        let scored = eval::run(program, &record, &mut slots, &mut NoTrace).and_then(|()| {
            (0..program.outputs.len())
                .map(|i| eval::output(program, &record, i, &slots, &mut NoTrace))
                .collect::<Result<Vec<_>, _>>()
        });
        let outputs = match scored {
            Ok(outputs) => outputs,
            Err(e) => {
                let message = self.score_error(e, &record).to_string();
                return report(CaseResult::NotScored(message));
            }
        };
        let inputs = program.model.inputs.len();
        let texts = Texts::new(program, &record);
        let failed: Vec<_> = case
            .expects
            .iter()
            .filter(|e| {
                let actual = match e.target {
                    Target::Item(i) => slots.get(inputs + i),
                    Target::Output(o) => outputs.get(o),
                };
                !actual.is_some_and(|a| holds(texts, a, &e.value))
            })
            .collect();
        if failed.is_empty() {
            return report(CaseResult::Passed);
        }
        let explanation = match self.explain(&record) {
            Ok((_, explanation)) => explanation,
            Err(e) => return report(CaseResult::NotScored(e.to_string())),
        };
        let mismatches = failed
            .into_iter()
            .map(|e| {
                let step = match e.target {
                    Target::Item(i) => explanation.items.get(i),
                    Target::Output(o) => explanation.outputs.get(o),
                };
                Mismatch {
                    name: step.map_or_else(|| "?".to_string(), |s| s.name.clone()),
                    line: self.source().line_col(e.span.start).0,
                    expected: self.source().slice(e.value_span).to_string(),
                    actual: step.map_or_else(String::new, |s| s.value.clone()),
                    explanation: step.map_or_else(String::new, |s| step_text(s, lang)),
                }
            })
            .collect();
        report(CaseResult::Failed(mismatches))
    }
}

/// Whether a computed value is exactly the one expected.
fn holds(texts: Texts<'_>, actual: &Value, expected: &Expected) -> bool {
    match (actual, expected) {
        (Value::Num(a), Expected::Number(e)) => a == e,
        (Value::Text(a), Expected::Text(e)) => texts.get(*a) == e,
        (Value::Bool(a), Expected::Bool(e)) => a == e,
        (Value::Grade(a), Expected::Grade(e)) => a == e,
        _ => false,
    }
}
