//! Arbitrary bytes read as a CSV data file against `agent_monthly`'s inputs, and
//! split at semicolons against a small ruleset with a percentage and a count key: the
//! reader yields records or data errors, never a panic. Every error renders
//! (`Display`) and every good record scores, to an outcome or a `ScoreError`. Read in
//! chunks, as `kpi eval` reads a CSV file, the bytes give the same records and errors.

#![no_main]

#[path = "common/loaded.rs"]
mod loaded;

use kpi::{CsvChunk, CsvChunks, Ruleset};
use libfuzzer_sys::fuzz_target;
use loaded::{pay, ruleset, score};

/// Each row of `data` as the row reader reads it, and as chunks read it.
fn both_ways(ruleset: &Ruleset, data: &[u8], delimiter: u8) -> (Vec<String>, Vec<String>) {
    let by_rows = match ruleset.read_csv_rows_delimited(data, delimiter) {
        Ok(rows) => rows
            .map(|row| format!("{:?}", row.and_then(|row| ruleset.csv_record(&row))))
            .collect(),
        Err(e) => vec![format!("{e:?}")],
    };
    let mut by_chunks = Vec::new();
    match CsvChunks::new(ruleset, data, delimiter) {
        Ok(mut chunks) => {
            let (mut rows, mut chunk, mut records) =
                (chunks.rows(None), CsvChunk::default(), vec![]);
            while chunks.next_into(&mut chunk) {
                let mut read = Vec::new();
                rows.read(&chunk, &mut records, |row| read.push(row));
                for row in read {
                    let row = row.map(|i| i.map(|i| records[i].clone()).expect("no period"));
                    by_chunks.push(format!("{row:?}"));
                }
            }
        }
        Err(e) => by_chunks.push(format!("{e:?}")),
    }
    (by_rows, by_chunks)
}

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
    for (ruleset, delimiter) in [(ruleset, b','), (pay, b';')] {
        let (by_rows, by_chunks) = both_ways(ruleset, data, delimiter);
        assert_eq!(by_rows, by_chunks);
    }
});
