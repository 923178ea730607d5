//! What a payroll system receives for one record: the outputs, as exact decimals.

use std::fmt;

use rust_decimal::Decimal;

use crate::check::types::Type;
use crate::compile::Program;
use crate::eval::{EvalError, Fault, Value, Where};
use crate::number::{Rational, decimal_with_places, exact_decimal};

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
    /// Text.
    Text(String),
    /// true or false.
    Bool(bool),
    /// A grade's label.
    Grade(String),
}

impl fmt::Display for OutputValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputValue::Number(d) | OutputValue::Money(d) => write!(f, "{d}"),
            OutputValue::Percent(d) => write!(f, "{d}%"),
            OutputValue::Text(t) | OutputValue::Grade(t) => f.write_str(t),
            OutputValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The outputs for one record, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Output names, in declaration order.
    pub names: Vec<String>,
    /// Output values, matching `names`.
    pub values: Vec<OutputValue>,
}

impl Outcome {
    /// The value of the output called `name`.
    pub fn get(&self, name: &str) -> Option<&OutputValue> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.values[i])
    }
}

/// Converts output `index`'s final value to its printable form.
pub(crate) fn output_value(
    program: &Program,
    index: usize,
    value: Value<'_>,
) -> Result<OutputValue, EvalError> {
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
    let exact = |r: Rational| match places {
        // A rounded value is exact; it fails to print only by being too large.
        Some(p) => decimal_with_places(r, p).ok_or(fail(Fault::Overflow)),
        None => exact_decimal(r).ok_or(fail(Fault::NotExact)),
    };
    Ok(match (value, ty) {
        (Value::Num(r), Type::Percent) => {
            let figure = r.percent_figure().map_err(|_| fail(Fault::Overflow))?;
            OutputValue::Percent(exact(figure)?)
        }
        (Value::Num(r), Type::Money) => OutputValue::Money(exact(r)?),
        (Value::Num(r), _) => OutputValue::Number(exact(r)?),
        (Value::Text(t), _) => OutputValue::Text(t.to_string()),
        (Value::Bool(b), _) => OutputValue::Bool(b),
        (Value::Grade(band), Type::Grade(pos)) => OutputValue::Grade(
            program
                .grade_labels
                .get(pos)
                .and_then(|labels| labels.get(band as usize))
                .cloned()
                .ok_or(fail(Fault::Internal))?,
        ),
        (Value::Grade(_), _) => return Err(fail(Fault::Internal)),
    })
}
