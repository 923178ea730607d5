//! Data files by extension: CSV, JSON or JSON Lines.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;

use kpi::CsvRow;
use kpi::{DataError, KeyLedger, Record, Ruleset};
use rayon::prelude::*;

use crate::Failure;
use crate::output::note;
use crate::progress::Progress;
use crate::source::{self, Encoding};

/// A record as the file gave it: read already, or a CSV row still to be read against
/// the inputs (which may then happen on another thread).
pub enum Loaded {
    /// A record, or the problems found in it.
    Read(Result<Record, Vec<DataError>>),
    /// A CSV row, or why it could not be split into fields.
    Row(Result<CsvRow, Vec<DataError>>),
}

impl Loaded {
    /// The record, or the problems found in it.
    pub fn read(self, ruleset: &Ruleset) -> Result<Record, Vec<DataError>> {
        match self {
            Loaded::Read(read) => read,
            Loaded::Row(row) => row.and_then(|row| ruleset.csv_record(&row)),
        }
    }
}

/// Calls `each` with every record of `path` (or the problems found in it). A problem
/// with the whole file is returned: unreadable or of unknown kind is a usage error,
/// a missing column or malformed JSON a data error. Problems with single records go
/// to `each`.
pub fn for_each_record(
    ruleset: &Ruleset,
    path: &Path,
    mut each: impl FnMut(Result<Record, Vec<DataError>>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    for_each_loaded(ruleset, path, None, |loaded| each(loaded.read(ruleset)))
}

/// As [`for_each_record`], but CSV rows are passed on unread. With `progress`, the
/// bytes read are counted on it.
pub fn for_each_loaded(
    ruleset: &Ruleset,
    path: &Path,
    progress: Option<&Progress>,
    mut each: impl FnMut(Loaded) -> Result<(), Failure>,
) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a directory; give a data file (.csv, .json, .jsonl, .xlsx, .xls or .ods)",
            path.display()
        )));
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let whole_file = |e: DataError| Failure::data_error(path, &e);
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", path.display()));
    let open = || {
        let file = File::open(path).map_err(unreadable)?;
        let counted: Box<dyn Read> = match progress {
            Some(progress) => Box::new(progress.reader(file)),
            None => Box::new(file),
        };
        Ok::<_, Failure>(BufReader::new(counted))
    };
    match extension.as_deref() {
        Some("csv") => {
            let delimiter = source::options().delimiter.0;
            let rows = ruleset.read_csv_rows_delimited(csv_bytes(path, progress)?, delimiter);
            for row in rows.map_err(whole_file)? {
                each(Loaded::Row(row))?;
            }
        }
        _ if crate::workbook::is_workbook(path) => {
            let (sheet, rows) = crate::workbook::rows(path, source::options().sheet.as_deref())?;
            for record in ruleset.read_sheet(&sheet, &rows).map_err(whole_file)? {
                each(Loaded::Read(record))?;
            }
        }
        Some("json") => {
            let mut stopped = None;
            ruleset
                .read_json_each(open()?, |record| match each(Loaded::Read(record)) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(failure) => {
                        stopped = Some(failure);
                        ControlFlow::Break(())
                    }
                })
                .map_err(whole_file)?;
            if let Some(failure) = stopped {
                return Err(failure);
            }
        }
        Some("jsonl") | Some("ndjson") => {
            for record in ruleset.read_json_lines(open()?) {
                each(Loaded::Read(record))?;
            }
        }
        _ => {
            return Err(Failure::usage(format!(
                "{}: unknown data format; name the file .csv, .json, .jsonl, .xlsx, .xls or .ods",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Whether `path` names a CSV file (by its extension), to be read as it streams with
/// [`csv_bytes`].
pub fn is_csv(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str());
    !path.is_dir() && extension.is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The bytes of the CSV file at `path` as they stream: the file's own, or its text
/// decoded from GB18030 (see [`csv_text`]). With `progress`, the bytes read are
/// counted on it.
pub fn csv_bytes<'p>(
    path: &Path,
    progress: Option<&'p Progress>,
) -> Result<Box<dyn Read + 'p>, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", path.display()));
    let file = File::open(path).map_err(unreadable)?;
    let counted: Box<dyn Read> = match progress {
        Some(progress) => Box::new(progress.reader(file)),
        None => Box::new(file),
    };
    let mut reader = BufReader::new(counted);
    Ok(match csv_text(path, &mut reader)? {
        None => Box::new(reader),
        Some(text) => Box::new(std::io::Cursor::new(text.into_bytes())),
    })
}

/// A ledger of the keys of a run over `path`: a compact one when the file can be read
/// again to find where a repeated key came first ([`given_again`]), else one that
/// remembers every place.
pub fn key_ledger(path: &Path) -> KeyLedger {
    match std::fs::metadata(path) {
        Ok(file) if file.is_file() => KeyLedger::compact(),
        _ => KeyLedger::default(),
    }
}

/// Reads `path` again, for a compact [`KeyLedger`] that asks for the records it was
/// given: gives `feed` the key and place of each record read that `scored` keeps (as
/// the run scores it, or `None` for a record the run leaves out), in the order of the
/// file, until `feed` says stop.
pub fn given_again(
    ruleset: &Ruleset,
    path: &Path,
    scored: impl Fn(Record) -> Option<Record>,
    feed: kpi::Earlier<'_>,
) {
    // Stopping early is the only failure returned here; a file that can no longer be
    // read leaves the first place unsaid.
    let _ = for_each_record(ruleset, path, |read| {
        let record = read.ok().and_then(&scored);
        match record.map(|r| feed(r.key(), r.location())) {
            Some(ControlFlow::Break(())) => Err(Failure::data(String::new())),
            _ => Ok(()),
        }
    });
}

/// The text of a CSV file that is not UTF-8, decoded; `None` for a UTF-8 file, to be
/// read as it streams. Without `--encoding`, a file whose start is not UTF-8 is read as
/// GB18030 (GBK) if all of it decodes cleanly so, and a line on stderr says so. Such a
/// file is read whole, up to [`kpi::limits::MAX_FILE`].
pub fn csv_text(path: &Path, reader: &mut impl BufRead) -> Result<Option<String>, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", path.display()));
    match source::options().encoding {
        Some(Encoding::Utf8) => return Ok(None),
        Some(Encoding::Gb18030) => {}
        None => {
            let start = reader.fill_buf().map_err(unreadable)?;
            // A character cut at the end of the buffer is not a fault.
            let utf8 = match std::str::from_utf8(start) {
                Ok(_) => true,
                Err(e) => e.error_len().is_none(),
            };
            if utf8 {
                return Ok(None);
            }
        }
    }
    let limit = kpi::limits::MAX_FILE;
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Failure::data(format!(
            "{}: the file is not UTF-8, and is larger than {}, the most a file decoded from GB18030 is read to; save it as \"CSV UTF-8\"",
            path.display(),
            kpi::limits::shown_size(limit)
        )));
    }
    let decoded = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes);
    let Some(text) = decoded else {
        return Err(Failure::data(format!(
            "{}: the file is neither UTF-8 nor GB18030 (GBK) text; save it as \"CSV UTF-8\", or name its encoding with --encoding",
            path.display()
        )));
    };
    if source::options().encoding.is_none() {
        note!(
            "{}: not UTF-8; read as GB18030 (GBK), as Chinese Excel saves CSV (--encoding utf-8 refuses it)",
            path.display()
        );
    }
    Ok(Some(text.into_owned()))
}

