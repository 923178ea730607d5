//! Arrow columns read as the text of CSV cells, one input at a time: the same values,
//! read by the same code, as a data file gives.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Schema};
use kpi::Ruleset;

use crate::batch::Rows;
use crate::problems::Problem;
use crate::values::float_text;

/// One column's values, in the form they are written from.
enum Cells {
    /// Text, and every type Arrow writes exactly as text (integers, decimals, dates).
    Text(StringArray),
    /// Written in their shortest round-trip digits.
    F64(Float64Array),
    /// Written in their shortest round-trip digits as 32-bit floats (0.1f32 is `0.1`).
    F32(Float32Array),
    /// `true` or `false`.
    Bool(BooleanArray),
    /// No value in any row (Arrow's null type).
    Empty,
}

impl Cells {
    fn write(&self, row: usize, into: &mut String) {
        match self {
            Cells::Text(a) if a.is_valid(row) => into.push_str(a.value(row)),
            Cells::F64(a) if a.is_valid(row) => into.push_str(&float_text(a.value(row))),
            Cells::F32(a) if a.is_valid(row) => into.push_str(&format!("{}", a.value(row))),
            Cells::Bool(a) if a.is_valid(row) => {
                into.push_str(if a.value(row) { "true" } else { "false" })
            }
            _ => {}
        }
    }
}

/// The columns of a table that a ruleset's inputs read, in declaration order.
pub struct Columns {
    cells: Vec<Cells>,
    len: usize,
}

impl Rows for Columns {
    fn len(&self) -> usize {
        self.len
    }

    fn fill(&self, row: usize, into: &mut [String]) {
        for (cells, text) in self.cells.iter().zip(into) {
            text.clear();
            cells.write(row, text);
        }
    }
}

/// The column `name` of a table, its batches joined into one array.
pub fn column(schema: &Schema, batches: &[RecordBatch], name: &str) -> Option<ArrayRef> {
    let (index, field) = schema.column_with_name(name)?;
    let parts: Vec<&dyn Array> = batches.iter().map(|b| b.column(index).as_ref()).collect();
    match parts.as_slice() {
        [] => Some(arrow_array::new_empty_array(field.data_type())),
        [one] => Some(arrow_array::make_array(one.to_data())),
        _ => arrow_select::concat::concat(&parts).ok(),
    }
}

/// Reads the columns of `ruleset`'s inputs from a table; the error names every input
/// without a column (with the closest column name) or a column of a type that cannot
/// be read as text.
pub fn columns(
    ruleset: &Ruleset,
    schema: &Schema,
    batches: &[RecordBatch],
) -> Result<Columns, Vec<Problem>> {
    let len = batches.iter().map(RecordBatch::num_rows).sum();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut cells = Vec::new();
    let mut problems = Vec::new();
    for input in ruleset.inputs() {
        let Some(array) = column(schema, batches, input.name()) else {
            let hint = kpi::diagnostic::closest(input.name(), names.iter().copied())
                .map(|c| format!(" (is `{c}` meant to be `{}`?)", input.name()))
                .unwrap_or_default();
            problems.push(Problem::whole(kpi::DataErrorKind::MissingColumn, format!(
                "the data has no column for {}{hint}; add the column, since the ruleset declares it as an input",
                input.name()
            )));
            continue;
        };
        match read(&array) {
            Ok(c) => cells.push(c),
            Err(message) => problems.push(Problem::whole(
                kpi::DataErrorKind::BadValue,
                format!("column {}: {message}", input.name()),
            )),
        }
    }
    match problems.is_empty() {
        true => Ok(Columns { cells, len }),
        false => Err(problems),
    }
}

/// A column as cells to write from.
fn read(array: &ArrayRef) -> Result<Cells, String> {
    let cast = |to: &DataType| {
        arrow_cast::cast(array, to).map_err(|e| {
            format!(
                "values of Arrow type {} cannot be read as text ({e}); give text, numbers, decimals, booleans or dates",
                array.data_type()
            )
        })
    };
    Ok(match array.data_type() {
        DataType::Null => Cells::Empty,
        DataType::Boolean => Cells::Bool(array.as_boolean().clone()),
        DataType::Float64 => Cells::F64(array.as_primitive::<Float64Type>().clone()),
        DataType::Float32 => Cells::F32(array.as_primitive::<Float32Type>().clone()),
        // Exact in 32 bits: written as the float32 it is.
        DataType::Float16 => return read(&cast(&DataType::Float32)?),
        DataType::Dictionary(_, values) => return read(&cast(values)?),
        // A date and time is read as its day; a day written as text is `YYYY-MM-DD`.
        DataType::Timestamp(_, _) | DataType::Date64 => {
            let days = cast(&DataType::Date32)?;
            Cells::Text(
                arrow_cast::cast(&days, &DataType::Utf8)
                    .map_err(|e| e.to_string())?
                    .as_string::<i32>()
                    .clone(),
            )
        }
        _ => Cells::Text(cast(&DataType::Utf8)?.as_string::<i32>().clone()),
    })
}
