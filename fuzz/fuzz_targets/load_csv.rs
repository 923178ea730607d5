//! Arbitrary bytes read as a CSV data file against `agent_monthly`'s inputs: the
//! reader yields records or data errors, never a panic. Every error renders
//! (`Display`) and every good record scores, to an outcome or a `ScoreError`.

#![no_main]

use std::sync::OnceLock;

use kpi::Ruleset;
use libfuzzer_sys::fuzz_target;

static RULESET: OnceLock<Ruleset> = OnceLock::new();

fn ruleset() -> &'static Ruleset {
    RULESET.get_or_init(|| {
        Ruleset::compile(include_str!("../../rulesets/agent_monthly.kpi"))
            .expect("the shipped ruleset compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let ruleset = ruleset();
    match ruleset.read_csv(data) {
        Ok(records) => {
            for result in records {
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
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
