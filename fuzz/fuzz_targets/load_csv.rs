//! Arbitrary bytes read as a CSV data file against `agent_monthly`'s inputs, and
//! split at semicolons against a small ruleset with a percentage and a count key: the
//! reader yields records or data errors, never a panic. Every error renders
//! (`Display`) and every good record scores, to an outcome or a `ScoreError`.

#![no_main]

#[path = "common/loaded.rs"]
mod loaded;

use libfuzzer_sys::fuzz_target;
use loaded::{pay, ruleset, score};

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
    // A percentage and a count key, the fields split at semicolons.
    let pay = pay();
    match pay.read_csv_rows_delimited(data, b';') {
        Ok(rows) => {
            for row in rows {
                score(pay, row.and_then(|row| pay.csv_record(&row)));
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