/// Every record of `path`, for a ruleset that scores records together; `None` after
/// reporting the records that could not be read, since without them their groups'
/// values would be wrong. Rows are read into records a batch at a time, in parallel
/// (on `pool`, else rayon's own), so the rows as split do not all stay in memory beside
/// the records. With `progress`, the bytes read are counted on it and messages printed
/// around it.
pub fn read_population(
    ruleset: &Ruleset,
    path: &Path,
    progress: Option<&Progress>,
    pool: Option<&rayon::ThreadPool>,
) -> Result<Option<Vec<Record>>, Failure> {
    const BATCH: usize = 4096;
    let mut records = Vec::new();
    let mut unread = 0usize;
    let say = |text: String| match progress {
        Some(progress) => progress.suspend(|| note!("{text}")),
        None => note!("{text}"),
    };
    let mut convert = |batch: &mut Vec<Loaded>| {
        let mut read_batch = || -> Vec<Result<Record, Vec<DataError>>> {
            batch.par_drain(..).map(|l| l.read(ruleset)).collect()
        };
        let read = match pool {
            Some(pool) => pool.install(read_batch),
            None => read_batch(),
        };
        for result in read {
            match result {
                Ok(record) => records.push(record),
                Err(errors) => {
                    unread += 1;
                    for e in errors {
                        say(format!("{}: {e}", path.display()));
                    }
                }
            }
        }
    };
    let mut batch = Vec::with_capacity(BATCH);
    for_each_loaded(ruleset, path, progress, |loaded| {
        batch.push(loaded);
        if batch.len() == BATCH {
            convert(&mut batch);
        }
        Ok(())
    })?;
    convert(&mut batch);
    // Daily rows share their key by design; they roll up into one record each.
    if unread == 0 && !ruleset.rolls_up_rows() {
        for (_, e) in kpi::repeated_keys(&records) {
            unread += 1;
            say(format!("{}: {e}", path.display()));
        }
    }
    if unread > 0 {
        if let Some(progress) = progress {
            progress.finish();
        }
        refuse_partial(ruleset, path, unread);
        return Ok(None);
    }
    Ok(Some(records))
}

/// Every record of `path` as a run of `period` scores them: read as
/// [`read_population`] does, then rolled up and chosen by month
/// ([`Ruleset::select`]); `None` after reporting records that could not be read or
/// rolled up.
pub fn read_selected(
    ruleset: &Ruleset,
    path: &Path,
    period: Option<kpi::Period>,
    progress: Option<&Progress>,
    pool: Option<&rayon::ThreadPool>,
) -> Result<Option<kpi::Selected>, Failure> {
    let Some(records) = read_population(ruleset, path, progress, pool)? else {
        return Ok(None);
    };
    match ruleset.select(records, period) {
        Ok(selected) => Ok(Some(selected)),
        Err(errors) => {
            if let Some(progress) = progress {
                progress.finish();
            }
            for e in &errors {
                crate::problems::data(path, e);
            }
            refuse_partial(ruleset, path, errors.len());
            Ok(None)
        }
    }
}

/// Reports that nothing was scored because `unread` records of a population could
/// not be read (or repeat a key).
pub fn refuse_partial(ruleset: &Ruleset, path: &Path, unread: usize) {
    note!(
        "{}: no record was scored: ruleset `{}` scores records together, and {unread} record{} could not be read or repeat{} a key; correct {} and run again",
        path.display(),
        ruleset.name(),
        if unread == 1 { "" } else { "s" },
        if unread == 1 { "s" } else { "" },
        if unread == 1 { "it" } else { "them" },
    );
}
