//! Arbitrary bytes read as a CSV data file against `agent_monthly`'s inputs: the
//! reader yields records or data errors, never a panic. Every error renders
//! (`Display`) and every good record scores, to an outcome or a `ScoreError`.

#![no_main]

#[path = "common/loaded.rs"]
mod loaded;

use libfuzzer_sys::fuzz_target;
use loaded::{ruleset, score};

fuzz_target!(|data: &[u8]| {
    let ruleset = ruleset();
    match ruleset.read_csv(data) {
        Ok(records) => {
            for result in records {
                score(ruleset, result);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
