//! Spreadsheet rows: a sheet of an .xlsx, .xls or .ods workbook, its cells already
//! written as text. The first row names the columns; each row after it is a record,
//! named by its sheet and row number in every problem found in it.

use super::csv::{columns, read_fields};
use super::{DataError, DataErrorKind, Keys, Location, Record};
use crate::check::model::Input;

/// Reads the rows of sheet `sheet` against `inputs`. Fails at once if the header (the
/// first row) lacks a declared input; otherwise gives each record, or every problem
/// found in its row. Rows with nothing in them are skipped; a cell beyond the end of a
/// row is empty.
pub fn read(
    inputs: &[Input],
    key: Keys<'_>,
    sheet: &str,
    rows: &[Vec<String>],
) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
    let at = |row: usize| Location::Cell {
        sheet: sheet.into(),
        row: u32::try_from(row + 1).unwrap_or(u32::MAX),
    };
    let Some((header, body)) = rows.split_first() else {
        return Err(DataError::new(
            DataErrorKind::NotRecords,
            at(0),
            "the sheet is empty; its first row must name the columns",
        ));
    };
    let names: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    let columns = columns(inputs, &names, at(0))?;
    Ok(body
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().any(|cell| !cell.trim().is_empty()))
        .map(|(n, row)| {
            read_fields(inputs, key, &columns, at(n + 1), |c| {
                Some(row.get(c).map_or("", String::as_str))
            })
        })
        .collect())
}
