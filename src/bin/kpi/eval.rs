//! `kpi eval`: scores every record of a data file, streaming, on every core, with the
//! rows written in the order of the file.
//!
//! A CSV file is read in chunks of whole rows: this thread reads the file and cuts it
//! where rows end, and each scoring thread splits a chunk's rows into fields, reads
//! them into records, scores them and encodes their rows, which this thread writes in
//! the order of the file; while the scoring threads have enough chunks queued, this
//! thread scores the next one itself. Other files are read here and scored in
//! batches.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use kpi::{CsvChunk, CsvChunks, CsvRows, DataError, Period, Record, Ruleset, ScoreError, Scorer};
use rayon::prelude::*;

use crate::data::Loaded;
use crate::output::Inputs;
use crate::period::PeriodArgs;
use crate::progress::Progress;
use crate::spreadsheet::TextCells;
use crate::{FAILED, Failure, Format, data, load, problems, source, write};
use kpi::KeyLedger;

/// Records scored together: enough to keep every core busy, few enough that memory
/// does not grow with the file.
const BATCH: usize = 4096;

/// Outcomes of a whole population asked for at once before they are written: enough
/// for the outputs to be computed in parallel batches, few enough to stay small.
const OUTCOMES_AT_ONCE: usize = 4096;

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
    let threads = threads(jobs);
    let pool = || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Failure::usage(format!("cannot start {jobs} threads: {e}")))
    };
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
        return run.whole_population(&pool()?, &progress);
    }
    if data::is_csv(data) {
        let read = run.csv(threads, &progress);
        progress.finish();
        return read;
    }
    let pool = pool()?;
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

