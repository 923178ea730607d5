//! Workbooks opened in the page (.xlsx, .xlsm, .xlsb, .xls, .ods), read with calamine
//! as `kpi eval` reads them and written out as the CSV text the data pane holds: a
//! number is the decimal the spreadsheet shows (15 significant digits, so 1000.05
//! stored as a binary float is 1000.05, never 1000.0499999…), a date `YYYY-MM-DD`.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use rust_decimal::Decimal;

/// The sheet named `sheet` (the first without one) of the workbook `bytes`, as CSV
/// text; `Err` says why it could not be read.
pub fn to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<String, String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a workbook: {e}"))?;
    let names = workbook.sheet_names().to_vec();
    let name = match sheet {
        Some(wanted) if names.iter().any(|n| n == wanted) => wanted.to_string(),
        Some(wanted) => {
            return Err(format!(
                "there is no sheet {wanted:?}; the sheets are {}",
                names.join(", ")
            ));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheet".to_string())?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| format!("cannot read sheet {name:?}: {e}"))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        out.write_record(&cells).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
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
        assert_eq!(shown(-12.5), "-12.5");
    }
}
