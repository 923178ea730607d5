//! Run-time errors: where in the ruleset and what went wrong.

use serde::{Serialize, Serializer};

/// Serialised as its code.
impl Serialize for Fault {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// What went wrong while computing a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A ratio item's denominator was zero, and its rule gives no value for that.
    ZeroDenominator,
    /// A division by zero inside a formula.
    DivisionByZero,
    /// An exact value would need more than 4000 digits in its numerator or
    /// denominator, even in lowest terms: only a runaway formula or a misplaced digit
    /// gets there.
    Overflow,
    /// An output's exact decimal value has more digits than an output holds
    /// (rust_decimal's 28 or so).
    TooLongForOutput,
    /// An output's exact decimal value, not rounded, has more decimal places than an
    /// output holds (a small value divided many times, say), while its whole part fits.
    TooManyPlaces,
    /// An output's value has no exact decimal form (such as 1/3) and is not rounded.
    NotExact,
    /// A reduction with no member to reduce (a `min`, `max` or `mean` of an empty
    /// group), and the rule gives no value for that.
    EmptyGroup,
    /// Under `ties strict`, the record ties with another on every sort key.
    Tie,
    /// A record this one's value depends on (a member of its group, or any record for
    /// a rank of every record) could not be scored. Faults carry no data, so that a
    /// result of the evaluator stays small.
    MemberFailed,
    /// A share's amount is not a whole number of fen.
    ShareNotWholeFen,
    /// A share's weight is below zero.
    ShareNegativeWeight,
    /// A share has an amount to share but no member with a weight above zero.
    ShareNoWeight,
    /// A value needed has none (an empty optional input, a `when zero none`): the
    /// item computed from it has none either. Never reported as an error.
    Missing,
    /// A rank, order or distribution key of this record, or its weight in a share,
    /// has no value.
    MissingKey,
    /// No version of the rules was in force on the first day of the record's month.
    NoVersion,
    /// The program and the record do not fit together; a bug, reported not panicked.
    Internal,
}

impl Fault {
    /// The stable code, such as `S0101`, documented in `docs/errors.md`.
    pub fn code(self) -> &'static str {
        match self {
            Fault::ZeroDenominator => "S0101",
            Fault::DivisionByZero => "S0102",
            Fault::Overflow => "S0201",
            Fault::TooLongForOutput => "S0202",
            Fault::TooManyPlaces => "S0203",
            Fault::NotExact => "S0204",
            Fault::EmptyGroup => "S0301",
            Fault::Tie => "S0302",
            Fault::MemberFailed => "S0303",
            Fault::MissingKey => "S0304",
            Fault::ShareNotWholeFen => "S0401",
            Fault::ShareNegativeWeight => "S0402",
            Fault::ShareNoWeight => "S0403",
            Fault::Missing => "S0501",
            Fault::NoVersion => "S0502",
            Fault::Internal => "S0901",
        }
    }

    /// The fault, placed at the first item: for a failure that belongs to no one item.
    pub(crate) fn at_start(self) -> EvalError {
        EvalError {
            at: Where::Item(0),
            fault: self,
        }
    }
}

/// Which computation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// The item at this evaluation position.
    Item(usize),
    /// The output at this declaration index.
    Output(usize),
}

/// A run-time error for one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalError {
    /// Which computation failed.
    pub at: Where,
    /// What went wrong.
    pub fault: Fault,
}
