//! Scoring a batch of rows, whatever they came from (dicts or Arrow columns), as
//! `kpi eval` scores a file: every row read, repeated keys refused, the month chosen,
//! then each record scored alone or the whole population together.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use kpi::{Outcome, Period, Record, Ruleset, ScoreError};
use rayon::prelude::*;

use crate::problems::Problem;

/// Rows of values as text, one per declared input in declaration order, written as a
/// CSV cell would hold them (the empty string for no value).
pub trait Rows: Sync {
    /// How many rows.
    fn len(&self) -> usize;

    /// Writes row `row`'s values into `into` (one string per input, cleared first).
    fn fill(&self, row: usize, into: &mut [String]);

    /// Row `row` read as a record, with `texts` (one string per input) to write its
    /// values in.
    fn record(
        &self,
        ruleset: &Ruleset,
        row: usize,
        texts: &mut [String],
    ) -> Result<Record, Vec<kpi::DataError>> {
        self.fill(row, texts);
        ruleset.record_in_order(texts)
    }
}

/// What became of one record: its outputs, or every problem with it.
#[derive(Debug)]
pub struct Entry {
    /// The row it was read from (for a record rolled up from daily rows, its first).
    pub row: usize,
    /// The outputs, or why there are none.
    pub result: Result<Outcome, Vec<Problem>>,
}

/// Every record of a batch, in the order of their rows.
#[derive(Debug, Default)]
pub struct Batch {
    /// One per record scored or row that could not be read.
    pub entries: Vec<Entry>,
}

impl Batch {
    /// Every problem, in the order of the rows.
    pub fn problems(&self) -> Vec<Problem> {
        self.entries
            .iter()
            .filter_map(|e| e.result.as_ref().err())
            .flatten()
            .cloned()
            .collect()
    }
}

/// Scores `rows` with `ruleset` for `period` (every month when `None`). The error is
/// a problem with the data as a whole (such as a ruleset of daily rows given no
/// month), for which no row can be scored.
pub fn score(
    ruleset: &Ruleset,
    rows: &impl Rows,
    period: Option<Period>,
) -> Result<Batch, Vec<Problem>> {
    let inputs = ruleset.inputs().len();
    let read: Vec<Result<Record, Vec<kpi::DataError>>> = (0..rows.len())
        .into_par_iter()
        .map_init(
            || vec![String::new(); inputs],
            |texts, row| rows.record(ruleset, row, texts),
        )
        .collect();

    let mut batch = Batch::default();
    let mut records = Vec::with_capacity(read.len());
    // Each key's first row: where a record is reported, and how repeats are found.
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let rolls_up = ruleset.rolls_up_rows();
    for (row, read) in read.into_iter().enumerate() {
        let record = match read {
            Ok(record) => record,
            Err(errors) => {
                let key = key_of(ruleset, rows, row);
                let problems = errors.into_iter().map(|e| {
                    let mut problem = Problem::data(Some(row), e);
                    problem.key = problem.key.or_else(|| key.clone());
                    problem
                });
                batch.entries.push(Entry {
                    row,
                    result: Err(problems.collect()),
                });
                continue;
            }
        };
        match first_row.entry(record.key().to_string()) {
            Slot::Vacant(slot) => {
                slot.insert(row);
            }
            // Daily rows of one key are rolled up into its record.
            Slot::Occupied(_) if rolls_up => {}
            Slot::Occupied(first) => {
                batch.entries.push(Entry {
                    row,
                    result: Err(vec![repeated(ruleset, &record, row, *first.get())]),
                });
                continue;
            }
        }
        records.push(record);
    }

    let unread = batch.entries.len();
    if unread > 0 && ruleset.reads_population() {
        // A team scored without some of its members would be scored wrongly.
        for record in &records {
            let row = first_row[record.key()];
            let problem = Problem::score(Some(row), incomplete(ruleset, record, unread));
            batch.entries.push(Entry {
                row,
                result: Err(vec![problem]),
            });
        }
        batch.entries.sort_by_key(|e| e.row);
        return Ok(batch);
    }

    let selected = ruleset.select(records, period).map_err(|errors| {
        let row = |e: &kpi::DataError| e.key.as_ref().and_then(|k| first_row.get(k)).copied();
        errors
            .into_iter()
            .map(|e| Problem::data(row(&e), e))
            .collect::<Vec<_>>()
    })?;
    let scored = &selected.records[..selected.scored];
    let outcomes: Vec<Result<Outcome, ScoreError>> = if ruleset.reads_population() {
        let mut outcomes = Vec::with_capacity(scored.len());
        ruleset
            .score_together(&selected.records)
            .outcomes_into(0..scored.len(), &mut outcomes);
        outcomes
    } else {
        // A chunk at a time, so that the compiled kernel runs over batches.
        scored
            .par_chunks(1024)
            .map_init(|| ruleset.scorer(), |s, chunk| s.score_all(chunk).to_vec())
            .flatten_iter()
            .collect()
    };
    for (record, outcome) in scored.iter().zip(outcomes) {
        let row = first_row.get(record.key()).copied().unwrap_or(usize::MAX);
        batch.entries.push(Entry {
            row,
            result: outcome.map_err(|e| vec![Problem::score(Some(row), e)]),
        });
    }
    batch.entries.sort_by_key(|e| e.row);
    Ok(batch)
}

/// The key of row `row` as written, for a row that could not be read; `None` when
/// it is empty.
fn key_of(ruleset: &Ruleset, rows: &impl Rows, row: usize) -> Option<String> {
    let mut texts = vec![String::new(); ruleset.inputs().len()];
    rows.fill(row, &mut texts);
    let keys = ruleset.key_names();
    let parts: Vec<&str> = ruleset
        .inputs()
        .zip(&texts)
        .filter(|(input, _)| keys.contains(&input.name()))
        .map(|(_, text)| text.trim())
        .collect();
    let key = parts.join(",");
    (!parts.iter().all(|p| p.is_empty())).then_some(key)
}

/// The problem of a row whose key an earlier row already has.
fn repeated(ruleset: &Ruleset, record: &Record, row: usize, first: usize) -> Problem {
    let message = format!(
        "the key {} repeats row {first}; each record needs a key of its own",
        record.key()
    );
    let mut problem = Problem::data(
        Some(row),
        kpi::DataError::new(
            kpi::DataErrorKind::RepeatedKey,
            kpi::Location::Given,
            message,
        )
        .with_key(Some(record.key().into())),
    );
    if let crate::problems::What::Data { column, .. } = &mut problem.what {
        *column = Some(ruleset.key_names().join(", "));
    }
    problem
}

/// Why `record` is not scored when `unread` records of its population were not read.
fn incomplete(ruleset: &Ruleset, record: &Record, unread: usize) -> ScoreError {
    let (s, them) = if unread == 1 {
        ("", "it")
    } else {
        ("s", "them")
    };
    ScoreError {
        key: record.key().to_string(),
        name: ruleset.name().to_string(),
        fault: kpi::Fault::MemberFailed,
        message: format!(
            "not scored: ruleset `{}` scores records together, and {unread} row{s} could not be read; correct {them} and score again",
            ruleset.name()
        ),
    }
}
