//! Running the test cases written in a rule file: each case's record is scored on the
//! fast path (together with the other cases, for a ruleset that scores records
//! together), every expectation compared exactly, and a failure explained with the
//! working of the item or output that differs.

use crate::check::model::{Expected, Target, TestCase};
use crate::eval::{self, NoTrace, Texts, Value};
use crate::explain::{Explanation, Lang, step_text};
use crate::input::Record;
use crate::outcome::Outcome;
use crate::ruleset::{Ruleset, ScoreError};

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
    pub(crate) fn tests(&self) -> &[TestCase] {
        &self.program().model.tests
    }

    /// How many test cases the rule file holds, in every version.
    pub fn test_count(&self) -> usize {
        self.versions().map(|v| v.tests().len()).sum()
    }

    /// Runs every test case; failures are explained in `lang`. In a ruleset that
    /// scores records together (groups, ranks), the cases are one roster, scored
    /// together: each case gives its record's team, and a rank is among the cases.
    /// In a ruleset with versions by date, the cases written in a version test that
    /// version.
    pub fn run_tests(&self, lang: Lang) -> Vec<CaseReport> {
        let mut reports: Vec<CaseReport> = self
            .versions()
            .flat_map(|v| v.run_version_tests(lang))
            .collect();
        reports.sort_by_key(|r| r.line);
        reports
    }

    fn run_version_tests(&self, lang: Lang) -> Vec<CaseReport> {
        // Each case's record, by its position among the records read, or why it
        // could not be read.
        let mut records: Vec<Record> = Vec::new();
        let read: Vec<Result<usize, String>> = self
            .tests()
            .iter()
            .map(|case| {
                let values: Vec<&str> = case.inputs.iter().map(|(t, _)| t.as_str()).collect();
                let record = self.record_in_order(&values).map_err(|errors| {
                    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                    messages.join("; ")
                })?;
                let record = self
                    .rolled(&record)
                    .map_err(|e| e.to_string())?
                    .into_owned();
                records.push(record);
                Ok(records.len() - 1)
            })
            .collect();
        let population = self
            .reads_population()
            .then(|| self.score_together(&records));
        self.tests()
            .iter()
            .zip(read)
            .map(|(case, read)| {
                let report = |result| CaseReport {
                    name: case.name.clone(),
                    label: case.label.clone(),
                    line: self.source().line_col(case.span.start).0,
                    result,
                };
                let index = match read {
                    Ok(index) => index,
                    Err(message) => return report(CaseResult::NotScored(message)),
                };
                let record = &records[index];
                report(match &population {
                    Some(population) => {
                        self.check_case(case, record, lang, population.slots(index), || {
                            population.explain(index)
                        })
                    }
                    None => {
                        let mut slots = Vec::new();
                        let slots = eval::run(self.program(), record, &mut slots, &mut NoTrace)
                            .map(|()| slots)
                            .map_err(|e| self.score_error(e, record));
                        self.check_case(case, record, lang, slots, || {
                            self.explain_given(record, |_| None)
                        })
                    }
                })
            })
            .collect()
    }

    /// The result of one case: its record's finished `slots`, checked against every
    /// expectation, with a failure explained (by `explain`) in `lang`.
    fn check_case(
        &self,
        case: &TestCase,
        record: &Record,
        lang: Lang,
        slots: Result<Vec<Value>, ScoreError>,
        explain: impl FnOnce() -> Result<(Outcome, Explanation), ScoreError>,
    ) -> CaseResult {
        let program = self.program();
        let scored = slots.and_then(|slots| {
            (0..program.outputs.len())
                .map(|i| eval::output(program, record, i, &slots, &mut NoTrace))
                .collect::<Result<Vec<_>, _>>()
                .map(|outputs| (slots, outputs))
                .map_err(|e| self.score_error(e, record))
        });
        let (slots, outputs) = match scored {
            Ok(scored) => scored,
            Err(e) => return CaseResult::NotScored(e.to_string()),
        };
        let inputs = program.model.inputs.len();
        let texts = Texts::new(program, record);
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
            return CaseResult::Passed;
        }
        let explanation = match explain() {
            Ok((_, explanation)) => explanation,
            Err(e) => return CaseResult::NotScored(e.to_string()),
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
        CaseResult::Failed(mismatches)
    }
}

/// Whether a computed value is exactly the one expected.
fn holds(texts: Texts<'_>, actual: &Value, expected: &Expected) -> bool {
    match (actual, expected) {
        (Value::Num(a), Expected::Number(e)) => a == e,
        (Value::Text(a), Expected::Text(e)) => texts.get(*a) == e,
        (Value::Bool(a), Expected::Bool(e)) => a == e,
        (Value::Grade(a), Expected::Grade(e)) => a == e,
        (Value::Missing, Expected::Missing) => true,
        _ => false,
    }
}
