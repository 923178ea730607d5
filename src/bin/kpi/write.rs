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
        let mut row = Vec::new();
        self.encoder().encode_into(key, outcome, &mut row)?;
        Ok(row)
    }

    /// An encoder that writes rows into a buffer of the caller's, on one thread.
    pub fn encoder(&self) -> Encoder<'_> {
        Encoder {
            rows: self,
            line: csv_core::Writer::new(),
            value: String::new(),
        }
    }
}

/// Encodes rows as [`Rows::encode`] does, appending each to a buffer: a CSV row of
/// numbers and texts that need no guard allocates nothing.
pub struct Encoder<'r> {
    rows: &'r Rows,
    /// Quotes CSV fields as the `csv` crate's writer does (it is that writer's core).
    line: csv_core::Writer,
    /// An output value written as text, in memory used again.
    value: String,
}

/// An encoder of its own for another thread.
impl Clone for Encoder<'_> {
    fn clone(&self) -> Self {
        self.rows.encoder()
    }
}

impl Encoder<'_> {
    /// Appends the row for `key` and its outcome to `out`.
    pub fn encode_into(
        &mut self,
        key: &str,
        outcome: &Outcome,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let rows = self.rows;
        let start = out.len();
        match rows.format {
            Format::Csv => {
                for (n, part) in rows.key_parts(key).enumerate() {
                    self.field(n > 0, rows.cells.csv(part).as_bytes(), out);
                }
                for value in &outcome.values {
                    let mut text = std::mem::take(&mut self.value);
                    text.clear();
                    rows.cells.write_csv_value(value, &mut text);
                    self.field(true, text.as_bytes(), out);
                    self.value = text;
                }
                let mut end = [0; 8];
                let (_, n) = self.line.terminator(&mut end);
                out.extend_from_slice(&end[..n]);
                if rows.terminal {
                    let line = String::from_utf8_lossy(&out[start..]).into_owned();
                    out.truncate(start);
                    out.extend_from_slice(visible(&line).as_bytes());
                }
            }
            Format::Json | Format::Jsonl => {
                let row = Value::Object(outcome.json_row(&rows.key_names, key)).to_string();
                match rows.terminal {
                    true => out.extend_from_slice(visible_json(&row).as_bytes()),
                    false => out.extend_from_slice(row.as_bytes()),
                }
            }
        }
        Ok(())
    }

    /// Appends one CSV field, after a delimiter unless it is the first.
    fn field(&mut self, after: bool, mut field: &[u8], out: &mut Vec<u8>) {
        let mut buffer = [0; 256];
        if after {
            // A closing quote, then the delimiter.
            let (_, n) = self.line.delimiter(&mut buffer);
            out.extend_from_slice(&buffer[..n]);
        }
        loop {
            let (result, read, n) = self.line.field(field, &mut buffer);
            out.extend_from_slice(&buffer[..n]);
            field = &field[read..];
            if result == csv_core::WriteResult::InputEmpty {
                return;
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
