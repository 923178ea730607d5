//! CSV records: a header row naming the columns, one record per row. Columns the
//! ruleset does not declare (a name, a team) are ignored; a declared input with no
//! column is an error for the whole file.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use super::limits::{Bounded, MAX_FIELD, MAX_FIELD_LINES, MAX_RECORD, shown_size};
use super::{DataError, DataErrorKind, InputValue, Keys, Location, Record, parse_value_into};
use crate::check::model::Input;
use crate::check::names::closest;

/// Reads CSV records against `inputs`, their fields separated by `delimiter`. Fails
/// at once if the header lacks a declared input; otherwise yields each record, or
/// every problem found in its row.
pub fn read<'a, R: Read + 'a>(
    inputs: &'a [Input],
    key: Keys<'a>,
    reader: R,
    delimiter: u8,
) -> Result<impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a, DataError> {
    let rows = rows(inputs, key, reader, delimiter)?;
    Ok(rows.map(move |row| row.and_then(|row| record(inputs, key, &row))))
}

/// One row of a CSV file, split into fields but not yet read against the inputs, so
/// that rows can be read on other threads.
#[derive(Debug, Clone)]
pub struct CsvRow {
    fields: ::csv::StringRecord,
    /// The field of each declared input, in declaration order.
    columns: Arc<[usize]>,
}

/// The CSV reader's buffer: how far it may read past the row it is splitting.
const BUFFER: usize = 64 << 10;

/// Reads the header of a CSV file against `inputs`, then yields its rows unread,
/// each checked for the number of its fields and their size. Fails at once if the
/// header lacks a declared input. A row that runs past [`MAX_RECORD`] ends the file.
pub fn rows<R: Read>(
    inputs: &[Input],
    key: Keys<'_>,
    reader: R,
    delimiter: u8,
) -> Result<impl Iterator<Item = Result<CsvRow, Vec<DataError>>> + use<R>, DataError> {
    let (bounded, meter) = Bounded::new(reader, BUFFER as u64, u64::MAX);
    let mut reader = reader_of(bounded, delimiter);
    let header = match (reader.headers(), meter.exceeded()) {
        (Ok(header), _) => Ok(header.clone()),
        (Err(_), Some(_)) => return Err(runaway_header()),
        (Err(e), None) => Err(e.to_string()),
    };
    let shape = header_shape(inputs, key, header, reader.position().byte(), delimiter)?;
    let mut done = false;
    // One record read into again and again, and cloned to its exact size, rather than
    // a new one grown for every row.
    let mut fields = ::csv::StringRecord::new();
    Ok(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = reader.position().clone();
        meter.start_record(start.byte());
        match reader.read_record(&mut fields) {
            Ok(false) => None,
            Ok(true) => {
                let line = fields.position().map_or(start.line(), |p| p.line());
                let size = reader.position().byte().saturating_sub(start.byte());
                if let Some(problem) = shape.problem(&fields, line, size) {
                    return Some(Err(vec![problem]));
                }
                Some(Ok(CsvRow {
                    fields: fields.clone(),
                    columns: Arc::clone(&shape.columns),
                }))
            }
            Err(e) => {
                let line = start.line();
                let fatal = match (meter.exceeded(), e.kind()) {
                    (Some(_), _) => runaway_row(line),
                    (None, ::csv::ErrorKind::Io(e)) => unreadable(line, e),
                    (None, ::csv::ErrorKind::Utf8 { err, .. }) => {
                        // The row was read past; the next one can still be read.
                        let line = e.position().map_or(line, |p| p.line());
                        return Some(Err(vec![not_utf8(line, shape.name(err.field()))]));
                    }
                    (None, _) => {
                        let line = e.position().map_or(line, |p| p.line());
                        return Some(Err(vec![DataError::new(
                            DataErrorKind::Unreadable,
                            Location::Line(line),
                            format!("the row cannot be read: {e}"),
                        )]));
                    }
                };
                done = true;
                Some(Err(vec![fatal]))
            }
        }
    }))
}

/// What a row on `line` whose field in `column` is not UTF-8 is reported as.
pub(crate) fn not_utf8(line: u64, column: &str) -> DataError {
    DataError::new(
        DataErrorKind::Unreadable,
        Location::Line(line),
        "the value is not UTF-8 text; save the file as UTF-8 (\"CSV UTF-8\"), or name its encoding (--encoding gb18030)",
    )
    .at(column, None)
}

