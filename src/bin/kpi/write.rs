//! Writing scored records as CSV, JSON or JSON Lines.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kpi::{Outcome, Ruleset};
use serde_json::{Map, Value};

use crate::Format;

enum Sink {
    Csv {
        out: Box<dyn Write>,
        header: Vec<u8>,
    },
    Json {
        out: Box<dyn Write>,
        lines: bool,
    },
}

/// Writes one row per scored record: the key, then every output in order. Rows are
/// encoded by a [`Rows`] (on any thread) and put here in order.
pub struct Writer {
    sink: Sink,
    rows: usize,
}

/// Encodes a scored record as one row of the output format.
#[derive(Clone)]
pub struct Rows {
    format: Format,
    key_names: Vec<String>,
}

impl Rows {
    /// An encoder for `format` rows of `ruleset`'s outputs.
    pub fn new(format: Format, ruleset: &Ruleset) -> Rows {
        Rows {
            format,
            key_names: ruleset.key_names().into_iter().map(String::from).collect(),
        }
    }

    /// The row for `key` and its outcome: a CSV line, or a JSON object.
    pub fn encode(&self, key: &str, outcome: &Outcome) -> Result<Vec<u8>, String> {
        match self.format {
            Format::Csv => {
                let mut fields: Vec<String> = self.key_parts(key).map(String::from).collect();
                fields.extend(outcome.values.iter().map(ToString::to_string));
                csv_line(&fields)
            }
            Format::Json | Format::Jsonl => {
                let mut object = Map::new();
                for (name, part) in self.key_names.iter().zip(self.key_parts(key)) {
                    object.insert(name.clone(), Value::String(part.to_string()));
                }
                for (name, value) in outcome.names.iter().zip(&outcome.values) {
                    let value = match value {
                        kpi::OutputValue::Missing => Value::Null,
                        v => Value::String(v.to_string()),
                    };
                    object.insert(name.clone(), value);
                }
                Ok(Value::Object(object).to_string().into_bytes())
            }
        }
    }
}

impl Rows {
    /// The values of the key's columns in a record's key: the whole key for a key of
    /// one column, split at its commas for a key of several.
    fn key_parts<'k>(&self, key: &'k str) -> impl Iterator<Item = &'k str> {
        let n = self.key_names.len().max(1);
        key.splitn(n, ',')
    }
}

fn write_error(e: impl std::fmt::Display) -> String {
    format!("cannot write output: {e}")
}

impl Writer {
    /// A writer to `path`, or to standard output. Nothing is written, and no file
    /// created, until the first row or the end of a successful run, so a data file
    /// that cannot be read leaves an existing output file as it was.
    pub fn open(path: Option<&Path>, format: Format, ruleset: &Ruleset) -> Writer {
        let out: Box<dyn Write> = match path {
            Some(p) => Box::new(LazyFile {
                path: p.to_path_buf(),
                file: None,
            }),
            None => Box::new(BufWriter::new(std::io::stdout().lock())),
        };
        let sink = match format {
            Format::Csv => {
                let mut names = ruleset.key_names();
                names.extend(ruleset.output_names());
                Sink::Csv {
                    out,
                    // Writing to memory cannot fail.
                    header: csv_line(&names).unwrap_or_default(),
                }
            }
            Format::Json => Sink::Json { out, lines: false },
            Format::Jsonl => Sink::Json { out, lines: true },
        };
        Writer { sink, rows: 0 }
    }

    /// Writes one record's row, as [`Rows::encode`] gave it.
    pub fn row(&mut self, encoded: &[u8]) -> Result<(), String> {
        match &mut self.sink {
            Sink::Csv { out, header } => {
                if self.rows == 0 {
                    out.write_all(header).map_err(write_error)?;
                }
                out.write_all(encoded).map_err(write_error)?;
            }
            Sink::Json { out, lines } => {
                let separator: &[u8] = match (*lines, self.rows) {
                    (true, _) => b"",
                    (false, 0) => b"[\n",
                    (false, _) => b",\n",
                };
                out.write_all(separator).map_err(write_error)?;
                out.write_all(encoded).map_err(write_error)?;
                if *lines {
                    out.write_all(b"\n").map_err(write_error)?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Closes the output; a CSV with no rows still gets its header.
    pub fn finish(self) -> Result<(), String> {
        match self.sink {
            Sink::Csv { mut out, header } => {
                if self.rows == 0 {
                    out.write_all(&header).map_err(write_error)?;
                }
                out.flush().map_err(write_error)
            }
            Sink::Json { mut out, lines } => {
                let end: &[u8] = match (lines, self.rows) {
                    (true, _) => b"",
                    (false, 0) => b"[]\n",
                    (false, _) => b"\n]\n",
                };
                out.write_all(end).map_err(write_error)?;
                out.flush().map_err(write_error)
            }
        }
    }
}

/// One CSV line of `fields`, quoted where they need it.
fn csv_line<T: AsRef<[u8]>>(fields: &[T]) -> Result<Vec<u8>, String> {
    // One writer per row: its buffer need hold a line, not the default 8 KiB, which
    // is zeroed on every creation.
    let mut line = csv::WriterBuilder::new()
        .buffer_capacity(256)
        .from_writer(Vec::new());
    line.write_record(fields).map_err(write_error)?;
    line.into_inner().map_err(write_error)
}

/// A file created on the first write.
struct LazyFile {
    path: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Write for LazyFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(BufWriter::new(File::create(&self.path)?)),
        };
        file.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}
