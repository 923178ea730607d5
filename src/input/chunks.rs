//! CSV rows read a chunk at a time: one thread reads the file in large blocks and cuts
//! them where rows end, and any number of others split each chunk into fields and read
//! its rows into records. Each row is read, and each problem reported, at the line and
//! with the message the row-at-a-time reader ([`super::csv::rows`]) gives.
//!
//! The file is split by the same machine the CSV reader runs (`csv_core`), started
//! afresh at each chunk. That gives the same rows because a chunk is cut just after
//! the byte that ends a row (a `\r` of `\r\n` included), where the reader, having
//! returned the row, stands as it does at the start; and the same line numbers because
//! each chunk starts on the line the reader counts there (its line breaks so far, plus
//! one).

use std::io::{self, Read};
use std::sync::Arc;

use super::csv::{Fields, Shape, header_shape, not_utf8, reader_of, runaway_row, unreadable};
use super::limits::MAX_RECORD;
use super::{DataError, Location, Record};
use crate::period::Period;
use crate::ruleset::Ruleset;

/// How much is read at a time, and about how much a chunk holds.
const BLOCK: usize = 64 << 10;

/// The most bytes one row may take to end, counted from where the one before it ended:
/// a row's limit plus the buffer of the row-at-a-time reader, which reads that far
/// ahead before it refuses a row.
const ROW_LIMIT: usize = MAX_RECORD + (64 << 10);

/// A CSV file's rows, after its header, cut into chunks of whole rows: read it on one
/// thread with [`CsvChunks::next_into`], and read each chunk on any thread with a
/// [`CsvRows`].
pub struct CsvChunks<'r, R> {
    ruleset: &'r Ruleset,
    reader: R,
    header: Arc<Shape>,
    delimiter: u8,
    /// Bytes read past the last chunk: the start of the rows after it.
    pending: Vec<u8>,
    /// The line the CSV reader counts at the start of `pending`.
    line: u64,
    /// Whether the file has been read to its end.
    eof: bool,
    /// What stopped the reading of the file, once the rows before it are passed on.
    failed: Option<io::Error>,
    /// Whether every chunk has been given.
    done: bool,
    /// How much is read at a time: [`BLOCK`], less in tests.
    block: usize,
    /// How far `pending` was read without finding a row's end, and where that left
    /// the reader: a long row is then not read again from its start.
    scanned: (usize, At),
}

/// Whole rows of a CSV file, as [`CsvChunks::next_into`] cut them.
#[derive(Debug, Default)]
pub struct CsvChunk {
    bytes: Vec<u8>,
    /// The line the CSV reader counts at the start of the chunk.
    line: u64,
    /// Whether the file ends with the chunk, whose last row may then lack a line
    /// break.
    last: bool,
    /// What ends the file after the chunk's rows: a row past its limit, or a file that
    /// cannot be read on.
    end: Option<DataError>,
}