/// A row's fields as a reader split them.
pub(crate) trait Fields {
    /// How many fields.
    fn count(&self) -> usize;
    /// Field `i`.
    fn field(&self, i: usize) -> Option<&str>;
    /// Every field's text, one after another.
    fn text(&self) -> &str;
    /// Every field.
    fn each(&self) -> impl Iterator<Item = &str> {
        (0..self.count()).map_while(|i| self.field(i))
    }
}

impl Fields for ::csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }

    fn text(&self) -> &str {
        self.as_slice()
    }
}

/// A CSV reader of `reader` as every CSV file is read: rows may have more or fewer
/// fields than the header (counted here, to say what is wrong with such a row).
pub(crate) fn reader_of<R: Read>(reader: R, delimiter: u8) -> ::csv::Reader<R> {
    ::csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(BUFFER)
        .from_reader(reader)
}

/// What a row that runs past the limit, from `line` on, is reported as: it ends the
/// file.
pub(crate) fn runaway_row(line: u64) -> DataError {
    DataError::new(
        DataErrorKind::TooLarge,
        Location::Line(line),
        format!(
            "the row runs past {}, the most one row may hold, so the rest of the file is not read; a quote that is never closed takes in every row after it: close it",
            shown_size(MAX_RECORD as u64)
        ),
    )
}

/// What a file that fails to be read at `line` is reported as: it ends the file.
pub(crate) fn unreadable(line: u64, e: &std::io::Error) -> DataError {
    DataError::new(
        DataErrorKind::Unreadable,
        Location::Line(line),
        format!("the file cannot be read from here on: {e}"),
    )
}

/// What a header that runs past [`MAX_RECORD`] is reported as.
pub(crate) fn runaway_header() -> DataError {
    DataError::new(
        DataErrorKind::TooLarge,
        Location::Line(1),
        format!(
            "the header row runs past {}, the most one row may hold; is this a CSV file?",
            shown_size(MAX_RECORD as u64)
        ),
    )
}

/// What a header that fails to be read is reported as.
pub(crate) fn unreadable_header(e: &dyn std::fmt::Display) -> DataError {
    DataError::new(
        DataErrorKind::Unreadable,
        Location::Line(1),
        format!("the header row cannot be read: {e}"),
    )
}

/// The shape of the rows under a header, as the CSV reader read it (or why it could
/// not), `size` bytes long; the problem with the whole file if the header cannot be
/// read or lacks a declared input.
pub(crate) fn header_shape(
    inputs: &[Input],
    key: Keys<'_>,
    header: Result<::csv::StringRecord, String>,
    size: u64,
    delimiter: u8,
) -> Result<Shape, DataError> {
    let header = header.map_err(|e| unreadable_header(&e))?;
    let names: Vec<String> = header.iter().map(|n| n.trim().to_string()).collect();
    let sizes = Shape {
        names,
        delimiter: char::from(delimiter),
        key: key.columns.to_vec(),
        columns: Arc::from([]),
    };
    if let Some(problem) = sizes.problem(&header, 1, size) {
        return Err(problem);
    }
    let found = {
        let names: Vec<&str> = sizes.names.iter().map(String::as_str).collect();
        columns(inputs, &names, Location::Line(1))
    };
    let columns: Arc<[usize]> = match found {
        Ok(columns) => columns.into(),
        Err(e) => {
            return Err(match other_delimiter(inputs, &header, delimiter) {
                Some(other) => DataError::new(
                    DataErrorKind::MissingColumn,
                    Location::Line(1),
                    format!(
                        "the header's names are separated by {}, not {}, so its columns are not found; read the file with that delimiter (--delimiter {})",
                        delimiter_name(other),
                        delimiter_name(delimiter),
                        delimiter_arg(other)
                    ),
                ),
                None => e,
            });
        }
    };
    Ok(Shape { columns, ..sizes })
}

/// What a row of a file must be like: as many fields as its header has names, each
/// within [`MAX_FIELD`], the whole within [`MAX_RECORD`].
#[derive(Default)]
pub(crate) struct Shape {
    /// The header's names, trimmed.
    names: Vec<String>,
    delimiter: char,
    /// The inputs of the key, by declaration index.
    key: Vec<usize>,
    /// The field of each declared input (empty while the header is read).
    columns: Arc<[usize]>,
}

