//! Types and units, and how operators combine them.

use std::fmt;

use crate::syntax::ast::BinOp;

/// The type of a value: its kind and, for numbers, its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// A whole number of things.
    Count,
    /// A plain number (a score, a coefficient).
    Number,
    /// A percentage, held as a fraction (95% is 0.95).
    Percent,
    /// An amount in the ruleset's currency.
    Money,
    /// An amount in the ruleset's other unit (points).
    Points,
    /// Text.
    Text,
    /// true or false.
    Bool,
    /// A grade from the grade band at this item position.
    Grade(usize),
    /// A day of the calendar.
    Date,
    /// A calendar month.
    Month,
    /// The type of something already reported as wrong; fits everywhere, so one
    /// mistake is reported once.
    Unknown,
}

impl Type {
    /// Whether arithmetic applies.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Type::Count | Type::Number | Type::Percent | Type::Money | Type::Points | Type::Unknown
        )
    }

    /// Whether values can be ordered: numbers, dates and months.
    pub fn is_ordered(self) -> bool {
        self.is_numeric() || matches!(self, Type::Date | Type::Month)
    }

    /// Plain numbers and counts, which mix freely.
    fn is_plain(self) -> bool {
        matches!(self, Type::Count | Type::Number)
    }

    /// The family a type's values can be compared within.
    fn family(self) -> u8 {
        match self {
            Type::Count | Type::Number => 0,
            Type::Percent => 1,
            Type::Money => 2,
            Type::Text => 3,
            Type::Bool => 4,
            Type::Grade(_) => 5,
            Type::Unknown => 6,
            Type::Date => 7,
            Type::Month => 8,
            Type::Points => 9,
        }
    }

    /// Whether values of the two types can be compared with each other or stand in
    /// each other's place.
    pub fn compatible(self, other: Type) -> bool {
        self == Type::Unknown
            || other == Type::Unknown
            || self.family() == other.family()
                && !matches!((self, other), (Type::Grade(a), Type::Grade(b)) if a != b)
    }

    /// The common type of two compatible types (a count and a number make a number).
    pub fn unify(self, other: Type) -> Option<Type> {
        if self == other {
            return Some(self);
        }
        match (self, other) {
            (Type::Unknown, t) | (t, Type::Unknown) => Some(t),
            (a, b) if a.is_plain() && b.is_plain() => Some(Type::Number),
            _ => None,
        }
    }

    /// The type of `left op right` for an arithmetic operator, or why it has none.
    pub fn arithmetic(op: BinOp, left: Type, right: Type) -> Result<Type, String> {
        use Type::*;
        if left == Unknown || right == Unknown {
            return Ok(Unknown);
        }
        if !left.is_numeric() || !right.is_numeric() {
            let odd = if left.is_numeric() { right } else { left };
            return Err(format!(
                "`{}` needs numbers, not {}",
                op.symbol(),
                odd.described()
            ));
        }
        // Points are never money: neither is added to, multiplied or divided by the
        // other.
        if matches!((left, right), (Money, Points) | (Points, Money)) {
            return Err(format!(
                "points and money do not mix: `{}` of points and an amount of money",
                op.symbol()
            ));
        }
        let result = match op {
            BinOp::Add | BinOp::Sub => match (left, right) {
                (Points, Points) => Some(Points),
                (Count, Count) => Some(Count),
                (a, b) if a.is_plain() && b.is_plain() => Some(Number),
                (Percent, Percent) => Some(Percent),
                (Money, Money) => Some(Money),
                _ => None,
            },
            BinOp::Mul => match (left, right) {
                (Money, Money) | (Points, Points) => None,
                (Points, _) | (_, Points) => Some(Points),
                (Money, _) | (_, Money) => Some(Money),
                (Count, Count) => Some(Count),
                (Percent, Percent) => Some(Percent),
                _ => Some(Number),
            },
            _ => match (left, right) {
                (Count, Count) | (Money, Money) | (Percent, Percent) | (Points, Points) => {
                    Some(Percent)
                }
                (Points, _) => Some(Points),
                (_, Points) => None,
                (Money, _) => Some(Money),
                (_, Money) => None,
                (Percent, _) => Some(Percent),
                _ => Some(Number),
            },
        };
        result.ok_or_else(|| {
            format!(
                "{} {} {} does not make sense",
                left.described(),
                op.symbol(),
                right.described()
            )
        })
    }

    /// "a count", "an amount of money", ... for messages.
    pub fn described(self) -> &'static str {
        match self {
            Type::Count => "a count",
            Type::Number => "a number",
            Type::Percent => "a percentage",
            Type::Money => "an amount of money",
            Type::Points => "an amount of points",
            Type::Text => "text",
            Type::Bool => "a true/false condition",
            Type::Grade(_) => "a grade",
            Type::Unknown => "a value",
            Type::Date => "a date",
            Type::Month => "a month",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Type {
    /// The type's name, as the rule file writes an input's (`percent`, `money`).
    pub fn name(self) -> &'static str {
        match self {
            Type::Count => "count",
            Type::Number => "number",
            Type::Percent => "percent",
            Type::Money => "money",
            Type::Points => "points",
            Type::Text => "text",
            Type::Bool => "bool",
            Type::Grade(_) => "grade",
            Type::Unknown => "unknown",
            Type::Date => "date",
            Type::Month => "month",
        }
    }
}

/// A hint for a mismatch between two types, where a common slip explains it.
pub fn mismatch_hint(left: Type, right: Type) -> Option<&'static str> {
    use Type::*;
    match (left, right) {
        (Percent, Count | Number) | (Count | Number, Percent) => Some(
            "write the number as a percentage (95% rather than 95 or 0.95), or multiply the percentage by a number",
        ),
        (Money, Count | Number | Percent) | (Count | Number | Percent, Money) => Some(
            "money goes with money: write the number as an amount (50 CNY), or multiply an amount by a count, number or percentage",
        ),
        (Money, Money) => Some("multiply money by a count, number or percentage, not by money"),
        (Money, Points) | (Points, Money) => Some(
            "points are exchanged for gifts, not paid: keep them in items and outputs of their own, apart from money",
        ),
        (Points, Count | Number | Percent) | (Count | Number | Percent, Points) => Some(
            "points go with points: write the number as points (50 PTS, in the declared unit), or multiply points by a count, number or percentage",
        ),
        (Date, _) | (_, Date) => {
            Some("for the days from one date to another write days_between(first, last)")
        }
        _ => None,
    }
}
