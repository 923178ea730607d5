//! Writing a comparison of two rule files: a report to read, CSV or JSON (a workbook:
//! `diff_xlsx`).

use std::path::Path;

use kpi::OutputValue;
use serde_json::{Map, Value, json};
use unicode_width::UnicodeWidthStr;

use crate::Failure;
use crate::diff::{Column, Compared, Comparison, Grouping, Tally};
use crate::spreadsheet::TextCells;

/// The report to read: a line naming the files, the totals of each numeric output,
/// the totals by group, the largest changes, and the records not compared.
pub fn text(comparison: &Comparison, data: &Path) -> String {
    let compared = comparison.compared();
    let mut out = format!(
        "{} → {}, over {}: {compared} record{} scored by both, {} not\n",
        comparison.old,
        comparison.new,
        data.display(),
        if compared == 1 { "" } else { "s" },
        comparison.records.len() - compared,
    );
    if comparison.numeric.is_empty() {
        out.push_str("\nno numeric output to total\n");
    } else {
        let mut rows = vec![heading(&["output"])];
        for (&c, tally) in comparison.numeric.iter().zip(&comparison.summary) {
            let mut row = vec![comparison.columns[c].name.clone()];
            row.extend(tally_cells(&comparison.columns[c], tally));
            rows.push(row);
        }
        out.push('\n');
        out.push_str(&table(&rows, &[false, true, true, true, true, true, true]));
    }
    for grouping in &comparison.by_grade {
        out.push_str(&format!("\nby {} (new rules)\n", grouping.name));
        out.push_str(&grouping_table(comparison, grouping));
    }
    if let Some(grouping) = &comparison.by_column {
        out.push_str(&format!("\nby {}\n", grouping.name));
        out.push_str(&grouping_table(comparison, grouping));
    }
    let largest_lists = match comparison.top {
        0 => &[][..],
        _ => &comparison.largest[..],
    };
    for (&c, largest) in comparison.numeric.iter().zip(largest_lists) {
        let column = &comparison.columns[c];
        if largest.is_empty() {
            out.push_str(&format!("\nlargest changes in {}: none\n", column.name));
            continue;
        }
        out.push_str(&format!("\nlargest changes in {}\n", column.name));
        let mut rows = vec![vec![
            "key".to_string(),
            "before".to_string(),
            "after".to_string(),
            "change".to_string(),
        ]];
        for &r in largest {
            let record = &comparison.records[r];
            let (before, after) = record.values(&column.name);
            rows.push(vec![
                record.key.clone(),
                shown(before),
                shown(after),
                change_cell(record, column),
            ]);
        }
        out.push_str(&table(&rows, &[false, true, true, true]));
    }
    let unscored: Vec<Vec<String>> = comparison
        .records
        .iter()
        .filter_map(|r| Some(vec![r.key.clone(), r.reason()?]))
        .collect();
    if !unscored.is_empty() {
        out.push_str(&format!("\nnot scored by both ({})\n", unscored.len()));
        out.push_str(&table(&unscored, &[false, false]));
    }
    out
}

/// The column headings of a table of tallies, after the given first ones.
fn heading(first: &[&str]) -> Vec<String> {
    let mut row: Vec<String> = first.iter().map(|s| s.to_string()).collect();
    row.extend(
        ["before", "after", "change", "changed", "gainers", "losers"]
            .iter()
            .map(|s| s.to_string()),
    );
    row
}

/// The cells of one tally: totals before, after and their change, then the counts.
fn tally_cells(column: &Column, tally: &Tally) -> Vec<String> {
    let Some(amount) = column.amount else {
        return Vec::new();
    };
    vec![
        amount.show(&tally.before),
        amount.show(&tally.after),
        amount.show_change(&tally.change()),
        tally.changed.to_string(),
        tally.gainers.to_string(),
        tally.losers.to_string(),
    ]
}

/// A grouping as a table: each group's value and record count on its first line,
/// one line per numeric output.
fn grouping_table(comparison: &Comparison, grouping: &Grouping) -> String {
    let mut rows = vec![heading(&[&grouping.name, "records", "output"])];
    for (value, tallies) in &grouping.groups {
        let records = tallies.first().map_or(0, |t| t.records);
        for (n, (&c, tally)) in comparison.numeric.iter().zip(tallies).enumerate() {
            let mut row = match n {
                0 => vec![group_label(value), records.to_string()],
                _ => vec![String::new(), String::new()],
            };
            row.push(comparison.columns[c].name.clone());
            row.extend(tally_cells(&comparison.columns[c], tally));
            rows.push(row);
        }
    }
    let right = [false, true, false, true, true, true, true, true, true];
    table(&rows, &right)
}

/// A group's value as a report shows it; an empty cell is named.
pub fn group_label(value: &str) -> String {
    match value {
        "" => "(empty)".to_string(),
        v => v.to_string(),
    }
}

/// A value as a report shows it: empty where there is none.
fn shown(value: Option<&OutputValue>) -> String {
    value.map(ToString::to_string).unwrap_or_default()
}

/// A record's change of a numeric output, signed; empty when there is none.
fn change_cell(record: &Compared, column: &Column) -> String {
    match (column.amount, record.change(column)) {
        (Some(amount), Some(change)) => amount.show_change(&change),
        _ => String::new(),
    }
}

