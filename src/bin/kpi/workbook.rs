//! Workbooks (.xlsx, .xls, .ods) read with calamine: every cell of a sheet as the text
//! a data file would hold. A number is the decimal the spreadsheet shows (Excel keeps
//! 15 significant digits, so 1000.05 stored as a binary float is 1000.05, never
//! 1000.0499999…), a date is `YYYY-MM-DD`, a percentage cell its fraction (0.95).

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use rust_decimal::Decimal;

use crate::Failure;

/// Whether the file at `path` is named as a workbook: .xlsx, .xlsm, .xlsb, .xls or .ods.
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "xls", "ods"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w))
    })
}

/// The rows of the sheet named `sheet` (the first without one) of the workbook at
/// `path`, and the sheet's name.
pub fn rows(path: &Path, sheet: Option<&str>) -> Result<(String, Vec<Vec<String>>), Failure> {
    let unreadable =
        |e: &dyn std::fmt::Display| Failure::usage(format!("cannot read {}: {e}", path.display()));
    let mut workbook = open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let names = workbook.sheet_names().to_vec();
    let name = match sheet {
        Some(wanted) if names.iter().any(|n| n == wanted) => wanted.to_string(),
        Some(wanted) => {
            return Err(Failure::usage(format!(
                "{}: there is no sheet {wanted:?}; the sheets are {}",
                path.display(),
                names.join(", ")
            )));
        }
        None => names.first().cloned().ok_or_else(|| {
            Failure::data(format!("{}: the workbook has no sheet", path.display()))
        })?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| unreadable(&e))?;
    let rows = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    Ok((name, rows))
}

/// A cell as a data file would hold it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => shown(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => shown(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A binary float as the decimal a spreadsheet shows: 15 significant digits, without
/// trailing zeros.
fn shown(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    match Decimal::from_scientific(&format!("{f:.14e}")) {
        Ok(d) => d.normalize().to_string(),
        // Beyond a decimal's 28 digits: the value is refused as too long when read.
        Err(_) => f.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn floats_read_as_the_decimal_a_spreadsheet_shows() {
        assert_eq!(shown(1000.05), "1000.05");
        assert_eq!(shown(0.1 + 0.2), "0.3");
        assert_eq!(shown(16000.0), "16000");
        assert_eq!(shown(0.95), "0.95");
        assert_eq!(shown(-12.5), "-12.5");
        assert_eq!(shown(1234567.891), "1234567.891");
    }
}
