//! Arbitrary bytes read as JSON data against `agent_monthly`'s inputs and a small
//! ruleset with a percentage and a count key, both as a JSON array of records and as
//! JSON Lines: records or data errors, never a panic. Every error renders (`Display`)
//! and every good record scores, to an outcome or a `ScoreError`. (The array reader
//! takes `&str`, so it skips input that is not UTF-8; JSON Lines are read as bytes.)

#![no_main]

#[path = "common/loaded.rs"]
mod loaded;

use libfuzzer_sys::fuzz_target;
use loaded::{pay, ruleset, score};

fuzz_target!(|data: &[u8]| {
    // A percentage and a count key; JSON Lines as bytes, which need not be UTF-8.
    let pay = pay();
    for result in pay.read_json_lines(data) {
        score(pay, result);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pay.read_json(text) {
        Ok(records) => {
            for result in records {
                score(pay, result);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
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
    for result in ruleset.read_json_lines(text.as_bytes()) {
        score(ruleset, result);
    }
});
