//! What a payroll system receives for one record: the outputs, as exact decimals.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::check::types::Type;
use crate::compile::Program;
use crate::eval::{EvalError, Fault, Texts, Value, Where};
use crate::number::{Rational, decimal_places, decimal_with_places, exact_decimal};

/// One output value, ready to print. Numbers are exact decimals, printed in plain
/// notation (`620.03`), never in exponent form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputValue {
    /// A count or plain number.
    Number(Decimal),
    /// A percentage, holding the figure before the `%` (95 for 95%).
    Percent(Decimal),
    /// An amount of money.
    Money(Decimal),
    /// An amount of points (the ruleset's unit other than money).
    Points(Decimal),
    /// Text.
    Text(String),
    /// true or false.
    Bool(bool),
    /// A grade's label.
    Grade(String),
    /// A date, `YYYY-MM-DD`.
    Date(String),
    /// A month, `YYYY-MM`.
    Month(String),
    /// No value (an empty cell).
    Missing,
}

impl fmt::Display for OutputValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputValue::Number(d) | OutputValue::Money(d) | OutputValue::Points(d) => {
                write!(f, "{d}")
            }
            OutputValue::Percent(d) => write!(f, "{d}%"),
            OutputValue::Text(t)
            | OutputValue::Grade(t)
            | OutputValue::Date(t)
            | OutputValue::Month(t) => f.write_str(t),
            OutputValue::Bool(b) => write!(f, "{b}"),
            OutputValue::Missing => Ok(()),
        }
    }
}

/// Serialised as `kpi eval --format json` writes a value: its text (`"620.03"`,
/// `"95%"`, `"A"`, `"true"`), exact and never a float, or null when missing.
impl Serialize for OutputValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputValue::Missing => serializer.serialize_none(),
            value => serializer.collect_str(value),
        }
    }
}

/// Serialised as an object of output names to values, in declaration order.
impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.names.iter().zip(&self.values))
    }
}

/// The outputs for one record, in declaration order. The default is empty, to be
/// filled by [`crate::Population::outcome_into`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Output names, in declaration order; shared by every outcome of a ruleset.
    pub names: Arc<[String]>,
    /// Output values, matching `names`.
    pub values: Vec<OutputValue>,
}

impl Outcome {
    /// The record's row as `kpi eval --format json` writes it and the service answers:
    /// the key's columns (`key_names`; a key of several columns is their values joined
    /// by commas), then every output's exact text, null when missing.
    pub fn json_row(
        &self,
        key_names: &[String],
        key: &str,
    ) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::Value;
        let mut row = serde_json::Map::new();
        let parts = key.splitn(key_names.len().max(1), ',');
        for (name, part) in key_names.iter().zip(parts) {
            row.insert(name.clone(), Value::String(part.to_string()));
        }
        for (name, value) in self.names.iter().zip(&self.values) {
            let value = match value {
                OutputValue::Missing => Value::Null,
                v => Value::String(v.to_string()),
            };
            row.insert(name.clone(), value);
        }
        row
    }

    /// The value of the output called `name`.
    pub fn get(&self, name: &str) -> Option<&OutputValue> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.values[i])
    }
}

