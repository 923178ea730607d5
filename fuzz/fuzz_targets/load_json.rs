//! Arbitrary text read as JSON data against `agent_monthly`'s inputs, both as a JSON
//! array of records and as JSON Lines: records or data errors, never a panic. Every
//! error renders (`Display`) and every good record scores, to an outcome or a
//! `ScoreError`. (Both readers take `&str`, so non-UTF-8 input is skipped.)

#![no_main]

use std::sync::OnceLock;

use kpi::{DataError, Record, Ruleset};
use libfuzzer_sys::fuzz_target;

static RULESET: OnceLock<Ruleset> = OnceLock::new();

fn ruleset() -> &'static Ruleset {
    RULESET.get_or_init(|| {
        Ruleset::compile(include_str!("../../rulesets/agent_monthly.kpi"))
            .expect("the shipped ruleset compiles")
    })
}

fn score(ruleset: &Ruleset, result: Result<Record, Vec<DataError>>) {
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ruleset = ruleset();
    match ruleset.read_json(text) {
        Ok(records) => {
            for result in records {
                score(ruleset, result);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    for result in ruleset.read_json_lines(text) {
        score(ruleset, result);
    }
});