impl<'r, R: Read> CsvChunks<'r, R> {
    /// Reads the header of the CSV file `reader` against `ruleset`'s inputs, its fields
    /// separated by `delimiter`. Fails as [`Ruleset::read_csv_rows`] does, with the
    /// same problem, for a header that cannot be read or lacks a declared input.
    pub fn new(
        ruleset: &'r Ruleset,
        reader: R,
        delimiter: u8,
    ) -> Result<CsvChunks<'r, R>, DataError> {
        let mut chunks = CsvChunks {
            ruleset,
            reader,
            header: Arc::new(Shape::default()),
            delimiter,
            pending: Vec::with_capacity(BLOCK),
            line: 1,
            eof: false,
            failed: None,
            done: false,
            block: BLOCK,
            scanned: (0, At::RowStart),
        };
        let end = chunks.header_end()?;
        let mut reader = reader_of(&chunks.pending[..end], delimiter);
        let header = reader.headers().cloned().map_err(|e| e.to_string());
        let shape = header_shape(
            ruleset.input_decls(),
            ruleset.keys(),
            header,
            reader.position().byte(),
            delimiter,
        )?;
        chunks.header = Arc::new(shape);
        chunks.line += line_breaks(&chunks.pending[..end]);
        chunks.pending.drain(..end);
        Ok(chunks)
    }

    /// Where the header ends in `pending`, reading as far as that takes.
    fn header_end(&mut self) -> Result<usize, DataError> {
        loop {
            self.fill();
            // The CSV reader drops a byte order mark at the start of the file.
            let bom = match self.pending.starts_with(b"\xef\xbb\xbf") {
                true => 3,
                false => 0,
            };
            let within = &self.pending[bom..self.pending.len().min(ROW_LIMIT)];
            if let Some(end) = RowEnds::new(within, self.delimiter).next() {
                return Ok(bom + end);
            }
            if self.pending.len() >= ROW_LIMIT {
                return Err(super::csv::runaway_header());
            }
            if self.eof || self.failed.is_some() {
                if let Some(e) = self.failed.take() {
                    return Err(super::csv::unreadable_header(&e));
                }
                return Ok(self.pending.len());
            }
        }
    }

    /// Reads until `pending` holds a block, or the file ends or fails.
    fn fill(&mut self) {
        let target = self.pending.len().max(self.block / 2) + self.block / 2;
        while !self.eof && self.failed.is_none() && self.pending.len() < target {
            let at = self.pending.len();
            self.pending.resize(target, 0);
            match self.reader.read(&mut self.pending[at..]) {
                Ok(0) => {
                    self.eof = true;
                    self.pending.truncate(at);
                }
                Ok(n) => self.pending.truncate(at + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.pending.truncate(at),
                Err(e) => {
                    self.failed = Some(e);
                    self.pending.truncate(at);
                }
            }
        }
    }

    /// A reader of the chunks' rows for another thread: each row read into a record
    /// against the ruleset's inputs, and kept when a run of `period` scores it
    /// (every row without one).
    pub fn rows(&self, period: Option<Period>) -> CsvRows<'r> {
        CsvRows {
            ruleset: self.ruleset,
            header: Arc::clone(&self.header),
            delimiter: self.delimiter,
            period,
            splitter: splitter(self.delimiter),
            text: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// Cuts the next chunk of rows into `chunk`, whose memory is used again; `false`
    /// when every row has been given.
    pub fn next_into(&mut self, chunk: &mut CsvChunk) -> bool {
        if self.done {
            return false;
        }
        chunk.bytes.clear();
        chunk.line = self.line;
        chunk.last = false;
        chunk.end = None;
        loop {
            self.fill();
            let stopped = self.eof || self.failed.is_some();
            let (at, state) = self.scanned;
            let mut ends = RowEnds::new(&self.pending, self.delimiter);
            (ends.at, ends.state) = (at, state);
            let first = ends.next();
            self.scanned = (ends.at, ends.state);
            // A row that takes longer to end than the CSV reader reads ahead ends the
            // file there.
            if first.map_or(self.pending.len() >= ROW_LIMIT, |end| end > ROW_LIMIT) {
                chunk.end = Some(runaway_row(self.line));
                self.done = true;
                return true;
            }
            if let Some(first) = first {
                let cut = first + last_row_end(&self.pending[first..], self.delimiter).unwrap_or(0);
                self.scanned = (0, At::RowStart);
                std::mem::swap(&mut chunk.bytes, &mut self.pending);
                self.pending.clear();
                self.pending.extend_from_slice(&chunk.bytes[cut..]);
                chunk.bytes.truncate(cut);
                self.line += line_breaks(&chunk.bytes);
                return true;
            }
            if let Some(e) = self.failed.take() {
                chunk.end = Some(unreadable(self.line, &e));
                self.done = true;
                return true;
            }
            if stopped {
                // The last row, without a line break (the CSV reader reads the end of
                // the file only with room left in its limit: checked above).
                std::mem::swap(&mut chunk.bytes, &mut self.pending);
                chunk.last = true;
                self.done = true;
                return true;
            }
        }
    }
}

/// The machine that splits rows into fields, as the CSV reader builds it.
fn splitter(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new().delimiter(delimiter).build()
}

/// Reads the rows of [`CsvChunk`]s into records, on any thread: split into fields,
/// checked for their number and size, and read against the inputs. Rows are read into
/// records kept from chunk to chunk, so reading a row of numbers and texts no longer
/// than the last read there allocates nothing.
pub struct CsvRows<'r> {
    ruleset: &'r Ruleset,
    header: Arc<Shape>,
    delimiter: u8,
    period: Option<Period>,
    splitter: csv_core::Reader,
    /// The fields of the row being read, one after another.
    text: Vec<u8>,
    /// Where each field ends in `text`.
    ends: Vec<usize>,
}

