//! A problem with a data file: its kind and stable code, where it is, and what to do.

use std::fmt;

use serde::{Serialize, Serializer};

/// Where a bad value is in a data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A CSV line (1-based, the header is line 1).
    Line(u64),
    /// A record of a JSON array, counting from 1.
    Record(usize),
    /// A row of a spreadsheet (1-based, the header is row 1), with its sheet's name.
    Cell {
        /// The sheet.
        sheet: Box<str>,
        /// The row, as the spreadsheet numbers it.
        row: u32,
    },
    /// A record built in code.
    Given,
    /// The file as a whole.
    File,
}

/// What kind of problem a [`DataError`] is, each with a stable code (`D0301`)
/// documented in `docs/errors.md` beside the rule file's codes. New kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataErrorKind {
    /// The file cannot be read: missing, not text in its encoding, not valid JSON or
    /// CSV.
    Unreadable,
    /// The file is read but does not hold records: not a JSON array of objects, an
    /// empty sheet.
    NotRecords,
    /// A field, row, record or file is past its size limit.
    TooLarge,
    /// The header lacks a column the ruleset declares as an input (or is split by
    /// another delimiter).
    MissingColumn,
    /// The header or a JSON record names a field twice.
    RepeatedField,
    /// A row has more or fewer fields than the header, or a quote left open.
    RowShape,
    /// A required input has no value.
    MissingValue,
    /// A value cannot be read as its input's type.
    BadValue,
    /// A value is outside its input's declared range.
    OutOfRange,
    /// A record's key was given before.
    RepeatedKey,
    /// Daily rows were given without the month to score (`--period`).
    NoPeriod,
    /// The rows of one month cannot be added up into one record: they disagree on a
    /// value read once for the month, or their sum is not exact.
    RowsDisagree,
    /// A row was read with the header of another ruleset: a caller's mistake.
    WrongRuleset,
}

impl DataErrorKind {
    /// The stable code, such as `D0301`.
    pub fn code(self) -> &'static str {
        match self {
            DataErrorKind::Unreadable => "D0101",
            DataErrorKind::NotRecords => "D0102",
            DataErrorKind::TooLarge => "D0103",
            DataErrorKind::MissingColumn => "D0201",
            DataErrorKind::RepeatedField => "D0202",
            DataErrorKind::RowShape => "D0203",
            DataErrorKind::MissingValue => "D0301",
            DataErrorKind::BadValue => "D0302",
            DataErrorKind::OutOfRange => "D0303",
            DataErrorKind::RepeatedKey => "D0401",
            DataErrorKind::NoPeriod => "D0402",
            DataErrorKind::RowsDisagree => "D0403",
            DataErrorKind::WrongRuleset => "D0501",
        }
    }
}

/// Serialised as its code.
impl Serialize for DataErrorKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A problem with a data file or one of its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataError {
    /// What kind of problem; serialised as `code`.
    #[serde(rename = "code")]
    pub kind: DataErrorKind,
    /// Where.
    pub location: Location,
    /// The record's key, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The column, if one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<Box<str>>,
    /// The value as found, if one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Box<str>>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl DataError {
    /// A problem of `kind` at `location`.
    pub fn new(kind: DataErrorKind, location: Location, message: impl Into<String>) -> DataError {
        DataError {
            kind,
            location,
            key: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// The same problem pinned to a column and the value found there.
    pub fn at(mut self, column: &str, value: Option<&str>) -> DataError {
        self.column = Some(column.into());
        self.value = value.map(Box::from);
        self
    }

    /// The same problem with the record's key.
    pub fn with_key(mut self, key: Option<String>) -> DataError {
        self.key = key;
        self
    }
}

/// `line 5`, `record 3`, `sheet 名单, row 7`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(l) => write!(f, "line {l}"),
            Location::Record(i) => write!(f, "record {i}"),
            Location::Cell { sheet, row } => write!(f, "sheet {sheet}, row {row}"),
            Location::Given => f.write_str("record"),
            Location::File => f.write_str("the file"),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location == Location::File {
            return f.write_str(&self.message);
        }
        write!(f, "{}", self.location)?;
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => write!(f, ", column {c}, value {v:?}")?,
            (Some(c), None) => write!(f, ", column {c}")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}
