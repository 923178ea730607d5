//! Arbitrary text read as JSON data against `agent_monthly`'s inputs, both as a JSON
//! array of records and as JSON Lines: records or data errors, never a panic. Every
//! error renders (`Display`) and every good record scores, to an outcome or a
//! `ScoreError`. (Both readers take `&str`, so non-UTF-8 input is skipped.)

#![no_main]

#[path = "common/loaded.rs"]
mod loaded;

use libfuzzer_sys::fuzz_target;
use loaded::{ruleset, score};

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
    for result in ruleset.read_json_lines(text.as_bytes()) {
        score(ruleset, result);
    }
});