/// Stores output `index`'s final value in `into`, in its printable form. Text reuses
/// the memory `into` already holds, so a reused outcome allocates nothing.
pub(crate) fn store_output(
    program: &Program,
    texts: Texts<'_>,
    index: usize,
    value: Value,
    into: &mut OutputValue,
) -> Result<(), EvalError> {
    let fail = |fault| EvalError {
        at: Where::Output(index),
        fault,
    };
    let ty = program
        .output_types
        .get(index)
        .copied()
        .unwrap_or(Type::Unknown);
    let places = program.output_places.get(index).copied().flatten();
    let exact = |r: &Rational| match places {
        // A rounded value is exact; it fails to print only by being too long.
        Some(p) => decimal_with_places(r, p).ok_or_else(|| fail(Fault::TooLongForOutput)),
        None => exact_decimal(r).ok_or_else(|| match decimal_places(r) {
            // A whole part that fits leaves the decimal places to blame, not the data.
            Some(_) if r.floor_i128().unsigned_abs() < 10u128.pow(28) => fail(Fault::TooManyPlaces),
            Some(_) => fail(Fault::TooLongForOutput),
            None => fail(Fault::NotExact),
        }),
    };
    match (value, ty) {
        (Value::Num(r), Type::Percent) => {
            let figure = r.percent_figure().map_err(|_| fail(Fault::Overflow))?;
            set_number(into, ty, exact(&figure)?);
        }
        (Value::Num(r), Type::Money | Type::Points) => set_number(into, ty, exact(&r)?),
        (Value::Num(r), Type::Date | Type::Month) => {
            let n = r
                .to_i128()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or(fail(Fault::Internal))?;
            *into = match ty {
                Type::Date => OutputValue::Date(crate::time::show_date(n)),
                _ => OutputValue::Month(crate::time::show_month(n)),
            };
        }
        (Value::Missing, _) => *into = OutputValue::Missing,
        (Value::Num(r), _) => set_number(into, ty, exact(&r)?),
        (Value::Text(t), _) => set_text(into, texts.get(t), false),
        (Value::Bool(b), _) => *into = OutputValue::Bool(b),
        (Value::Grade(band), Type::Grade(pos)) => {
            let label = program
                .grade_labels
                .get(pos)
                .and_then(|labels| labels.get(band as usize))
                .ok_or(fail(Fault::Internal))?;
            set_text(into, label, true);
        }
        (Value::Grade(_), _) => return Err(fail(Fault::Internal)),
    }
    Ok(())
}

/// [`store_output`] for the common number: an output rounded to its places, stored
/// without building a [`Value`] or an error. `false` when it is not such a number or
/// does not print, for [`store_output`] to store or to say why.
pub(crate) fn store_rounded(
    program: &Program,
    index: usize,
    value: &Rational,
    into: &mut OutputValue,
) -> bool {
    let (Some(&ty), Some(&Some(places))) = (
        program.output_types.get(index),
        program.output_places.get(index),
    ) else {
        return false;
    };
    if !matches!(ty, Type::Count | Type::Number | Type::Money | Type::Points) {
        return false;
    }
    match decimal_with_places(value, places) {
        Some(number) => {
            set_number(into, ty, number);
            true
        }
        None => false,
    }
}

/// Stores `number` in `into` as a number of type `ty`. A value of that kind already
/// there keeps its place: writing the number alone costs less than writing a whole
/// new value. Inlined, so that the number's parts go straight to where it is kept
/// (read back whole from the stack, they stalled the processor).
#[inline(always)]
fn set_number(into: &mut OutputValue, ty: Type, number: Decimal) {
    match (into, ty) {
        (OutputValue::Percent(held), Type::Percent)
        | (OutputValue::Money(held), Type::Money)
        | (OutputValue::Points(held), Type::Points) => *held = number,
        (OutputValue::Number(held), _)
            if !matches!(ty, Type::Percent | Type::Money | Type::Points) =>
        {
            *held = number
        }
        (into, _) => {
            *into = match ty {
                Type::Percent => OutputValue::Percent(number),
                Type::Money => OutputValue::Money(number),
                Type::Points => OutputValue::Points(number),
                _ => OutputValue::Number(number),
            }
        }
    }
}

/// Sets `into` to the text (or the grade label) `text`, in the string it already
/// holds when it is of that kind.
fn set_text(into: &mut OutputValue, text: &str, grade: bool) {
    match into {
        OutputValue::Grade(held) if grade => {
            held.clear();
            held.push_str(text);
        }
        OutputValue::Text(held) if !grade => {
            held.clear();
            held.push_str(text);
        }
        _ if grade => *into = OutputValue::Grade(text.to_string()),
        _ => *into = OutputValue::Text(text.to_string()),
    }
}
