//! The results of the tests written in a rule file, as Python objects.

use kpi::{CaseReport, CaseResult, Mismatch};
use pyo3::prelude::*;

/// One test case of the rule file and what it gave.
#[pyclass(name = "TestResult", module = "kpi", frozen, get_all)]
pub struct TestResult {
    /// The case's name (`test E01`).
    name: String,
    /// What it tests, as its label says.
    label: Option<String>,
    /// The line the case starts on, from 1.
    line: usize,
    /// `passed`, `failed` or `not_scored`.
    status: &'static str,
    /// Why the case's record could not be scored, for `not_scored`.
    message: Option<String>,
    /// The expectations that did not hold, for `failed`.
    mismatches: Vec<TestMismatch>,
}

#[pymethods]
impl TestResult {
    /// Whether every expectation held.
    #[getter]
    fn passed(&self) -> bool {
        self.status == "passed"
    }

    fn __repr__(&self) -> String {
        format!(
            "<kpi.TestResult {} line {}: {}>",
            self.name, self.line, self.status
        )
    }
}

/// One expectation of a test case that did not hold.
#[pyclass(name = "TestMismatch", module = "kpi", frozen, get_all)]
#[derive(Clone)]
pub struct TestMismatch {
    /// The item or output.
    name: String,
    /// The line of the expectation, from 1.
    line: usize,
    /// The value expected, as written.
    expected: String,
    /// The value computed.
    actual: String,
    /// How the computed value arose, as `kpi explain` prints it.
    explanation: String,
}

impl From<CaseReport> for TestResult {
    fn from(report: CaseReport) -> TestResult {
        let (status, message, mismatches) = match report.result {
            CaseResult::Passed => ("passed", None, Vec::new()),
            CaseResult::Failed(m) => (
                "failed",
                None,
                m.into_iter().map(TestMismatch::from).collect(),
            ),
            CaseResult::NotScored(why) => ("not_scored", Some(why), Vec::new()),
        };
        TestResult {
            name: report.name,
            label: report.label,
            line: report.line,
            status,
            message,
            mismatches,
        }
    }
}

impl From<Mismatch> for TestMismatch {
    fn from(m: Mismatch) -> TestMismatch {
        TestMismatch {
            name: m.name,
            line: m.line,
            expected: m.expected,
            actual: m.actual,
            explanation: m.explanation,
        }
    }
}
