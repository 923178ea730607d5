//! Every kind of problem as one flat record: the form in which the command line's
//! `--error-format json`, the service and the bindings report rule, data and scoring
//! errors alike, so that a caller reads one shape whatever went wrong.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::input::{DataError, Location};
use crate::ruleset::ScoreError;

/// One problem, with its stable code and as much of its place as is known. Fields
/// that do not apply are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Problem {
    /// The stable code: `E…`/`W…` for a rule file, `D…` for data, `S…` for scoring,
    /// `U…` for the command line's own usage errors. Each is in `docs/errors.md`.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// The file at fault, as it was named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line, from 1: of a rule file, a CSV or JSON Lines file, or the row of a
    /// sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The column in characters, from 1 (rule files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The line where the place ends (rule files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    /// The column just past the place's end (rule files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u64>,
    /// The sheet of a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The record of a JSON array, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The record's key, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The data column (input) at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value found there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The item or output that could not be scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What is wrong, in one sentence (for data and scoring, also how to fix it).
    pub message: String,
    /// How to fix it, for a rule file's problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The text that would fix a rule file's problem in place of its place (from
    /// `line`/`column` to `end_line`/`end_column`): a "did you mean" an editor applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Problem {
    /// A problem with only a code, a severity and a message.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Problem {
        Problem {
            code: code.into(),
            severity,
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            sheet: None,
            record: None,
            key: None,
            field: None,
            value: None,
            item: None,
            message: message.into(),
            hint: None,
            suggestion: None,
        }
    }

    /// A rule file's diagnostic, placed by line and column in `source`.
    pub fn from_diagnostic(diagnostic: &Diagnostic, source: &SourceFile) -> Problem {
        let span = diagnostic.primary.span;
        let (line, column) = source.line_col(span.start);
        let (end_line, end_column) = source.line_col(span.end);
        Problem {
            file: Some(source.name().to_string()),
            line: Some(line as u64),
            column: Some(column as u64),
            end_line: Some(end_line as u64),
            end_column: Some(end_column as u64),
            hint: diagnostic.hint.clone(),
            suggestion: diagnostic.suggestion.clone(),
            ..Problem::new(diagnostic.code, diagnostic.severity, &diagnostic.message)
        }
    }

    /// A data error in `file` (if the data came from one).
    pub fn from_data(error: &DataError, file: Option<&str>) -> Problem {
        Problem {
            file: file.map(str::to_string),
            key: error.key.clone(),
            field: error.column.as_deref().map(str::to_string),
            value: error.value.as_deref().map(str::to_string),
            ..Problem::new(error.kind.code(), Severity::Error, &error.message).at(&error.location)
        }
    }

    /// A record that could not be scored, read from `location` in `file`.
    pub fn from_score(error: &ScoreError, file: Option<&str>, location: &Location) -> Problem {
        Problem {
            file: file.map(str::to_string),
            key: Some(error.key.clone()),
            item: Some(error.name.clone()),
            ..Problem::new(error.fault.code(), Severity::Error, &error.message).at(location)
        }
    }

    /// The same problem placed at a data file's `location`.
    fn at(mut self, location: &Location) -> Problem {
        match location {
            Location::Line(line) => self.line = Some(*line),
            Location::Record(record) => self.record = Some(*record as u64),
            Location::Cell { sheet, row } => {
                self.sheet = Some(sheet.to_string());
                self.line = Some(u64::from(*row));
            }
            Location::Given | Location::File => {}
        }
        self
    }
}

impl Diagnostics {
    /// Every diagnostic as a [`Problem`], in the order of the file.
    pub fn problems(&self) -> Vec<Problem> {
        self.list
            .iter()
            .map(|d| Problem::from_diagnostic(d, &self.source))
            .collect()
    }
}
