//! `kpi eval`: scores every record of a data file, streaming, on every core, with the
//! rows written in the order of the file.

use std::path::Path;

use kpi::{DataError, Period, Record, Ruleset, ScoreError};
use rayon::prelude::*;

use crate::data::Loaded;
use crate::output::Inputs;
use crate::period::PeriodArgs;
use crate::progress::Progress;
use crate::spreadsheet::TextCells;
use crate::{FAILED, Failure, Format, data, load, problems, write};
use kpi::KeyLedger;

/// Records scored together: enough to keep every core busy, few enough that memory
/// does not grow with the file.
const BATCH: usize = 4096;

/// Where `kpi eval` writes, and how.
pub struct Output<'a> {
    /// The format.
    pub format: Format,
    /// The file, or standard output.
    pub path: Option<&'a Path>,
    /// How text cells of CSV are written.
    pub cells: TextCells,
}

/// Scores `data` with the ruleset at `path`, writing one row per record; `jobs`
/// threads (0: one per core; at most one per core).
pub fn eval(
    path: &Path,
    data: &Path,
    output: Output,
    jobs: usize,
    period: &PeriodArgs,
) -> Result<u8, Failure> {
    if let Some(file) = output.path {
        Inputs::new(&[("the rule file", path), ("the data file", data)]).refuse(file)?;
    }
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let period = period.resolve(&ruleset)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads(jobs))
        .build()
        .map_err(|e| Failure::usage(format!("cannot start {jobs} threads: {e}")))?;
    let bytes = std::fs::metadata(data).map_or(0, |m| m.len());
    let progress = Progress::new(bytes);
    let out = write::Writer::open(output.path, output.format, &ruleset)?;
    let rows = write::Rows::new(output.format, &ruleset, output.cells, out.is_terminal());
    let mut run = Run {
        ruleset: &ruleset,
        data,
        out,
        rows,
        failed: false,
        batch: Vec::with_capacity(BATCH),
        period,
        keys: data::key_ledger(data),
    };
    if ruleset.reads_population() || ruleset.rolls_up_rows() {
        return run.whole_population(&pool, &progress);
    }
    let mut records = 0usize;
    let read = data::for_each_loaded(&ruleset, data, Some(&progress), |loaded| {
        records += 1;
        run.batch.push(loaded);
        if run.batch.len() == BATCH {
            run.flush(&pool, &progress)?;
            progress.tick();
        }
        Ok(())
    });
    if let Err(failure) = read {
        // A JSON file that breaks part way: the records before the fault are still
        // written, as a complete file, and the fault is reported.
        if records > 0 {
            run.flush(&pool, &progress)?;
            run.out.finish()?;
        }
        progress.finish();
        return Err(failure);
    }
    run.flush(&pool, &progress)?;
    progress.finish();
    run.out.finish()?;
    Ok(if run.failed { FAILED } else { 0 })
}

/// The threads to score with for `-j jobs`: every core for 0, and never more than the
/// cores, since scoring keeps each thread busy and more only add the cost of
/// starting them (`-j 20000` would spend its time there).
fn threads(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    match jobs {
        0 => cores,
        n => n.min(cores),
    }
}

/// A run in progress: the records read but not yet written.
struct Run<'a> {
    ruleset: &'a Ruleset,
    data: &'a Path,
    out: write::Writer,
    rows: write::Rows,
    failed: bool,
    batch: Vec<Loaded>,
    /// The month scored, if the run names one.
    period: Option<Period>,
    /// The keys of the records scored so far.
    keys: KeyLedger,
}

/// What became of one record.
enum Scored {
    /// Scored: its row, encoded.
    Row(Vec<u8>, Record),
    /// The rules could not score it.
    Failed(ScoreError, Record),
    /// Its row could not be encoded.
    Unwritten(String),
    /// Its values could not be read.
    Unread(Vec<DataError>),
    /// It is of another month than the one scored.
    Elsewhen,
}

