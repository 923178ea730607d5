//! The kind of value each output gives, which sets its Arrow type. The library does
//! not say it before scoring, so it is learnt from records it generates for the
//! ruleset, and where those leave an output unknown, from the values scored.

use kpi::{OutputValue, Record, Ruleset};

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

/// How many generated records the kinds are learnt from.
const PROBES: usize = 24;

/// Each output's kind, learnt by scoring records generated for the ruleset (scored
/// together when it reads a population); `Unknown` where no generated record gave
/// the output a value.
pub fn probe(ruleset: &Ruleset) -> Vec<Kind> {
    let mut generator = kpi::generate::Generator::new(ruleset, 1);
    let records: Vec<Record> = (0..PROBES)
        .filter_map(|_| ruleset.record_in_order(&generator.record()).ok())
        .collect();
    let outcomes = match ruleset.reads_population() {
        true => ruleset.evaluate_all(&records),
        false => records.iter().map(|r| ruleset.evaluate(r)).collect(),
    };
    let mut kinds = vec![Kind::Unknown; ruleset.output_names().len()];
    for outcome in outcomes.iter().flatten() {
        for (kind, value) in kinds.iter_mut().zip(&outcome.values) {
            if *kind == Kind::Unknown {
                *kind = Kind::of(value);
            }
        }
    }
    kinds
}