impl Shape {
    /// The field of each declared input, in declaration order.
    pub(crate) fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// What is wrong with `fields`, a row starting on `line` that took `size` bytes.
    pub(crate) fn problem(&self, fields: &impl Fields, line: u64, size: u64) -> Option<DataError> {
        let fine = size <= MAX_RECORD as u64
            && fields.count() == self.names.len()
            && !fields.text().contains('\n')
            && (fields.text().len() <= MAX_FIELD || fields.each().all(|f| f.len() <= MAX_FIELD));
        if fine {
            return None;
        }
        let here = |kind, message: String| DataError::new(kind, Location::Line(line), message);
        let problem = if let Some(problem) = self.runaway(fields, line) {
            problem
        } else if size > MAX_RECORD as u64 {
            here(
                DataErrorKind::TooLarge,
                format!(
                    "the row holds {size} bytes, more than the {} one row may hold",
                    shown_size(MAX_RECORD as u64)
                ),
            )
        } else if let Some((i, field)) =
            fields.each().enumerate().find(|(_, f)| f.len() > MAX_FIELD)
        {
            here(
                DataErrorKind::TooLarge,
                format!(
                    "the field holds {} bytes, more than the {} one field may hold",
                    field.len(),
                    shown_size(MAX_FIELD as u64)
                ),
            )
            .at(self.name(i), None)
        } else if fields.count() != self.names.len() {
            self.miscounted(fields, |message| here(DataErrorKind::RowShape, message))
        } else {
            return None;
        };
        Some(problem.with_key(self.key(fields)))
    }

    /// The key of a row, as far as it can be told.
    fn key(&self, fields: &impl Fields) -> Option<String> {
        if self.columns.is_empty() {
            return None;
        }
        let parts = self
            .key
            .iter()
            .map(|&k| fields.field(*self.columns.get(k)?).map(str::trim))
            .collect::<Option<Vec<&str>>>()?;
        Some(parts.join(","))
    }

    /// The header's name for field `i`.
    pub(crate) fn name(&self, i: usize) -> &str {
        self.names
            .get(i)
            .map_or("(beyond the header)", String::as_str)
    }

