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
            value: String::new(),
        }
    }
}

/// Encodes rows as [`Rows::encode`] does, appending each to a buffer: a CSV row of
/// numbers and texts that need no guard allocates nothing. A CSV row is written as the
/// `csv` crate's writer writes it.
#[derive(Clone)]
pub struct Encoder<'r> {
    rows: &'r Rows,
    /// An output value written as text, in memory used again.
    value: String,
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
                    csv_field(n > 0, rows.cells.csv(part).as_bytes(), out);
                }
                for value in &outcome.values {
                    let mut text = std::mem::take(&mut self.value);
                    text.clear();
                    rows.cells.write_csv_value(value, &mut text);
                    csv_field(true, text.as_bytes(), out);
                    self.value = text;
                }
                end_row(start, out);
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
}

/// Appends one CSV field to `out`, after a delimiter unless it is the first: in quotes
/// (a quote in it doubled) if it holds a comma, a quote or a line break, as the `csv`
/// crate's writer writes it.
fn csv_field(after: bool, field: &[u8], out: &mut Vec<u8>) {
    if after {
        out.push(b',');
    }
    if !field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// One CSV row of `fields`, quoted where they need it.
fn csv_row<T: AsRef<[u8]>>(fields: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, field) in fields.iter().enumerate() {
        csv_field(n > 0, field.as_ref(), &mut out);
    }
    end_row(0, &mut out);
    out
}

/// Ends the CSV row that starts at `start` in `out`: a row of one empty field is
/// written as an empty quoted one, so that it is not read as no row.
fn end_row(start: usize, out: &mut Vec<u8>) {
    if out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
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
                Layout::Csv {
                    header: csv_row(&names),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One CSV line of `fields` as the `csv` crate writes it.
    fn csv_line(fields: &[&str]) -> Vec<u8> {
        let mut line = csv::Writer::from_writer(Vec::new());
        line.write_record(fields).unwrap();
        line.into_inner().unwrap()
    }

    #[test]
    fn fields_are_quoted_as_the_csv_writer_quotes_them() {
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\r",
            " spaced ",
            "坐席",
            "'=1",
            "#hash",
            ",",
        ];
        for first in fields {
            for rest in [&[][..], &fields[..]] {
                let mut all = vec![first];
                all.extend(rest);
                assert_eq!(csv_row(&all), csv_line(&all), "{all:?}");
            }
        }
    }
}
