//! `kpi eval`: scores every record of a data file, streaming, on every core, with the
//! rows written in the order of the file.

use std::path::Path;

use kpi::{DataError, Ruleset, ScoreError};
use rayon::prelude::*;

use crate::data::Loaded;
use crate::progress::Progress;
use crate::{FAILED, Failure, Format, data, load, write};

/// Records scored together: enough to keep every core busy, few enough that memory
/// does not grow with the file.
const BATCH: usize = 4096;

/// Scores `data` with the ruleset at `path`, writing one row per record; `jobs`
/// threads (0: one per core).
pub fn eval(
    path: &Path,
    data: &Path,
    format: Format,
    output: Option<&Path>,
    jobs: usize,
) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Failure::usage(format!("cannot start {jobs} threads: {e}")))?;
    let bytes = std::fs::metadata(data).map_or(0, |m| m.len());
    let progress = Progress::new(bytes);
    let mut run = Run {
        ruleset: &ruleset,
        data,
        out: write::Writer::open(output, format, &ruleset),
        rows: write::Rows::new(format, &ruleset),
        failed: false,
        batch: Vec::with_capacity(BATCH),
    };
    if ruleset.reads_population() {
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

/// A run in progress: the records read but not yet written.
struct Run<'a> {
    ruleset: &'a Ruleset,
    data: &'a Path,
    out: write::Writer,
    rows: write::Rows,
    failed: bool,
    batch: Vec<Loaded>,
}

/// What became of one record.
enum Scored {
    /// Scored: its row, encoded.
    Row(Vec<u8>),
    /// The rules could not score it.
    Failed(ScoreError),
    /// Its row could not be encoded.
    Unwritten(String),
    /// Its values could not be read.
    Unread(Vec<DataError>),
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
        let read = data::read_population(ruleset, self.data, Some(progress), Some(pool));
        let records = match read {
            Ok(Some(records)) => records,
            Ok(None) => return Ok(FAILED),
            Err(failure) => {
                progress.finish();
                return Err(failure);
            }
        };
        let population = pool.install(|| ruleset.score_together(&records));
        let mut outcome = kpi::Outcome::default();
        for (i, record) in records.iter().enumerate() {
            match population.outcome_into(i, &mut outcome) {
                Ok(()) => {
                    let row = self.rows.encode(record.key(), &outcome)?;
                    self.out.row(&row)?;
                }
                Err(e) => {
                    self.failed = true;
                    progress.suspend(|| eprintln!("{}: {e}", self.data.display()));
                }
            }
        }
        progress.finish();
        self.out.finish()?;
        Ok(if self.failed { FAILED } else { 0 })
    }

    /// Scores the batch in parallel, then writes it in order.
    fn flush(&mut self, pool: &rayon::ThreadPool, progress: &Progress) -> Result<(), Failure> {
        let (ruleset, rows) = (self.ruleset, &self.rows);
        let batch = &mut self.batch;
        let scored: Vec<Scored> = pool.install(|| {
            batch
                .par_drain(..)
                .map_init(
                    || ruleset.scorer(),
                    |scorer, loaded| match loaded.read(ruleset) {
                        Ok(record) => match scorer.score(&record) {
                            Ok(outcome) => match rows.encode(record.key(), outcome) {
                                Ok(row) => Scored::Row(row),
                                Err(e) => Scored::Unwritten(e),
                            },
                            Err(e) => Scored::Failed(e),
                        },
                        Err(errors) => Scored::Unread(errors),
                    },
                )
                .collect()
        });
        for scored in scored {
            match scored {
                Scored::Row(row) => self.out.row(&row)?,
                Scored::Unwritten(e) => return Err(e.into()),
                Scored::Failed(e) => {
                    self.failed = true;
                    progress.suspend(|| eprintln!("{}: {e}", self.data.display()));
                }
                Scored::Unread(errors) => {
                    self.failed = true;
                    progress.suspend(|| {
                        for e in errors {
                            eprintln!("{}: {e}", self.data.display());
                        }
                    });
                }
            }
        }
        Ok(())
    }
}