    /// The problem with a row whose fields are not as many as the header's names.
    fn miscounted(&self, fields: &impl Fields, here: impl Fn(String) -> DataError) -> DataError {
        let (found, wanted) = (fields.count(), self.names.len());
        let counts = format!(
            "the row has {found} field{} and the header {wanted}",
            if found == 1 { "" } else { "s" }
        );
        if found < wanted {
            return here(format!(
                "{counts}: a value is left out; write an empty value as nothing between two delimiters ({0}{0})",
                self.delimiter
            ));
        }
        // An amount whose thousands are grouped with an unquoted comma splits in two.
        let split = (0..found.saturating_sub(1)).find(|&i| {
            let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
                n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
            };
            let first = fields.field(i).unwrap_or("").trim();
            let next = fields.field(i + 1).unwrap_or("").trim();
            let whole = next.split_once('.').map_or(next, |(w, _)| w);
            self.delimiter == ','
                && digits(first.strip_prefix('-').unwrap_or(first), 1..=3)
                && digits(whole, 3..=3)
        });
        match split {
            Some(i) => {
                let (first, next) = (fields.field(i), fields.field(i + 1));
                let amount = format!(
                    "{},{}",
                    first.unwrap_or("").trim(),
                    next.unwrap_or("").trim()
                );
                here(format!(
                    "{counts}: {amount} is split at its comma, which is not in quotes; write it in quotes (\"{amount}\") or without the comma ({})",
                    amount.replace(',', "")
                ))
                .at(self.name(i), Some(&amount))
            }
            None => here(format!(
                "{counts}: a value holds a `{0}` that is not in quotes; put that value in double quotes, or remove a `{0}` too many",
                self.delimiter
            )),
        }
    }

    /// A quoted field of `fields`, a row starting on `line`, that runs across line
    /// breaks and has taken in what reads as rows of their own (a line that splits
    /// into as many fields as the header has names), or more than
    /// [`MAX_FIELD_LINES`] lines: a quote that was not closed.
    fn runaway(&self, fields: &impl Fields, line: u64) -> Option<DataError> {
        if !fields.text().contains('\n') {
            return None;
        }
        let (i, field) = fields.each().enumerate().find(|(_, f)| f.contains('\n'))?;
        let opened = line + fields.each().take(i).map(line_breaks).sum::<u64>();
        // A quote never closed runs to the end of the file, and its last line break.
        let breaks = line_breaks(field.trim_end_matches(['\r', '\n']));
        let excerpt = excerpt(field);
        let problem = |message: String| {
            DataError::new(DataErrorKind::RowShape, Location::Line(opened), message)
                .at(self.name(i), Some(&excerpt))
        };
        let close =
            "a quote is not closed: close it, or write a quote inside a quoted field as two (\"\")";
        // The row as its lines were written, less its quotes: the fields after the
        // first line break are what the lines after it hold.
        let delimiter = self.delimiter.to_string();
        let joined = fields.each().skip(i).collect::<Vec<_>>().join(&delimiter);
        let looks_like_a_row = |l: &str| l.split(self.delimiter).count() == self.names.len();
        let runs = format!(
            "a quoted field opens here and runs on to line {}, taking in {}",
            opened + breaks,
            match breaks {
                1 => format!("line {}", opened + 1),
                _ => format!("lines {} to {}", opened + 1, opened + breaks),
            }
        );
        if self.names.len() > 2
            && let Some((n, row)) = joined
                .split('\n')
                .enumerate()
                .skip(1)
                .find(|(_, l)| looks_like_a_row(l.trim_end_matches('\r')))
        {
            return Some(problem(format!(
                "{runs}, though line {} ({}) reads as a row of its own; {close}",
                opened + n as u64,
                excerpt_of(row.trim_end_matches('\r'))
            )));
        }
        if fields.count() != self.names.len() {
            return Some(problem(format!(
                "{runs}, and the row then has {} fields and the header {}; {close}",
                fields.count(),
                self.names.len()
            )));
        }
        if breaks as usize >= MAX_FIELD_LINES {
            return Some(problem(format!(
                "a quoted field opens here and runs across {} lines, more than the {MAX_FIELD_LINES} one field may hold; {close}",
                breaks + 1
            )));
        }
        None
    }
}

/// How many line breaks `text` holds.
fn line_breaks(text: &str) -> u64 {
    text.bytes().filter(|&b| b == b'\n').count() as u64
}

/// The first line of a field, cut short, to show in a message.
fn excerpt(field: &str) -> String {
    let first = field
        .split('\n')
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    let mut shown = excerpt_of(first);
    if first.len() < field.len() && !shown.ends_with('…') {
        shown.push('…');
    }
    shown
}

/// `text` cut to 60 characters.
fn excerpt_of(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The delimiter other than `used` (`;`, a tab or `|`) that splits `header` into
/// names that hold every declared input, if one does.
fn other_delimiter(inputs: &[Input], header: &::csv::StringRecord, used: u8) -> Option<u8> {
    let line = header
        .iter()
        .collect::<Vec<_>>()
        .join(&char::from(used).to_string());
    [b';', b'\t', b'|', b','].into_iter().find(|&other| {
        let names: Vec<&str> = line.split(char::from(other)).map(str::trim).collect();
        other != used && columns(inputs, &names, Location::Line(1)).is_ok()
    })
}

/// A delimiter as a message names it.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b',' => "commas (,)".into(),
        b';' => "semicolons (;)".into(),
        b'\t' => "tabs".into(),
        b'|' => "bars (|)".into(),
        other => format!("`{}`", char::from(other)),
    }
}

/// A delimiter as `--delimiter` takes it.
fn delimiter_arg(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        other => format!("'{}'", char::from(other)),
    }
}

/// The most missing columns named with a suggestion; past it the rest are counted.
/// Finding the closest name is slow over thousands of columns.
const HINTED: usize = 20;

