//! CSV records: a header row naming the columns, one record per row. Columns the
//! ruleset does not declare (a name, a team) are ignored; a declared input with no
//! column is an error for the whole file.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use super::{DataError, Keys, Location, Record, parse_value};
use crate::check::model::Input;
use crate::check::names::closest;

/// Reads CSV records against `inputs`. Fails at once if the header lacks a declared
/// input; otherwise yields each record, or every problem found in its row.
pub fn read<'a, R: Read + 'a>(
    inputs: &'a [Input],
    key: Keys<'a>,
    reader: R,
) -> Result<impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a, DataError> {
    let rows = rows(inputs, reader)?;
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

/// Reads the header of a CSV file against `inputs`, then yields its rows unread.
/// Fails at once if the header lacks a declared input.
pub fn rows<R: Read>(
    inputs: &[Input],
    reader: R,
) -> Result<impl Iterator<Item = Result<CsvRow, Vec<DataError>>> + use<R>, DataError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(reader);
    let header = reader
        .headers()
        .map_err(|e| {
            DataError::new(
                Location::Line(1),
                format!("the header row cannot be read: {e}"),
            )
        })?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let columns = columns(inputs, &names, Location::Line(1))?;
    let columns: Arc<[usize]> = columns.into();
    Ok(reader.into_records().map(move |row| {
        let fields = row.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            vec![DataError::new(
                Location::Line(line),
                format!("the row cannot be read: {e}"),
            )]
        })?;
        Ok(CsvRow {
            fields,
            columns: Arc::clone(&columns),
        })
    }))
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
    let key_value = key.value(|k| columns.get(k).and_then(|&c| field(c)));
    let mut values = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (input, &column) in inputs.iter().zip(columns.iter()) {
        let Some(text) = field(column) else {
            errors.push(
                DataError::new(location.clone(), "the row has fewer fields than the header")
                    .at(&input.name, None)
                    .with_key(key_value.clone()),
            );
            continue;
        };
        match parse_value(input, text) {
            Ok(v) => values.push(v),
            Err(message) => errors.push(
                DataError::new(location.clone(), message)
                    .at(&input.name, Some(text))
                    .with_key(key_value.clone()),
            ),
        }
    }
    Record::read(key_value.unwrap_or_default(), values, errors, key, location)
}
