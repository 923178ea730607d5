//! One error type for callers who want a single `?` over compiling, reading and
//! scoring.

use crate::diagnostic::Diagnostics;
use crate::input::DataError;
use crate::problem::Problem;
use crate::ruleset::ScoreError;

/// Anything that can go wrong between a rule file and an outcome.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The rule file does not compile.
    #[error("{0}")]
    Rule(#[from] Diagnostics),
    /// A record (or the data file) cannot be read; every problem found in it.
    #[error("{}", shown(.0))]
    Data(Vec<DataError>),
    /// A record was read but could not be scored.
    #[error("{0}")]
    Score(#[from] ScoreError),
}

impl From<DataError> for Error {
    fn from(error: DataError) -> Error {
        Error::Data(vec![error])
    }
}

impl From<Vec<DataError>> for Error {
    fn from(errors: Vec<DataError>) -> Error {
        Error::Data(errors)
    }
}

impl Error {
    /// Every problem as a [`Problem`], with its stable code. A data or scoring error
    /// is placed in `data_file` when given.
    pub fn problems(&self, data_file: Option<&str>) -> Vec<Problem> {
        match self {
            Error::Rule(diagnostics) => diagnostics.problems(),
            Error::Data(errors) => errors
                .iter()
                .map(|e| Problem::from_data(e, data_file))
                .collect(),
            Error::Score(error) => vec![Problem::from_score(
                error,
                data_file,
                &crate::input::Location::Given,
            )],
        }
    }
}

fn shown(errors: &[DataError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
