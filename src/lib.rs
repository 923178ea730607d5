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
//! The pipeline runs one way: [`syntax`] parses the text, [`check`] resolves names
//! and types, [`compile`] lowers to a Program, [`eval`] runs it over records, and
//! [`explain`] turns a traced run into a breakdown an agent can read.

#![warn(missing_docs)]

pub mod check;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod format;
pub mod generate;
pub mod input;
pub mod number;
mod outcome;
mod ruleset;
mod scorer;
pub mod syntax;
pub mod testing;

pub use diagnostic::{Diagnostic, Diagnostics, Severity, SourceFile};
pub use explain::Explanation;
pub use input::{DataError, Record};
pub use outcome::{Outcome, OutputValue};
pub use ruleset::{Ruleset, ScoreError};
pub use scorer::Scorer;
pub use testing::{CaseReport, CaseResult, Mismatch};