/// A reader of its own for another thread.
impl Clone for CsvRows<'_> {
    fn clone(&self) -> Self {
        CsvRows {
            // Built anew: a copy of `csv_core`'s reader does not split as it does.
            splitter: splitter(self.delimiter),
            header: Arc::clone(&self.header),
            text: self.text.clone(),
            ends: self.ends.clone(),
            ..*self
        }
    }
}

impl std::fmt::Debug for CsvRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows").finish_non_exhaustive()
    }
}

impl CsvRows<'_> {
    /// Reads the rows of `chunk` into `records`, from its start, and says what became
    /// of each, in order, to `each`: `Ok(Some(i))` for a row read into `records[i]`,
    /// `Ok(None)` for a record of another month than the one scored, or every problem
    /// found in it. After the rows comes what ended the file there, if anything did.
    /// Returns how many records were read: the records after them in `records` are
    /// those of an earlier chunk, kept for their memory.
    pub fn read(
        &mut self,
        chunk: &CsvChunk,
        records: &mut Vec<Record>,
        mut each: impl FnMut(Result<Option<usize>, Vec<DataError>>),
    ) -> usize {
        self.splitter.reset();
        self.splitter.set_line(chunk.line);
        // The reader drops a byte order mark only at the start of the file.
        let _ = self.splitter.read_record(b" ", &mut [], &mut []);
        let mut input = chunk.bytes.as_slice();
        let mut read = 0;
        loop {
            let line = self.splitter.line();
            let Some((fields, size)) = self.split(&mut input, chunk.last) else {
                break;
            };
            if records.len() == read {
                records.push(Record::blank(self.ruleset.input_decls().len()));
            }
            match self.row(&mut records[read], fields, line, size) {
                Ok(true) => {
                    each(Ok(Some(read)));
                    read += 1;
                }
                Ok(false) => each(Ok(None)),
                Err(problems) => each(Err(problems)),
            }
        }
        if let Some(end) = &chunk.end {
            each(Err(vec![end.clone()]));
        }
        read
    }

    /// Splits the next row of `input` into `text` and `ends`: how many fields it has
    /// and how many bytes it took; `None` at the end of the chunk.
    fn split(&mut self, input: &mut &[u8], last: bool) -> Option<(usize, u64)> {
        use csv_core::ReadRecordResult as Read;
        let (mut written, mut fields, mut size) = (0, 0, 0u64);
        loop {
            let (result, read, out, ends) = self.splitter.read_record(
                input,
                &mut self.text[written..],
                &mut self.ends[fields..],
            );
            *input = &input[read..];
            (written, fields, size) = (written + out, fields + ends, size + read as u64);
            match result {
                // A chunk not at the end of the file ends with a row.
                Read::InputEmpty if input.is_empty() && !last => return None,
                Read::InputEmpty => {}
                Read::OutputFull => self.text.resize(self.text.len() * 2, 0),
                Read::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Read::Record => return Some((fields, size)),
                Read::End => return None,
            }
        }
    }

    /// Reads the row split into the first `fields` fields of `text`, read on `line` in
    /// `size` bytes, into `record`: whether the run scores it.
    fn row(
        &self,
        record: &mut Record,
        fields: usize,
        line: u64,
        size: u64,
    ) -> Result<bool, Vec<DataError>> {
        let ends = &self.ends[..fields];
        let bytes = &self.text[..ends.last().map_or(0, |&e| e)];
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                // Named by the first field that is not UTF-8, as the CSV reader names it.
                let starts = std::iter::once(0).chain(ends.iter().copied());
                let field = (starts.zip(ends))
                    .position(|(s, &e)| std::str::from_utf8(&bytes[s..e]).is_err())
                    .unwrap_or(0);
                return Err(vec![not_utf8(line, self.header.name(field))]);
            }
        };
        let split = Split { text, ends };
        if let Some(problem) = self.header.problem(&split, line, size) {
            return Err(vec![problem]);
        }
        let ruleset = self.ruleset;
        super::csv::read_fields_into(
            record,
            ruleset.input_decls(),
            ruleset.keys(),
            self.header.columns(),
            Location::Line(line),
            |c| split.field(c),
        )?;
        Ok(ruleset.scores_in(record, self.period))
    }
}

