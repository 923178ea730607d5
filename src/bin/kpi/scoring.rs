//! Every record of a data file scored by one rule file, as `kpi eval` scores them,
//! for the commands that look at a whole run: `diff`, `report` and `test --data`.

use std::path::Path;

use kpi::{DataError, Explanation, Outcome, Period, Record, Ruleset, ScoreError};

use crate::output::note;
use crate::{Failure, data};

/// One rule file, as the run reads the data with it.
pub struct Side<'a> {
    /// The rule file, compiled.
    pub ruleset: &'a Ruleset,
    /// Where it was read from, to name it in messages.
    pub path: &'a Path,
}

/// What became of one record under one rule file.
pub enum Scored {
    /// Its outputs.
    Outputs(Outcome),
    /// Why it has none: it could not be read or scored.
    Failed(String),
    /// The run has no such record.
    Absent,
}

/// One record of a run.
pub struct Entry {
    /// The record's key.
    pub key: String,
    /// Its outputs, or why it has none.
    pub scored: Scored,
    /// The value of the `--by` column, when asked for.
    pub group: Option<String>,
    /// How its outputs arose, for a record the run was asked to explain; boxed, as
    /// most entries have none.
    pub explanation: Option<Box<Explanation>>,
}

/// Which scored records a run explains, by key and outcome: explaining is far
/// slower than scoring, so only the records a caller will show are explained.
pub type Explain<'e> = &'e dyn Fn(&str, &Outcome) -> bool;

impl Side<'_> {
    /// Every record of `data` the run scores, with its outcome or failure; `None`
    /// when nothing can be scored (already reported). Each failure is reported on
    /// stderr as `kpi eval` reports it.
    pub fn run(
        &self,
        data: &Path,
        period: Option<Period>,
        by: Option<&str>,
    ) -> Result<Option<Vec<Entry>>, Failure> {
        self.run_explaining(data, period, by, &|_, _| false)
    }

    /// As [`Side::run`], with the explanation of every record scored that `explain`
    /// picks.
    pub fn run_explaining(
        &self,
        data: &Path,
        period: Option<Period>,
        by: Option<&str>,
        explain: Explain<'_>,
    ) -> Result<Option<Vec<Entry>>, Failure> {
        let ruleset = self.ruleset;
        if ruleset.reads_population() || ruleset.rolls_up_rows() {
            let Some(selected) = data::read_selected(ruleset, data, period, None, None)? else {
                return Ok(None);
            };
            let records = &selected.records[..selected.scored.min(selected.records.len())];
            let population = ruleset
                .reads_population()
                .then(|| ruleset.score_together(&selected.records));
            let entries = records
                .iter()
                .enumerate()
                .map(|(i, record)| {
                    let outcome = match &population {
                        Some(population) => population.outcome(i),
                        None => ruleset.evaluate(record),
                    };
                    let working = || match &population {
                        Some(population) => population.explain(i),
                        None => ruleset.explain(record),
                    };
                    self.entry(data, record, outcome, by, (explain, &working))
                })
                .collect();
            return Ok(Some(entries));
        }
        // Scored one at a time, in the order of the file: a record that cannot be
        // read fails alone, as in `kpi eval`, and the others are still compared.
        let mut entries = Vec::new();
        let mut keys = data::key_ledger(data);
        // A record of another month than the one named is left out.
        let select = |record| ruleset.select(vec![record], period);
        let earlier = |feed: kpi::Earlier<'_>| {
            let scored = |record| {
                let selected = select(record).ok()?;
                selected.records.into_iter().take(selected.scored).next()
            };
            data::given_again(ruleset, data, scored, feed);
        };
        data::for_each_record(ruleset, data, |read| {
            match read.and_then(select) {
                Ok(selected) => {
                    for record in selected.records.iter().take(selected.scored) {
                        let repeated =
                            keys.repeated_among(record.key(), record.location(), earlier);
                        let entry = match repeated {
                            Some(e) => self.unread(data, &[e]),
                            None => {
                                let working = || ruleset.explain(record);
                                let outcome = ruleset.evaluate(record);
                                self.entry(data, record, outcome, by, (explain, &working))
                            }
                        };
                        entries.push(entry);
                    }
                }
                Err(errors) => entries.push(self.unread(data, &errors)),
            }
            Ok(())
        })?;
        Ok(Some(entries))
    }

    /// The entry of a record that could not be read, reported on stderr.
    fn unread(&self, data: &Path, errors: &[DataError]) -> Entry {
        let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
        for reason in &reasons {
            note!("{}: {}: {reason}", self.path.display(), data.display());
        }
        Entry {
            // A record whose key cannot be read is matched by the empty key.
            key: errors
                .iter()
                .find_map(|e| e.key.clone())
                .unwrap_or_default(),
            scored: Scored::Failed(reasons.join("; ")),
            group: None,
            explanation: None,
        }
    }

    /// The entry of a record read, with its outcome, explained by `working` when
    /// `explain` picks it; a failure is reported on stderr.
    fn entry(
        &self,
        data: &Path,
        record: &Record,
        outcome: Result<Outcome, ScoreError>,
        by: Option<&str>,
        (explain, working): (Explain<'_>, Working<'_>),
    ) -> Entry {
        let (scored, explanation) = match outcome {
            Ok(outcome) => {
                let explanation = explain(record.key(), &outcome)
                    .then(working)
                    .and_then(Result::ok)
                    .map(|(_, explanation)| Box::new(explanation));
                (Scored::Outputs(outcome), explanation)
            }
            Err(e) => {
                note!("{}: {}: {e}", self.path.display(), data.display());
                (Scored::Failed(e.message), None)
            }
        };
        Entry {
            key: record.key().to_string(),
            scored,
            group: by.and_then(|column| self.ruleset.input_value(record, column)),
            explanation,
        }
    }
}

/// How one record's outputs arose, worked out when asked for.
type Working<'w> = &'w dyn Fn() -> Result<(Outcome, Explanation), ScoreError>;

/// A usage error when `--by COLUMN` names no input of `ruleset`, read from `path`.
pub fn check_by(ruleset: &Ruleset, path: &Path, by: Option<&str>) -> Result<(), Failure> {
    match by {
        Some(column) if !ruleset.inputs().any(|i| i.name() == column) => {
            let inputs: Vec<&str> = ruleset.inputs().map(|i| i.name()).collect();
            Err(Failure::usage(format!(
                "--by {column}: {} declares no input of that name (its inputs: {})",
                path.display(),
                inputs.join(", ")
            )))
        }
        _ => Ok(()),
    }
}