impl Run<'_> {
    /// Reads every record, then scores them together and writes them in the order of
    /// the file. A record that cannot be read would leave its group's values wrong,
    /// so then nothing is scored.
    fn whole_population(
        mut self,
        pool: &rayon::ThreadPool,
        progress: &Progress,
    ) -> Result<u8, Failure> {
        let ruleset = self.ruleset;
        let read = data::read_selected(ruleset, self.data, self.period, Some(progress), Some(pool));
        let selected = match read {
            Ok(Some(selected)) => selected,
            Ok(None) => return Ok(FAILED),
            Err(failure) => {
                progress.finish();
                return Err(failure);
            }
        };
        let records = &selected.records;
        let population = ruleset
            .reads_population()
            .then(|| pool.install(|| ruleset.score_together(records)));
        let mut scorer = ruleset.scorer();
        let mut outcome = kpi::Outcome::default();
        for (i, record) in records.iter().enumerate().take(selected.scored) {
            let scored = match &population {
                Some(population) => population.outcome_into(i, &mut outcome),
                None => scorer.score(record).map(|o| outcome.clone_from(o)),
            };
            match scored {
                Ok(()) => {
                    let row = self.rows.encode(record.key(), &outcome)?;
                    self.out.row(&row)?;
                }
                Err(e) => {
                    self.failed = true;
                    progress.suspend(|| problems::score(self.data, &e, record.location()));
                }
            }
        }
        progress.finish();
        self.out.finish()?;
        Ok(if self.failed { FAILED } else { 0 })
    }

    /// Scores the batch in parallel, then writes it in order.
    fn flush(&mut self, pool: &rayon::ThreadPool, progress: &Progress) -> Result<(), Failure> {
        let (ruleset, rows, period) = (self.ruleset, &self.rows, self.period);
        let batch = &mut self.batch;
        let scored: Vec<Scored> = pool.install(|| {
            batch
                .par_drain(..)
                .map_init(
                    || ruleset.scorer(),
                    |scorer, loaded| match in_period(ruleset, loaded.read(ruleset), period) {
                        Ok(None) => Scored::Elsewhen,
                        Ok(Some(record)) => match scorer.score(&record) {
                            Ok(outcome) => match rows.encode(record.key(), outcome) {
                                Ok(row) => Scored::Row(row, record),
                                Err(e) => Scored::Unwritten(e),
                            },
                            Err(e) => Scored::Failed(e, record),
                        },
                        Err(errors) => Scored::Unread(errors),
                    },
                )
                .collect()
        });
        let (ruleset, data) = (self.ruleset, self.data);
        let earlier = |feed: kpi::Earlier<'_>| {
            let scored = |record| in_period(ruleset, Ok(record), period).ok().flatten();
            data::given_again(ruleset, data, scored, feed);
        };
        for scored in scored {
            let repeated = match &scored {
                Scored::Row(_, record) | Scored::Failed(_, record) => {
                    (self.keys).repeated_among(record.key(), record.location(), earlier)
                }
                _ => None,
            };
            if let Some(e) = repeated {
                self.failed = true;
                progress.suspend(|| problems::data(self.data, &e));
                continue;
            }
            match scored {
                Scored::Row(row, _) => self.out.row(&row)?,
                Scored::Unwritten(e) => return Err(e.into()),
                Scored::Failed(e, record) => {
                    self.failed = true;
                    progress.suspend(|| problems::score(self.data, &e, record.location()));
                }
                Scored::Elsewhen => {}
                Scored::Unread(errors) => {
                    self.failed = true;
                    progress.suspend(|| {
                        for e in errors {
                            problems::data(self.data, &e);
                        }
                    });
                }
            }
        }
        Ok(())
    }
}

/// The record as the month named scores it (as of its as-of date), or `None` for a
/// record of another month; every record when no month is named.
fn in_period(
    ruleset: &Ruleset,
    read: Result<Record, Vec<DataError>>,
    period: Option<Period>,
) -> Result<Option<Record>, Vec<DataError>> {
    let record = read?;
    if period.is_none() {
        return Ok(Some(record));
    }
    let mut selected = ruleset.select(vec![record], period)?;
    Ok(match selected.scored {
        0 => None,
        _ => selected.records.pop(),
    })
}

#[cfg(test)]
mod tests {
    use super::threads;

    #[test]
    fn threads_are_never_more_than_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads(0), cores);
        assert_eq!(threads(1), 1);
        assert_eq!(threads(20_000), cores);
    }
}