/// The column of each declared input in a header of `names`: an error at `header`
/// for a declared input with no column, or one named twice.
pub(crate) fn columns(
    inputs: &[Input],
    names: &[&str],
    header: Location,
) -> Result<Vec<usize>, DataError> {
    // Each name's first column, and whether it is named again.
    let mut at: HashMap<&str, (usize, bool)> = HashMap::with_capacity(names.len());
    for (i, &name) in names.iter().enumerate() {
        at.entry(name)
            .and_modify(|(_, again)| *again = true)
            .or_insert((i, false));
    }
    let declared: HashSet<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let undeclared: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !declared.contains(n))
        .collect();
    let mut columns = Vec::with_capacity(inputs.len());
    let mut missing = Vec::new();
    for input in inputs {
        match at.get(input.name.as_str()) {
            Some(&(column, false)) => columns.push(column),
            Some((_, true)) => {
                return Err(DataError::new(
                    DataErrorKind::RepeatedField,
                    header,
                    "the header names this column more than once; keep one",
                )
                .at(&input.name, None));
            }
            None if missing.len() < HINTED => {
                let hint = closest(&input.name, undeclared.iter().copied())
                    .map(|c| format!(" (is `{c}` meant to be `{}`?)", input.name))
                    .unwrap_or_default();
                missing.push(format!("{}{hint}", input.name));
            }
            None => missing.push(input.name.clone()),
        }
    }
    if !missing.is_empty() {
        let mut named = missing[..missing.len().min(HINTED)].join(", ");
        if missing.len() > HINTED {
            named.push_str(&format!(" and {} more", missing.len() - HINTED));
        }
        return Err(DataError::new(
            DataErrorKind::MissingColumn,
            header,
            format!(
                "the header has no column for {named}; add the column, since the ruleset declares it as an input"
            ),
        ));
    }
    Ok(columns)
}

/// Reads a row against `inputs`, the inputs its file's header was read against: the
/// record, or every problem found in the row.
pub fn record(inputs: &[Input], key: Keys<'_>, row: &CsvRow) -> Result<Record, Vec<DataError>> {
    let CsvRow { fields, columns } = row;
    let line = fields.position().map_or(0, |p| p.line());
    if columns.len() != inputs.len() {
        return Err(vec![DataError::new(
            DataErrorKind::WrongRuleset,
            Location::Line(line),
            "the row was read with the header of another ruleset; read it with the ruleset that read its file",
        )]);
    }
    read_fields(inputs, key, columns, Location::Line(line), |c| {
        fields.get(c)
    })
}

/// The record of one row whose field in column `c` is `field(c)`, the column of each
/// input being `columns`; or every problem found in it, at `location`.
pub(crate) fn read_fields<'f>(
    inputs: &[Input],
    key: Keys<'_>,
    columns: &[usize],
    location: Location,
    field: impl Fn(usize) -> Option<&'f str>,
) -> Result<Record, Vec<DataError>> {
    let mut record = Record::blank(inputs.len());
    read_fields_into(&mut record, inputs, key, columns, location, field)?;
    Ok(record)
}

