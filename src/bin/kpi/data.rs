//! Data files by extension: CSV, JSON or JSON Lines.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;

use kpi::{DataError, Record, Ruleset};

use crate::Failure;
use crate::progress::Progress;

/// Calls `each` with every record of `path` (or the problems found in it). A problem
/// with the whole file is returned: unreadable or of unknown kind is a usage error,
/// a missing column or malformed JSON a data error. Problems with single records go
/// to `each`. With `progress`, the bytes read are counted on it.
pub fn for_each_record(
    ruleset: &Ruleset,
    path: &Path,
    progress: Option<&Progress>,
    mut each: impl FnMut(Result<Record, Vec<DataError>>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let whole_file = |e: DataError| Failure::data(format!("{}: {e}", path.display()));
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
            for record in ruleset.read_csv(open()?).map_err(whole_file)? {
                each(record)?;
            }
        }
        Some("json") => {
            let mut stopped = None;
            ruleset
                .read_json_each(open()?, |record| match each(record) {
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
                each(record)?;
            }
        }
        _ => {
            return Err(Failure::usage(format!(
                "{}: unknown data format; name the file .csv, .json or .jsonl",
                path.display()
            )));
        }
    }
    Ok(())
}