/// Rows laid out in columns two spaces apart, by display width (a Chinese character
/// takes two), the columns marked in `right` aligned to the right.
fn table(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let padding = " ".repeat(widths[c].saturating_sub(cell.width()));
            if right.get(c).copied().unwrap_or(false) {
                line.push_str(&padding);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&padding);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The header of a table of records: the key's columns, then for each output
/// `NAME_before` and `NAME_after`, and `NAME_change` for a numeric one.
pub fn record_header(comparison: &Comparison) -> Vec<String> {
    let mut header = comparison.key_names.clone();
    for column in &comparison.columns {
        header.push(format!("{}_before", column.name));
        header.push(format!("{}_after", column.name));
        if column.amount.is_some() {
            header.push(format!("{}_change", column.name));
        }
    }
    header
}

/// The cells of a record's key, one per column of the key.
pub fn key_cells(comparison: &Comparison, record: &Compared) -> Vec<String> {
    let key_columns = comparison.key_names.len().max(1);
    let mut cells: Vec<String> = record
        .key
        .splitn(key_columns, ',')
        .map(String::from)
        .collect();
    // A key cell that could not be read leaves the others empty.
    cells.resize(key_columns, String::new());
    cells
}

/// One row per record: the key's columns, then each output before and after, and
/// the change of a numeric output; empty cells where a side has no value.
pub fn csv(comparison: &Comparison, cells: TextCells) -> Result<String, Failure> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: &dyn std::fmt::Display| Failure::usage(format!("cannot encode the CSV: {e}"));
    writer
        .write_record(record_header(comparison))
        .map_err(|e| failed(&e))?;
    let value = |value: Option<&OutputValue>| value.map(|v| cells.csv_value(v)).unwrap_or_default();
    for record in &comparison.records {
        let mut row: Vec<String> = (key_cells(comparison, record).iter())
            .map(|key| cells.csv(key).into_owned())
            .collect();
        for column in &comparison.columns {
            let (before, after) = record.values(&column.name);
            row.push(value(before));
            row.push(value(after));
            if let Some(amount) = column.amount {
                row.push(
                    record
                        .change(column)
                        .map(|change| amount.show(&change))
                        .unwrap_or_default(),
                );
            }
        }
        writer.write_record(&row).map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

/// Every record and every total as one JSON object (its shape is in README): numbers
/// as strings, as `kpi eval` writes them, so no reader turns them into floats.
pub fn json(comparison: &Comparison) -> String {
    let records: Vec<Value> = comparison
        .records
        .iter()
        .map(|record| {
            let mut outputs = Map::new();
            for column in &comparison.columns {
                let (before, after) = record.values(&column.name);
                let mut values = Map::new();
                values.insert("before".into(), json_value(before));
                values.insert("after".into(), json_value(after));
                if let Some(amount) = column.amount {
                    let change = record.change(column).map(|c| amount.show(&c));
                    values.insert("change".into(), json!(change));
                }
                outputs.insert(column.name.clone(), Value::Object(values));
            }
            json!({
                "key": record.key,
                "outputs": outputs,
                "error": record.reason(),
            })
        })
        .collect();
    let groupings = |groupings: &[&Grouping]| -> Map<String, Value> {
        groupings
            .iter()
            .map(|grouping| {
                let groups: Map<String, Value> = grouping
                    .groups
                    .iter()
                    .map(|(value, tallies)| {
                        (
                            value.clone(),
                            Value::Object(tallies_json(comparison, tallies)),
                        )
                    })
                    .collect();
                (grouping.name.clone(), Value::Object(groups))
            })
            .collect()
    };
    let by_grade: Vec<&Grouping> = comparison.by_grade.iter().collect();
    let by_column: Vec<&Grouping> = comparison.by_column.iter().collect();
    let largest: Map<String, Value> = comparison
        .numeric
        .iter()
        .zip(&comparison.largest)
        .map(|(&c, largest)| {
            let column = &comparison.columns[c];
            let list: Vec<Value> = largest
                .iter()
                .map(|&r| {
                    let record = &comparison.records[r];
                    let (before, after) = record.values(&column.name);
                    let change = match (column.amount, record.change(column)) {
                        (Some(amount), Some(change)) => Some(amount.show(&change)),
                        _ => None,
                    };
                    json!({
                        "key": record.key,
                        "before": json_value(before),
                        "after": json_value(after),
                        "change": change,
                    })
                })
                .collect();
            (column.name.clone(), Value::Array(list))
        })
        .collect();
    let whole = json!({
        "old": comparison.old,
        "new": comparison.new,
        "records": records,
        "summary": tallies_json(comparison, &comparison.summary),
        "by_grade": groupings(&by_grade),
        "by_column": groupings(&by_column),
        "largest": largest,
    });
    // A JSON value of strings, numbers and objects always serializes.
    let mut text = serde_json::to_string_pretty(&whole).unwrap_or_default();
    text.push('\n');
    text
}

/// A value in JSON: its text, or `null` where there is none.
fn json_value(value: Option<&OutputValue>) -> Value {
    match value {
        None | Some(OutputValue::Missing) => Value::Null,
        Some(v) => Value::String(v.to_string()),
    }
}

/// The tallies of the numeric outputs, by output name.
fn tallies_json(comparison: &Comparison, tallies: &[Tally]) -> Map<String, Value> {
    comparison
        .numeric
        .iter()
        .zip(tallies)
        .filter_map(|(&c, tally)| {
            let column = &comparison.columns[c];
            let amount = column.amount?;
            let object = json!({
                "records": tally.records,
                "before": amount.show(&tally.before),
                "after": amount.show(&tally.after),
                "change": amount.show(&tally.change()),
                "changed": tally.changed,
                "gainers": tally.gainers,
                "losers": tally.losers,
            });
            Some((column.name.clone(), object))
        })
        .collect()
}
