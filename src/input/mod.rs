//! Loading records: values read against the ruleset's declared inputs, each problem
//! reported with its row, column and value.

pub mod chunks;
pub mod csv;
mod error;
pub mod json;
pub mod limits;
pub mod sheet;
mod value;

use std::fmt;

use crate::number::Rational;
pub use error::{DataError, DataErrorKind, Location};
pub use value::parse_value;
pub(crate) use value::parse_value_into;

/// One agent's inputs, checked against the ruleset's declarations.
#[derive(Debug, Clone)]
pub struct Record {
    /// The key exactly as written in the data, trimmed (`007` stays `007`), in every
    /// format alike. Boxed, as every text a record holds: a population keeps every
    /// record in memory.
    pub(crate) key: Box<str>,
    /// Values in input declaration order.
    pub(crate) values: Box<[InputValue]>,
    /// The month the record is scored for and the day its figures run to, for a
    /// ruleset that scores by period.
    pub(crate) period: Option<Period>,
    /// The reductions over the rows the record was rolled up from, by number (`None`:
    /// no value); empty for a record read as it is.
    pub(crate) rolled: Box<[Option<Rational>]>,
    /// For a record rolled up from rows: how many, from which day to which, and their
    /// fingerprint.
    pub(crate) rows: Option<Box<Rows>>,
    /// Where it was read: its line, JSON record or sheet row; for a record rolled up
    /// from daily rows, its first row's.
    pub(crate) location: Location,
}

/// Records are equal when they hold the same key and values, wherever they were read.
impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.key == other.key
            && self.values == other.values
            && self.period == other.period
            && self.rolled == other.rolled
            && self.rows == other.rows
    }
}

impl Eq for Record {}

/// The rows a record was rolled up from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rows {
    /// How many.
    pub count: usize,
    /// The first and last day among them.
    pub days: (crate::time::Day, crate::time::Day),
    /// The digest of their record fingerprints, sorted: the same whatever their order.
    pub fingerprint: String,
}

use crate::period::Period;

impl Record {
    /// The key (the record's ID) as written in the data.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Where the record was read: its line, JSON record or sheet row
    /// ([`Location::Given`] for a record built in code); for a record rolled up from
    /// daily rows, its first row's.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The record of `values` read for `key` at `location`, or every problem found
    /// reading them.
    pub(crate) fn read(
        key: String,
        values: Vec<InputValue>,
        errors: Vec<DataError>,
        keys: Keys<'_>,
        location: Location,
    ) -> Result<Record, Vec<DataError>> {
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Record {
            key: key.into(),
            period: month_of(&values, keys),
            values: values.into(),
            rolled: Box::default(),
            rows: None,
            location,
        })
    }

    /// A record with no key and every one of `inputs` values missing, to read rows
    /// into again and again.
    pub(crate) fn blank(inputs: usize) -> Record {
        Record {
            key: Box::default(),
            values: vec![InputValue::Missing; inputs].into(),
            period: None,
            rolled: Box::default(),
            rows: None,
            location: Location::Given,
        }
    }

    /// Makes this record, whose key and values were read at `location`, complete, as
    /// [`Record::read`] makes one.
    pub(crate) fn complete(&mut self, keys: Keys<'_>, location: Location) {
        self.period = month_of(&self.values, keys);
        self.location = location;
        if !self.rolled.is_empty() {
            self.rolled = Box::default();
        }
        self.rows = None;
    }

    /// The month the record is scored for, for a ruleset that scores by period.
    pub(crate) fn period(&self) -> Option<Period> {
        self.period
    }

    /// The day in the input at `column`, if that input is a date.
    pub(crate) fn date_at(&self, column: Option<usize>) -> Option<crate::time::Day> {
        match self.values.get(column?) {
            Some(InputValue::Date(day)) => Some(*day),
            _ => None,
        }
    }
}

/// The month a record of `values` is scored for, for a ruleset that scores by period.
fn month_of(values: &[InputValue], keys: Keys<'_>) -> Option<Period> {
    match keys.period.and_then(|p| values.get(p)) {
        Some(InputValue::Month(m)) => Period::whole(*m),
        Some(InputValue::Date(d)) => crate::time::month_of(*d).and_then(Period::whole),
        _ => None,
    }
}

/// Sets `slot` to the text `write` writes, in the memory `slot` holds when the text
/// is as long as before (as a key of fixed width is, row after row), else in new.
pub(crate) fn refill(slot: &mut Box<str>, write: impl FnOnce(&mut String)) {
    let mut text = String::from(std::mem::take(slot));
    text.clear();
    write(&mut text);
    *slot = text.into_boxed_str();
}

/// The inputs that make a record's key, and the one that places it in a month.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keys<'a> {
    /// The key's inputs, by declaration index.
    pub columns: &'a [usize],
    /// The period's input, if any.
    pub period: Option<usize>,
}

impl Keys<'_> {
    /// The key: the values of the key's inputs, each found by `field` and trimmed,
    /// joined with commas; `None` when one is missing.
    pub(crate) fn value<'v>(&self, field: impl Fn(usize) -> Option<&'v str>) -> Option<String> {
        let mut key = Box::default();
        self.write(&mut key, field).then(|| key.into())
    }

    /// The key, as [`Keys::value`] gives it, written into `slot` (see [`refill`]);
    /// whether every part was found.
    pub(crate) fn write<'v>(
        &self,
        slot: &mut Box<str>,
        field: impl Fn(usize) -> Option<&'v str>,
    ) -> bool {
        let mut found = true;
        refill(slot, |key| {
            for (n, &column) in self.columns.iter().enumerate() {
                if n > 0 {
                    key.push(',');
                }
                match field(column) {
                    Some(part) => key.push_str(part.trim()),
                    None => found = false,
                }
            }
        });
        found
    }
}

/// An input value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputValue {
    /// A count, number, percentage or amount, exactly.
    Number(Rational),
    /// Text.
    Text(Box<str>),
    /// true or false.
    Bool(bool),
    /// A day.
    Date(crate::time::Day),
    /// A month.
    Month(crate::time::Month),
    /// An empty optional value.
    Missing,
}

impl InputValue {
    /// The value as a data file may give it back for an input of type `ty`: a
    /// percentage as `95%`, since the value holds its fraction.
    pub(crate) fn shown(&self, ty: crate::check::types::Type) -> String {
        match (self, ty) {
            (InputValue::Number(r), crate::check::types::Type::Percent) => {
                crate::number::shown_percent(r)
            }
            (v, _) => v.to_string(),
        }
    }
}

impl fmt::Display for InputValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputValue::Number(r) => match crate::number::exact_decimal(r) {
                Some(d) => write!(f, "{d}"),
                None => write!(f, "{r}"),
            },
            InputValue::Text(t) => f.write_str(t),
            InputValue::Bool(b) => write!(f, "{b}"),
            InputValue::Date(d) => f.write_str(&crate::time::show_date(*d)),
            InputValue::Month(m) => f.write_str(&crate::time::show_month(*m)),
            InputValue::Missing => Ok(()),
        }
    }
}
