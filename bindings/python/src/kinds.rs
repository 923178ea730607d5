//! The kind of value each output gives, which sets its Arrow type: declared by the
//! ruleset (`Ruleset::describe`), so known before anything is scored.

use kpi::{OutputValue, Ruleset};

/// The kind of an output's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers, amounts, points, percentages (as fractions): Arrow decimal128.
    Decimal,
    /// Text, grade labels, months: Arrow utf8.
    Text,
    /// Arrow boolean.
    Bool,
    /// Arrow date32.
    Date,
    /// Not known: no value seen.
    Unknown,
}

impl Kind {
    /// The kind of one value; `Unknown` for no value.
    pub fn of(value: &OutputValue) -> Kind {
        match value {
            OutputValue::Number(_)
            | OutputValue::Percent(_)
            | OutputValue::Money(_)
            | OutputValue::Points(_) => Kind::Decimal,
            OutputValue::Text(_) | OutputValue::Grade(_) | OutputValue::Month(_) => Kind::Text,
            OutputValue::Bool(_) => Kind::Bool,
            OutputValue::Date(_) => Kind::Date,
            OutputValue::Missing => Kind::Unknown,
        }
    }
}

/// Each output's kind, as the ruleset declares its type.
pub fn declared(ruleset: &Ruleset) -> Vec<Kind> {
    ruleset
        .describe()
        .outputs
        .iter()
        .map(|output| match output.kind {
            "count" | "number" | "percent" | "money" | "points" => Kind::Decimal,
            "bool" => Kind::Bool,
            "date" => Kind::Date,
            "text" | "grade" | "month" => Kind::Text,
            _ => Kind::Unknown,
        })
        .collect()
}
