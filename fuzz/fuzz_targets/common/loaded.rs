//! What the loader targets do with what a reader yields, and the rulesets they read
//! with.

use std::sync::OnceLock;

use kpi::{DataError, Record, Ruleset};

static RULESET: OnceLock<Ruleset> = OnceLock::new();

/// The agent_monthly ruleset, compiled once.
pub fn ruleset() -> &'static Ruleset {
    RULESET.get_or_init(|| {
        Ruleset::compile(include_str!("../../../rulesets/agent_monthly.kpi"))
            .expect("the shipped ruleset compiles")
    })
}

static PAY: OnceLock<Ruleset> = OnceLock::new();

/// A small ruleset with a percentage and a count key, compiled once: what the
/// hostile-input fixtures are read with.
pub fn pay() -> &'static Ruleset {
    PAY.get_or_init(|| {
        Ruleset::compile(
            "ruleset pay\ncurrency CNY\nkey id\ninput id count\ninput rate percent\n\
             input base money\noutput pay = round(base * rate, 2, half_up)\n",
        )
        .expect("the fuzz ruleset compiles")
    })
}

/// Scores a good record and renders its outputs or its error; renders every problem
/// of a bad one, which must have at least one.
pub fn score(ruleset: &Ruleset, result: Result<Record, Vec<DataError>>) {
    match result {
        Ok(record) => {
            let _ = record.key();
            match ruleset.evaluate(&record) {
                Ok(outcome) => {
                    for value in &outcome.values {
                        let _ = value.to_string();
                    }
                }
                Err(error) => {
                    let _ = error.to_string();
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a bad record came with no error");
            for error in errors {
                let _ = error.to_string();
            }
        }
    }
}
