//! Problems on standard error: sentences for a person, or with `--error-format json`
//! one JSON object a line for a program, each with its stable code.

use std::path::Path;
use std::sync::OnceLock;

use clap::ValueEnum;
use kpi::{DataError, Diagnostics, Location, Problem, ScoreError, Severity};

use crate::output::{note, to_stderr};

/// How problems are written on standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Sentences, with the rule file's line and a caret under the place.
    #[default]
    Text,
    /// One JSON object a line: code, severity, file, line, column, message, hint.
    Json,
}

static FORMAT: OnceLock<ErrorFormat> = OnceLock::new();

/// Chooses the format for the rest of the run.
pub fn set_format(format: ErrorFormat) {
    let _ = FORMAT.set(format);
}

fn json() -> bool {
    FORMAT.get() == Some(&ErrorFormat::Json)
}

/// A rule file's diagnostics, errors or warnings.
pub fn diagnostics(diagnostics: &Diagnostics) {
    match json() {
        true => diagnostics.problems().iter().for_each(problem),
        false => to_stderr(&diagnostics.to_string()),
    }
}

/// A problem with a record, or a whole data file, read from `file`.
pub fn data(file: &Path, error: &DataError) {
    match json() {
        true => problem(&Problem::from_data(
            error,
            Some(&file.display().to_string()),
        )),
        false => note!("{}: {error}", file.display()),
    }
}

/// A record of `file`, read at `location`, that could not be scored.
pub fn score(file: &Path, error: &ScoreError, location: &Location) {
    match json() {
        true => problem(&Problem::from_score(
            error,
            Some(&file.display().to_string()),
            location,
        )),
        false => note!("{}: {error}", file.display()),
    }
}

/// A run stopped by `message`: a usage error (`U0001`), or a data file that cannot be
/// used as a whole (`U0002`), unless a more exact problem is known.
pub fn failure(code: &str, message: &str, exact: Option<&Problem>) {
    match (json(), exact) {
        (true, Some(exact)) => problem(exact),
        (true, None) => problem(&Problem::new(code, Severity::Error, message)),
        (false, _) => note!("error: {message}"),
    }
}

/// A summary line such as `rules.kpi: 2 errors`, left out of JSON, where each
/// problem speaks for itself.
pub fn summary(text: &str) {
    if !json() {
        note!("{text}");
    }
}

fn problem(problem: &Problem) {
    let line = serde_json::to_string(problem).unwrap_or_default();
    to_stderr(&format!("{line}\n"));
}