/// What became of one record of a batch.
enum Done {
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

/// What became of one record of a chunk.
enum Scored {
    /// Scored: its row, encoded, ends here in the chunk's rows.
    Row(usize),
    /// The rules could not score it.
    Failed(ScoreError),
    /// Its row could not be encoded.
    Unwritten(String),
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
        let mut outcomes = Vec::new();
        let scored = &records[..selected.scored.min(records.len())];
        for (chunk, first) in scored
            .chunks(OUTCOMES_AT_ONCE)
            .zip((0..).step_by(OUTCOMES_AT_ONCE))
        {
            let outcomes = match &population {
                Some(population) => {
                    let range = first..first + chunk.len();
                    pool.install(|| population.outcomes_into(range, &mut outcomes));
                    &outcomes[..]
                }
                None => scorer.score_all(chunk),
            };
            for (record, scored) in chunk.iter().zip(outcomes) {
                match scored {
                    Ok(outcome) => {
                        let row = self.rows.encode(record.key(), outcome)?;
                        self.out.row(&row)?;
                    }
                    Err(e) => {
                        self.failed = true;
                        progress.suspend(|| problems::score(self.data, e, record.location()));
                    }
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
        let scored: Vec<Done> = pool.install(|| {
            batch
                .par_drain(..)
                .map_init(
                    || ruleset.scorer(),
                    |scorer, loaded| match in_period(ruleset, loaded.read(ruleset), period) {
                        Ok(None) => Done::Elsewhen,
                        Ok(Some(record)) => match scorer.score(&record) {
                            Ok(outcome) => match rows.encode(record.key(), outcome) {
                                Ok(row) => Done::Row(row, record),
                                Err(e) => Done::Unwritten(e),
                            },
                            Err(e) => Done::Failed(e, record),
                        },
                        Err(errors) => Done::Unread(errors),
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
                Done::Row(_, record) | Done::Failed(_, record) => {
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
                Done::Row(row, _) => self.out.row(&row)?,
                Done::Unwritten(e) => return Err(e.into()),
                Done::Failed(e, record) => {
                    self.failed = true;
                    progress.suspend(|| problems::score(self.data, &e, record.location()));
                }
                Done::Elsewhen => {}
                Done::Unread(errors) => {
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

/// Chunks scored ahead of the one being written, per scoring thread: enough that no
/// thread waits for work, few enough that memory stays small.
const AHEAD: usize = 3;

impl Run<'_> {
    /// Reads, scores and writes a CSV file a chunk of rows at a time, on `threads`
    /// threads besides this one (none for one: this one does everything).
    fn csv(mut self, threads: usize, progress: &Progress) -> Result<u8, Failure> {
        let delimiter = source::options().delimiter.0;
        let bytes = data::csv_bytes(self.data, Some(progress))?;
        let mut chunks = CsvChunks::new(self.ruleset, bytes, delimiter)
            .map_err(|e| Failure::data_error(self.data, &e))?;
        let rows = self.rows.clone();
        let scoring = Scoring {
            rows: chunks.rows(self.period),
            scorer: self.ruleset.scorer(),
            encoder: rows.encoder(),
        };
        if threads <= 1 {
            let (mut scoring, mut batch) = (scoring, Batch::default());
            while chunks.next_into(&mut batch.chunk) {
                scoring.score(&mut batch);
                self.write(&batch, progress)?;
                progress.tick();
            }
        } else {
            self.in_parallel(&mut chunks, scoring, threads, progress)?;
        }
        self.out.finish()?;
        Ok(if self.failed { FAILED } else { 0 })
    }

    /// [`Run::csv`] on `threads` threads: this one, which reads, writes and scores a
    /// chunk whenever the others have enough to do, and scoring threads, each with
    /// its own copy of `scoring`.
    fn in_parallel(
        &mut self,
        chunks: &mut CsvChunks<'_, impl std::io::Read>,
        mut scoring: Scoring<'_>,
        threads: usize,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let helpers = threads.saturating_sub(1).max(1);
        std::thread::scope(|scope| {
            let (work, to_score) = mpsc::channel::<(usize, Batch)>();
            let (done, scored) = mpsc::channel::<(usize, Option<Batch>)>();
            let to_score = Arc::new(Mutex::new(to_score));
            for _ in 0..helpers {
                let (to_score, done) = (Arc::clone(&to_score), done.clone());
                let mut scoring = scoring.clone();
                scope.spawn(move || {
                    loop {
                        // The lock is held only while waiting for a chunk.
                        let next = to_score.lock().map(|queue| queue.recv());
                        let Ok(Ok((n, mut batch))) = next else {
                            return;
                        };
                        let watch = Watch {
                            done: &done,
                            chunk: n,
                        };
                        scoring.score(&mut batch);
                        std::mem::forget(watch);
                        if done.send((n, Some(batch))).is_err() {
                            return;
                        }
                    }
                });
            }
            // Once every scoring thread has stopped, waiting for a chunk fails.
            drop(done);
            // Chunks are numbered as read and written in that order.
            let (mut read, mut written, mut away) = (0, 0, 0);
            let mut spare: Vec<Batch> = Vec::new();
            let mut waiting = BTreeMap::new();
            let mut read_all = false;
            // The next chunk read into a batch used again, or `None` at the end.
            let mut next = |spare: &mut Vec<Batch>| {
                let mut batch = spare.pop().unwrap_or_default();
                chunks.next_into(&mut batch.chunk).then_some(batch)
            };
            loop {
                // The scoring threads' queue is kept full.
                while !read_all && away < AHEAD * helpers {
                    let Some(batch) = next(&mut spare) else {
                        read_all = true;
                        break;
                    };
                    if work.send((read, batch)).is_err() {
                        // A scoring thread stopped; what was sent is still written.
                        read_all = true;
                        break;
                    }
                    read += 1;
                    away += 1;
                }
                while let Ok(back) = scored.try_recv() {
                    take_back(back, &mut waiting)?;
                    away -= 1;
                }
                while let Some(batch) = waiting.remove(&written) {
                    self.write(&batch, progress)?;
                    progress.tick();
                    written += 1;
                    spare.push(batch);
                }
                if written == read && read_all {
                    return Ok(());
                }
                if !read_all && waiting.len() < AHEAD * threads {
                    // Rather than wait for the scoring threads, this one scores the
                    // next chunk itself.
                    match next(&mut spare) {
                        Some(mut batch) => {
                            scoring.score(&mut batch);
                            waiting.insert(read, batch);
                            read += 1;
                        }
                        None => read_all = true,
                    }
                    continue;
                }
                // Every scoring thread has stopped when none can send.
                take_back(scored.recv().unwrap_or((read, None)), &mut waiting)?;
                away -= 1;
            }
        })
    }

    /// Writes the rows of a chunk scored, in order, and reports what could not be
    /// read or scored, or repeats a key.
    fn write(&mut self, batch: &Batch, progress: &Progress) -> Result<(), Failure> {
        let (ruleset, data, period) = (self.ruleset, self.data, self.period);
        let earlier = |feed: kpi::Earlier<'_>| {
            let scored = |record| in_period(ruleset, Ok(record), period).ok().flatten();
            data::given_again(ruleset, data, scored, feed);
        };
        let mut start = 0;
        for row in &batch.rows {
            match row {
                Row::Unread(errors) => {
                    self.failed = true;
                    progress.suspend(|| {
                        for e in errors {
                            problems::data(data, e);
                        }
                    });
                }
                Row::Scored(i) => {
                    let (record, scored) = (&batch.records[*i], &batch.scored[*i]);
                    let repeated =
                        (self.keys).repeated_among(record.key(), record.location(), earlier);
                    let end = match scored {
                        Scored::Row(end) => *end,
                        _ => start,
                    };
                    let encoded = &batch.encoded[start..end];
                    start = end;
                    if let Some(e) = repeated {
                        self.failed = true;
                        progress.suspend(|| problems::data(data, &e));
                        continue;
                    }
                    match scored {
                        Scored::Row(_) => self.out.row(encoded)?,
                        Scored::Failed(e) => {
                            self.failed = true;
                            progress.suspend(|| problems::score(data, e, record.location()));
                        }
                        Scored::Unwritten(e) => return Err(e.clone().into()),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Puts a chunk a scoring thread gave `back` among those `waiting` to be written; an
/// error when the thread stopped part way through it.
fn take_back(
    (chunk, back): (usize, Option<Batch>),
    waiting: &mut BTreeMap<usize, Batch>,
) -> Result<(), Failure> {
    let batch = back.ok_or_else(|| Failure::usage("a scoring thread stopped".into()))?;
    waiting.insert(chunk, batch);
    Ok(())
}

/// Tells the writing thread that a scoring thread stopped part way through chunk
/// `chunk` (it panicked), so that the run ends rather than waits for the chunk: a
/// scoring thread forgets its watch once the chunk is scored.
struct Watch<'a> {
    done: &'a mpsc::Sender<(usize, Option<Batch>)>,
    chunk: usize,
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        let _ = self.done.send((self.chunk, None));
    }
}

/// What a scoring thread holds: a reader of rows, a scorer and a row encoder, each
/// reusing its memory from chunk to chunk.
#[derive(Clone)]
struct Scoring<'r> {
    rows: CsvRows<'r>,
    scorer: Scorer<'r>,
    encoder: write::Encoder<'r>,
}

/// A chunk of rows and what became of them: passed to a scoring thread, and back.
/// Its memory is used again for later chunks.
#[derive(Default)]
struct Batch {
    chunk: CsvChunk,
    /// The records read, from the start (those after them are kept for their memory).
    records: Vec<Record>,
    /// What became of each row of the chunk, in order.
    rows: Vec<Row>,
    /// What became of each record read.
    scored: Vec<Scored>,
    /// The encoded rows of the records scored, one after another.
    encoded: Vec<u8>,
}

/// A row of a chunk.
enum Row {
    /// Read as record `i`.
    Scored(usize),
    /// The problems found in it.
    Unread(Vec<DataError>),
}

impl Scoring<'_> {
    /// Reads, scores and encodes the rows of `batch`'s chunk.
    fn score(&mut self, batch: &mut Batch) {
        let Batch {
            chunk,
            records,
            rows,
            scored,
            encoded,
        } = batch;
        rows.clear();
        scored.clear();
        encoded.clear();
        let read = self.rows.read(chunk, records, |row| match row {
            Ok(Some(i)) => rows.push(Row::Scored(i)),
            // Of another month than the one scored.
            Ok(None) => {}
            Err(errors) => rows.push(Row::Unread(errors)),
        });
        // The chunk's records, scored together: the compiled kernel runs over them a
        // batch at a time.
        let records = &records[..read];
        for (record, outcome) in records.iter().zip(self.scorer.score_all(records)) {
            scored.push(match outcome {
                Ok(outcome) => match self.encoder.encode_into(record.key(), outcome, encoded) {
                    Ok(()) => Scored::Row(encoded.len()),
                    Err(e) => Scored::Unwritten(e),
                },
                Err(e) => Scored::Failed(e.clone()),
            });
        }
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