/// A row split into fields: their text one after another, and where each ends.
struct Split<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl Fields for Split<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn field(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        self.text.get(start..end)
    }

    fn text(&self) -> &str {
        self.text
    }
}

/// How many line feeds `bytes` holds: the lines the CSV reader counts.
fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Whether `b` ends a row (the CSV reader takes `\r`, `\n` and `\r\n` alike).
fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// The offset just past the last row end in `bytes`, read from the start of a row.
fn last_row_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', bytes).is_some() {
        return RowEnds::new(bytes, delimiter).last();
    }
    // With no quotes, a row ends at the first line break after its text.
    let last = memchr::memrchr2(b'\n', b'\r', bytes)?;
    let text = bytes[..last].iter().rposition(|&b| !is_break(b))?;
    Some(text + 2)
}

/// Where the CSV reader stands between two bytes, as far as where rows end goes:
/// `csv_core`'s states, less those it passes through without reading a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    RowStart,
    FieldStart,
    InField,
    InQuotes,
    QuoteInQuotes,
}

/// The ends of the rows in bytes read from the start of a row: each the offset just
/// past the byte that ends a row, a line break outside quotes after the row's text.
struct RowEnds<'a> {
    bytes: &'a [u8],
    at: usize,
    state: At,
    delimiter: u8,
}

impl RowEnds<'_> {
    fn new(bytes: &[u8], delimiter: u8) -> RowEnds<'_> {
        RowEnds {
            bytes,
            at: 0,
            state: At::RowStart,
            delimiter,
        }
    }
}

impl Iterator for RowEnds<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            let state = match self.state {
                At::RowStart if is_break(b) => At::RowStart,
                At::RowStart | At::FieldStart => match b {
                    b'"' => At::InQuotes,
                    _ if b == self.delimiter => At::FieldStart,
                    _ if is_break(b) => return self.ended(),
                    _ => At::InField,
                },
                At::InField => match b {
                    _ if b == self.delimiter => At::FieldStart,
                    _ if is_break(b) => return self.ended(),
                    _ => At::InField,
                },
                At::InQuotes => match b {
                    b'"' => At::QuoteInQuotes,
                    _ => At::InQuotes,
                },
                At::QuoteInQuotes => match b {
                    b'"' => At::InQuotes,
                    _ if b == self.delimiter => At::FieldStart,
                    _ if is_break(b) => return self.ended(),
                    _ => At::InField,
                },
            };
            self.state = state;
        }
        None
    }
}

