//! Writing scored records as CSV, JSON or JSON Lines.

use std::path::Path;

use kpi::{Outcome, Ruleset};
use serde_json::Value;

use crate::output::{Sink, visible, visible_json};
use crate::spreadsheet::TextCells;
use crate::{Failure, Format};

/// What surrounds the rows of each format.
enum Layout {
    Csv { header: Vec<u8> },
    Json { lines: bool },
}

/// Writes one row per scored record: the key, then every output in order. Rows are
/// encoded by a [`Rows`] (on any thread) and put here in order.
pub struct Writer {
    out: Sink,
    layout: Layout,
    rows: usize,
}

/// Encodes a scored record as one row of the output format.
#[derive(Clone)]
pub struct Rows {
    format: Format,
    key_names: Vec<String>,
    cells: TextCells,
    /// Whether rows go to a terminal, which must show control characters rather
    /// than obey them.
    terminal: bool,
}

impl Rows {
    /// An encoder for `format` rows of `ruleset`'s outputs, written as `cells` says.
    pub fn new(format: Format, ruleset: &Ruleset, cells: TextCells, terminal: bool) -> Rows {
        Rows {
            format,
            key_names: ruleset.key_names().into_iter().map(String::from).collect(),
            cells,
            terminal,
        }
    }

    /// The row for `key` and its outcome: a CSV line, or a JSON object.
    pub fn encode(&self, key: &str, outcome: &Outcome) -> Result<Vec<u8>, String> {
        match self.format {
            Format::Csv => {
                let mut fields: Vec<String> = (self.key_parts(key))
                    .map(|part| self.cells.csv(part).into_owned())
                    .collect();
                fields.extend(outcome.values.iter().map(|v| self.cells.csv_value(v)));
                let line = csv_line(&fields)?;
                Ok(match self.terminal {
                    true => visible(&String::from_utf8_lossy(&line))
                        .into_owned()
                        .into_bytes(),
                    false => line,
                })
            }
            Format::Json | Format::Jsonl => {
                let row = Value::Object(outcome.json_row(&self.key_names, key)).to_string();
                Ok(match self.terminal {
                    true => visible_json(&row).into_owned().into_bytes(),
                    false => row.into_bytes(),
                })
            }
        }
    }
}

impl Rows {
    /// The values of the key's columns in a record's key: the whole key for a key of
    /// one column, split at its commas for a key of several.
    fn key_parts<'k>(&self, key: &'k str) -> impl Iterator<Item = &'k str> {
        key.splitn(self.key_names.len().max(1), ',')
    }
}

impl Writer {
    /// A writer to `path`, or to standard output. A file is written beside its path
    /// and takes its place only at [`Writer::finish`], so a run that stops early
    /// leaves an existing output file as it was.
    pub fn open(path: Option<&Path>, format: Format, ruleset: &Ruleset) -> Result<Writer, Failure> {
        let out = Sink::open(path)?;
        let layout = match format {
            Format::Csv => {
                let mut names = ruleset.key_names();
                names.extend(ruleset.output_names());
                // Writing to memory cannot fail.
                Layout::Csv {
                    header: csv_line(&names).unwrap_or_default(),
                }
            }
            Format::Json => Layout::Json { lines: false },
            Format::Jsonl => Layout::Json { lines: true },
        };
        Ok(Writer {
            out,
            layout,
            rows: 0,
        })
    }

    /// Whether rows go to a terminal.
    pub fn is_terminal(&self) -> bool {
        self.out.is_terminal()
    }

    /// Writes one record's row, as [`Rows::encode`] gave it.
    pub fn row(&mut self, encoded: &[u8]) -> Result<(), Failure> {
        match &self.layout {
            Layout::Csv { header } => {
                if self.rows == 0 {
                    self.out.put(header)?;
                }
                self.out.put(encoded)?;
            }
            Layout::Json { lines } => {
                let separator: &[u8] = match (*lines, self.rows) {
                    (true, _) => b"",
                    (false, 0) => b"[\n",
                    (false, _) => b",\n",
                };
                self.out.put(separator)?;
                self.out.put(encoded)?;
                if *lines {
                    self.out.put(b"\n")?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Completes the output (a CSV with no rows still gets its header) and puts a
    /// file in place.
    pub fn finish(mut self) -> Result<(), Failure> {
        let end: &[u8] = match (&self.layout, self.rows) {
            (Layout::Csv { header }, 0) => header,
            (Layout::Csv { .. }, _) => b"",
            (Layout::Json { lines: true }, _) => b"",
            (Layout::Json { lines: false }, 0) => b"[]\n",
            (Layout::Json { lines: false }, _) => b"\n]\n",
        };
        let end = end.to_vec();
        self.out.put(&end)?;
        self.out.finish()
    }
}

/// One CSV line of `fields`, quoted where they need it.
fn csv_line<T: AsRef<[u8]>>(fields: &[T]) -> Result<Vec<u8>, String> {
    // One writer per row: its buffer need hold a line, not the default 8 KiB, which
    // is zeroed on every creation.
    let mut line = csv::WriterBuilder::new()
        .buffer_capacity(256)
        .from_writer(Vec::new());
    let failed = |e: &dyn std::fmt::Display| format!("cannot encode a row: {e}");
    line.write_record(fields).map_err(|e| failed(&e))?;
    line.into_inner().map_err(|e| failed(&e))
}
