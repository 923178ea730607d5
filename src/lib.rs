//! kpi turns bonus and performance rules, written by HR in plain text, into exact,
//! explainable payouts.
//!
//! ```
//! let source = r#"
//! ruleset demo
//! currency CNY
//! key agent_id
//! input agent_id text
//! input praise_cases count
//! bonus praise "表扬件奖励 / Praise bonus" = 50 CNY per praise_cases, cap 300 CNY
//! output payout = praise
//! "#;
//! let ruleset = kpi::Ruleset::compile(source).expect("a valid ruleset");
//! let record = ruleset.record(&[("agent_id", "E06"), ("praise_cases", "7")]).unwrap();
//! let outcome = ruleset.evaluate(&record).unwrap();
//! assert_eq!(outcome.get("payout").unwrap().to_string(), "300");
//! ```
//!
//! The pipeline runs one way: the text is parsed, names and types are checked, the
//! checked model is lowered to a program of slots and steps, the program runs over
//! records, and a traced run becomes an [`Explanation`] an agent can read. Those
//! stages are internal; the API is what a caller needs: [`Ruleset`] to compile and
//! load, [`Scorer`] to score many records, [`Outcome`] and [`Explanation`] for what
//! comes out, [`Diagnostics`], [`DataError`] and [`ScoreError`] for what went wrong
//! (joined in [`Error`]), each with a stable code and a flat JSON form, [`Problem`].
//!
//! The default feature `cli` builds the command line; an embedder turns it off
//! (`default-features = false`) and compiles none of its crates.

#![warn(missing_docs)]

pub(crate) mod check;
pub(crate) mod compile;
mod describe;
pub mod diagnostic;
mod error;
pub(crate) mod eval;
pub mod explain;
pub mod format;
pub mod generate;
pub(crate) mod input;
mod keys;
pub(crate) mod number;
mod outcome;
mod period;
mod population;
mod problem;
mod ruleset;
#[cfg(test)]
mod schemas;
mod scorer;
pub mod symbols;
pub(crate) mod syntax;
mod testing;
pub(crate) mod time;

pub use describe::{Description, InputDescription, OutputDescription};
pub use diagnostic::{Diagnostic, Diagnostics, Severity, SourceFile};
pub use error::Error;
pub use eval::Fault;
pub use explain::Explanation;
pub use input::chunks::{CsvChunk, CsvChunks, CsvRows};
pub use input::csv::CsvRow;
pub use input::limits;
pub use input::{DataError, DataErrorKind, Location, Record};
pub use keys::{Earlier, KeyLedger, repeated_keys};
pub use outcome::{Outcome, OutputValue};
pub use period::{Period, Selected};
pub use population::Population;
pub use problem::Problem;
pub use ruleset::{InputInfo, Ruleset, ScoreError};
pub use scorer::Scorer;
pub use syntax::ast::{InputType, ItemKind};
pub use testing::{CaseReport, CaseResult, Mismatch};