impl RowEnds<'_> {
    /// A row ended just before `at`.
    fn ended(&mut self) -> Option<usize> {
        self.state = At::RowStart;
        Some(self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::limits::{MAX_FIELD, MAX_FIELD_LINES};
    use proptest::prelude::*;

    #[test]
    fn rows_end_at_the_first_line_break_outside_quotes() {
        let ends = |text: &str| RowEnds::new(text.as_bytes(), b',').collect::<Vec<_>>();
        assert_eq!(ends("a,b\nc,d\n"), [4, 8]);
        assert_eq!(ends("a,b\r\nc,d\r\n"), [4, 9]);
        assert_eq!(ends("\n\na\n\r\nb"), [4]);
        assert_eq!(ends("a,\"b\nc\"\"\n\",d\ne"), [13]);
        assert_eq!(ends("a,b\"\n\"c\n"), [5]);
        assert_eq!(ends("\"a\"b\nc"), [5]);
        for text in [
            "a,b\nc,d\n",
            "a,b\r\nc,d\r\n\r\n",
            "\n\na\n\r\nb",
            "x\ry\r",
            "a",
        ] {
            let last = RowEnds::new(text.as_bytes(), b',').last();
            assert_eq!(last_row_end(text.as_bytes(), b','), last, "{text:?}");
        }
    }

    fn ruleset() -> Ruleset {
        Ruleset::compile("ruleset t\nkey id\ninput id text\ninput n count\noutput o = n").unwrap()
    }

    /// Each row of `bytes` as the row-at-a-time reader reads it.
    fn by_rows(ruleset: &Ruleset, bytes: &[u8]) -> Vec<String> {
        match ruleset.read_csv_rows(bytes) {
            Ok(rows) => rows
                .map(|row| format!("{:?}", row.and_then(|row| ruleset.csv_record(&row))))
                .collect(),
            Err(e) => vec![format!("{e:?}")],
        }
    }

    /// Each row of `bytes` as chunks of about `block` bytes read it.
    fn by_chunks(ruleset: &Ruleset, bytes: &[u8], block: usize) -> Vec<String> {
        let mut chunks = match CsvChunks::new(ruleset, bytes, b',') {
            Ok(chunks) => chunks,
            Err(e) => return vec![format!("{e:?}")],
        };
        chunks.block = block;
        let (mut rows, mut chunk, mut records) = (chunks.rows(None), CsvChunk::default(), vec![]);
        let mut read = Vec::new();
        while chunks.next_into(&mut chunk) {
            let mut got = Vec::new();
            rows.read(&chunk, &mut records, |row| got.push(row));
            for row in got {
                let row = row.map(|i| i.map(|i| records[i].clone()));
                read.push(format!("{:?}", row.map(|r| r.expect("no period"))));
            }
        }
        read
    }

    #[test]
    fn rows_past_their_limits_are_refused_as_the_row_reader_refuses_them() {
        let ruleset = ruleset();
        let head = "id,n,note\nA,1,x\n";
        let row = |size: usize| format!("B,2,{}", "x".repeat(size - 4));
        let mut files = vec![
            format!("{head}{}\nC,3,\n", row(MAX_FIELD + 5)),
            format!("{head}{}\nC,3,\n", row(MAX_RECORD + 1)),
            format!("{head}B,2,\"{}\"\nC,3,\n", "l\n".repeat(MAX_FIELD_LINES)),
            format!("{head}B,2,\"never closed\nC,3,\n"),
        ];
        // Rows that end at, or just past, what the row reader reads ahead, and a last
        // row without a line break as long.
        for size in [ROW_LIMIT - 2, ROW_LIMIT - 1, ROW_LIMIT, ROW_LIMIT + 1] {
            files.push(format!("{head}{}\nC,3,\n", row(size)));
            files.push(format!("{head}{}\r\nC,3,\n", row(size)));
            files.push(format!("{head}{}", row(size)));
            files.push(format!("id,n,{}\nA,1,\n", "h".repeat(size - 5)));
        }
        for file in &files {
            let want = by_rows(&ruleset, file.as_bytes());
            for block in [BLOCK, 1000] {
                let got = by_chunks(&ruleset, file.as_bytes(), block);
                assert_eq!(got, want, "{} bytes, block {block}", file.len());
            }
        }
    }

    proptest! {
        #[test]
        fn chunks_read_every_file_as_the_row_reader_does(
            parts in prop::collection::vec(
                prop::sample::select(vec![
                    "A", "7", "12", " ", ",", "\"", "\r", "\n", "\r\n", ";", "é", "\u{feff}",
                    "\u{1}", "-3", "\n\n",
                ]),
                0..80,
            ),
            header in prop::sample::select(vec!["id,n\n", "id,n,note\r\n", "\u{feff}id,n\n", "n,id"]),
            invalid in prop::option::of(0usize..80),
            block in 2usize..40,
        ) {
            let ruleset = ruleset();
            let mut bytes = header.as_bytes().to_vec();
            for part in parts {
                bytes.extend_from_slice(part.as_bytes());
            }
            if let Some(at) = invalid {
                // A byte that is not UTF-8.
                let at = at.min(bytes.len());
                bytes.insert(at, 0xff);
            }
            prop_assert_eq!(by_chunks(&ruleset, &bytes, block), by_rows(&ruleset, &bytes));
        }
    }
}
