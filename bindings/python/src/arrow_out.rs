//! A scored batch as an Arrow table: the key columns as given, then every output in
//! declaration order, numbers as exact decimal128 (never floats).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Decimal128Array, NullArray, RecordBatch, StringArray,
    UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use kpi::{OutputValue, Ruleset};

use crate::batch::Batch;
use crate::kinds::Kind;
use crate::values::{decimal_parts, decimal_text};

/// The name of the column that holds each row's problems, when they are reported.
pub const ERROR_COLUMN: &str = "kpi_error";

/// Arrow's largest decimal128 precision: every value must have fewer digits.
const PRECISION: u8 = 38;

/// The decimal places of decimal columns: one number for all, or one per output
/// name; an output not named has its own largest number of places, the smallest
/// scale that keeps every value exact.
#[derive(Debug, Clone, Default)]
pub struct Scale {
    /// For every decimal column not named in `by_name`.
    pub all: Option<u32>,
    /// By output name.
    pub by_name: HashMap<String, u32>,
}

impl Scale {
    /// The scale asked for output `name`, if any.
    pub fn of(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied().or(self.all)
    }
}

/// How the table is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// The decimal places of the decimal columns.
    pub scale: &'a Scale,
    /// Whether rows that could not be scored are kept, with their problems in
    /// [`ERROR_COLUMN`].
    pub report: bool,
}

/// The table of `batch`. `keys` are the key columns of the data as given, which are
/// copied for each record from its row. The error says which output cannot be held
/// at the scale asked for.
pub fn table(
    ruleset: &Ruleset,
    kinds: &[Kind],
    batch: &Batch,
    keys: Vec<(Field, ArrayRef)>,
    layout: Layout<'_>,
) -> Result<RecordBatch, String> {
    let entries: Vec<_> = batch
        .entries
        .iter()
        .filter(|e| layout.report || e.result.is_ok())
        .collect();
    let rows = UInt64Array::from_iter_values(entries.iter().map(|e| e.row as u64));
    let names = ruleset.output_names();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, column) in keys {
        // An output of the key's name carries it.
        if names.contains(&field.name().as_str()) {
            continue;
        }
        let taken = arrow_select::take::take(&column, &rows, None).map_err(|e| e.to_string())?;
        fields.push(field.with_nullable(true));
        columns.push(taken);
    }
    for (index, name) in names.iter().enumerate() {
        let values: Vec<Option<&OutputValue>> = entries
            .iter()
            .map(|e| e.result.as_ref().ok().map(|o| &o.values[index]))
            .collect();
        let kind = match kinds.get(index) {
            Some(&k) if k != Kind::Unknown => k,
            _ => values
                .iter()
                .flatten()
                .map(|v| Kind::of(v))
                .find(|k| *k != Kind::Unknown)
                .unwrap_or(Kind::Unknown),
        };
        let column = output_column(name, kind, &values, layout.scale.of(name))?;
        fields.push(Field::new(*name, column.data_type().clone(), true));
        columns.push(column);
    }
    if layout.report {
        let problems = entries.iter().map(|e| match &e.result {
            Ok(_) => None,
            Err(problems) => Some(
                problems
                    .iter()
                    .map(|p| p.message().to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        });
        fields.push(Field::new(ERROR_COLUMN, DataType::Utf8, true));
        columns.push(Arc::new(StringArray::from_iter(problems)));
    }
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(entries.len()));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)
        .map_err(|e| e.to_string())
}

/// One output's column; a value of another kind than the column's is an error.
fn output_column(
    name: &str,
    kind: Kind,
    values: &[Option<&OutputValue>],
    scale: Option<u32>,
) -> Result<ArrayRef, String> {
    let mixed = || format!("output `{name}` gives values of more than one kind; please report it");
    let text = |v: &OutputValue| match v {
        OutputValue::Text(t)
        | OutputValue::Grade(t)
        | OutputValue::Month(t)
        | OutputValue::Date(t) => Some(t.clone()),
        _ => None,
    };
    let check = |k: Kind| {
        values
            .iter()
            .flatten()
            .all(|v| matches!(Kind::of(v), Kind::Unknown) || Kind::of(v) == k)
    };
    if !check(kind) {
        return Err(mixed());
    }
    Ok(match kind {
        Kind::Decimal => decimal_column(name, values, scale)?,
        Kind::Text => Arc::new(StringArray::from_iter(
            values.iter().map(|v| v.and_then(text)),
        )),
        Kind::Date => {
            let days = StringArray::from_iter(values.iter().map(|v| v.and_then(text)));
            arrow_cast::cast(&days, &DataType::Date32).map_err(|e| e.to_string())?
        }
        Kind::Bool => Arc::new(BooleanArray::from_iter(values.iter().map(|v| match v {
            Some(OutputValue::Bool(b)) => Some(*b),
            _ => None,
        }))),
        Kind::Unknown => Arc::new(NullArray::new(values.len())),
    })
}

/// A decimal column at `scale`, or at the largest number of places among its values.
fn decimal_column(
    name: &str,
    values: &[Option<&OutputValue>],
    scale: Option<u32>,
) -> Result<ArrayRef, String> {
    let parts: Vec<Option<(i128, u32)>> =
        values.iter().map(|v| v.and_then(decimal_parts)).collect();
    let widest = parts.iter().flatten().map(|&(_, s)| s).max().unwrap_or(0);
    let scale = scale.unwrap_or(widest);
    let limit = 10i128.pow(u32::from(PRECISION));
    let mut scaled = Vec::with_capacity(parts.len());
    for part in parts {
        let Some((mantissa, places)) = part else {
            scaled.push(None);
            continue;
        };
        if places > scale {
            return Err(format!(
                "output `{name}` has a value of {places} decimal places ({}), more than the scale {scale} asked for; ask for a scale of {places} or more, or none",
                decimal_text(mantissa, places)
            ));
        }
        let value = 10i128
            .checked_pow(scale - places)
            .and_then(|f| mantissa.checked_mul(f))
            .filter(|v| v.unsigned_abs() < limit.unsigned_abs());
        let Some(value) = value else {
            return Err(format!(
                "output `{name}` has a value ({}) of more than {PRECISION} digits at scale {scale}; ask for a smaller scale",
                decimal_text(mantissa, places)
            ));
        };
        scaled.push(Some(value));
    }
    let scale = i8::try_from(scale).map_err(|_| format!("scale {scale} is above {PRECISION}"))?;
    let array = Decimal128Array::from(scaled)
        .with_precision_and_scale(PRECISION, scale)
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(array))
}
