//! What can go wrong with one row of a batch, in one shape for both kinds: a value
//! that could not be read, or a record that could not be scored.

use std::fmt;

use kpi::{DataError, DataErrorKind, ScoreError};

/// A problem with one row (or, with no row, with the data as a whole).
#[derive(Debug, Clone)]
pub struct Problem {
    /// The row's position in what was given, from 0.
    pub row: Option<usize>,
    /// The record's key, when it could be read.
    pub key: Option<String>,
    /// What went wrong.
    pub what: What,
}

/// The two kinds of problem.
#[derive(Debug, Clone)]
pub enum What {
    /// A value that could not be read, a missing column, a repeated key.
    Data {
        /// The stable code, such as `D0302` (`docs/problems.md`).
        code: &'static str,
        column: Option<String>,
        value: Option<String>,
        message: String,
    },
    /// A record that could not be scored.
    Score {
        /// The item or output that failed.
        name: String,
        /// The fault's name, as `kpi::Fault` spells it.
        fault: String,
        /// The fault's stable code, such as `S0101` (`docs/problems.md`).
        code: &'static str,
        message: String,
    },
}

impl Problem {
    /// A problem of the library's reading a value, at `row`.
    pub fn data(row: Option<usize>, e: DataError) -> Problem {
        Problem {
            row,
            key: e.key,
            what: What::Data {
                code: e.kind.code(),
                column: e.column.map(String::from),
                value: e.value.map(String::from),
                message: e.message,
            },
        }
    }

    /// A problem of `kind` with the data as a whole, such as a missing column.
    pub fn whole(kind: DataErrorKind, message: impl Into<String>) -> Problem {
        Problem {
            row: None,
            key: None,
            what: What::Data {
                code: kind.code(),
                column: None,
                value: None,
                message: message.into(),
            },
        }
    }

    /// A record at `row` that could not be scored.
    pub fn score(row: Option<usize>, e: ScoreError) -> Problem {
        Problem {
            row,
            key: Some(e.key),
            what: What::Score {
                name: e.name,
                fault: format!("{:?}", e.fault),
                code: e.fault.code(),
                message: e.message,
            },
        }
    }

    /// The sentence saying what went wrong, without where.
    pub fn message(&self) -> &str {
        match &self.what {
            What::Data { message, .. } | What::Score { message, .. } => message,
        }
    }
}

/// `row 3 (E05), column qa_score, value "abc": expected a number such as 87.5`.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut placed = false;
        if let Some(row) = self.row {
            write!(f, "row {row}")?;
            placed = true;
        }
        if let Some(key) = &self.key {
            match placed {
                true => write!(f, " ({key})")?,
                false => write!(f, "record {key}")?,
            }
            placed = true;
        }
        if let What::Data {
            column: Some(column),
            value,
            ..
        } = &self.what
        {
            let sep = if placed { ", " } else { "" };
            match value {
                Some(v) => write!(f, "{sep}column {column}, value {v:?}")?,
                None => write!(f, "{sep}column {column}")?,
            }
            placed = true;
        }
        if placed {
            f.write_str(": ")?;
        }
        f.write_str(self.message())
    }
}