/// As [`read_fields`], into `record`, whose memory is used again: a record read into
/// row after row allocates nothing for a key, a number or a text no longer than
/// before. On a problem the record holds part of the row.
pub(crate) fn read_fields_into<'f>(
    record: &mut Record,
    inputs: &[Input],
    key: Keys<'_>,
    columns: &[usize],
    location: Location,
    field: impl Fn(usize) -> Option<&'f str>,
) -> Result<(), Vec<DataError>> {
    let found = key.write(&mut record.key, |k| columns.get(k).and_then(|&c| field(c)));
    if record.values.len() != inputs.len() {
        record.values = vec![InputValue::Missing; inputs.len()].into();
    }
    let mut errors = Vec::new();
    let key_value = |record: &Record| found.then(|| record.key().to_string());
    for (i, (input, &column)) in inputs.iter().zip(columns.iter()).enumerate() {
        let Some(text) = field(column) else {
            errors.push(
                DataError::new(
                    DataErrorKind::RowShape,
                    location.clone(),
                    "the row has fewer fields than the header",
                )
                .at(&input.name, None)
                .with_key(key_value(record)),
            );
            continue;
        };
        if let Err((kind, message)) = parse_value_into(input, text, &mut record.values[i]) {
            errors.push(
                DataError::new(kind, location.clone(), message)
                    .at(&input.name, Some(text))
                    .with_key(key_value(record)),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    record.complete(key, location);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Ruleset;
    use crate::input::limits::{MAX_FIELD, MAX_FIELD_LINES, MAX_RECORD};

    fn ruleset() -> Ruleset {
        Ruleset::compile("ruleset t\nkey id\ninput id text\ninput n count\noutput o = n").unwrap()
    }

    /// What reading `text` gives: `ok KEY` for a record, else its first problem.
    fn read(text: &str) -> Vec<String> {
        let ruleset = ruleset();
        let rows = match ruleset.read_csv_rows(text.as_bytes()) {
            Ok(rows) => rows,
            Err(e) => return vec![e.to_string()],
        };
        rows.map(|row| match row.and_then(|row| ruleset.csv_record(&row)) {
            Ok(record) => format!("ok {}", record.key()),
            Err(errors) => errors[0].to_string(),
        })
        .collect()
    }

    #[test]
    fn a_field_past_its_limit_is_refused_and_the_next_row_read() {
        let long = "x".repeat(MAX_FIELD + 1);
        assert_eq!(
            read(&format!("id,n,note\nA,1,{long}\nB,2,short\n")),
            [
                "line 2 (A), column note: the field holds 65537 bytes, more than the 64 KiB one field may hold",
                "ok B"
            ]
        );
        let fits = "x".repeat(MAX_FIELD);
        assert_eq!(read(&format!("id,n,note\nA,1,{fits}\n")), ["ok A"]);
    }

    #[test]
    fn a_row_past_its_limit_ends_the_file_there() {
        let long = "x,".repeat(MAX_RECORD);
        let read = read(&format!("id,n\nA,1\nB,2,{long}\nC,3\n"));
        assert_eq!(
            read,
            [
                "ok A",
                "line 3: the row runs past 1 MiB, the most one row may hold, so the rest of the file is not read; \
                 a quote that is never closed takes in every row after it: close it"
            ]
        );
    }

    #[test]
    fn a_row_a_little_past_its_limit_is_refused_alone() {
        // Within what the reader reads ahead, so the row is whole; it is still too long.
        let long = "x".repeat(MAX_RECORD);
        let read = read(&format!("id,n,a\nA,1,{long}\nB,2,\n"));
        assert_eq!(read.len(), 2, "{read:?}");
        assert!(
            read[0].starts_with("line 2 (A): the row holds "),
            "{}",
            read[0]
        );
        assert_eq!(read[1], "ok B");
    }

    #[test]
    fn a_quoted_field_of_many_lines_is_taken_for_a_quote_left_open() {
        let lines = "a line\n".repeat(MAX_FIELD_LINES);
        assert_eq!(
            read(&format!("id,n,note\nA,1,\"{lines}end\"\nB,2,\n")),
            [
                "line 2 (A), column note, value \"a line…\": a quoted field opens here and runs across 101 lines, \
                 more than the 100 one field may hold; a quote is not closed: close it, or write a quote inside \
                 a quoted field as two (\"\")",
                "ok B"
            ]
        );
        let few = "a line\n".repeat(MAX_FIELD_LINES - 2);
        assert_eq!(read(&format!("id,n,note\nA,1,\"{few}\"\n")), ["ok A"]);
    }

    #[test]
    fn a_quoted_field_with_line_breaks_and_commas_is_read() {
        assert_eq!(
            read("id,n,note,team\nA,1,\"first, then\nsecond, and third\",T1\nB,2,,T2\n"),
            ["ok A", "ok B"]
        );
    }

    #[test]
    fn a_row_that_is_not_utf8_names_its_field() {
        let mut bytes = b"id,n\nA,1\nB\xff,2\nC,3\n".to_vec();
        bytes.push(b'\n');
        let ruleset = ruleset();
        let read: Vec<String> = ruleset
            .read_csv_rows(bytes.as_slice())
            .unwrap()
            .map(|row| match row.and_then(|row| ruleset.csv_record(&row)) {
                Ok(record) => format!("ok {}", record.key()),
                Err(errors) => errors[0].to_string(),
            })
            .collect();
        assert_eq!(
            read,
            [
                "ok A",
                "line 3, column id: the value is not UTF-8 text; save the file as UTF-8 (\"CSV UTF-8\"), \
                 or name its encoding (--encoding gb18030)",
                "ok C"
            ]
        );
    }
}
