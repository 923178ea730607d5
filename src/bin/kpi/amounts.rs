//! Numeric outputs as exact decimals of any length: totals and changes of many
//! records never lose a digit.

use std::cmp::Ordering;
use std::fmt;

use kpi::OutputValue;
use num_bigint::BigInt;
use rust_decimal::Decimal;

/// The kinds of numeric output: a change is computed between values of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// A count or plain number.
    Number,
    /// A percentage's figure.
    Percent,
    /// Money.
    Money,
    /// Points.
    Points,
}

impl Amount {
    /// The kind of a numeric value.
    pub fn of(value: &OutputValue) -> Option<Amount> {
        match value {
            OutputValue::Number(_) => Some(Amount::Number),
            OutputValue::Percent(_) => Some(Amount::Percent),
            OutputValue::Money(_) => Some(Amount::Money),
            OutputValue::Points(_) => Some(Amount::Points),
            _ => None,
        }
    }

    /// The value, exactly, if it is of this kind.
    pub fn value(self, value: &OutputValue) -> Option<Exact> {
        match (self, value) {
            (Amount::Number, OutputValue::Number(d))
            | (Amount::Percent, OutputValue::Percent(d))
            | (Amount::Money, OutputValue::Money(d))
            | (Amount::Points, OutputValue::Points(d)) => Some(Exact::from(*d)),
            _ => None,
        }
    }

    /// A figure of this kind as written: a percentage with its `%`.
    pub fn show(self, figure: &Exact) -> String {
        match self {
            Amount::Percent => format!("{figure}%"),
            _ => figure.to_string(),
        }
    }

    /// A change as written in a report: with its sign.
    pub fn show_change(self, change: &Exact) -> String {
        let shown = self.show(change);
        match change.sign() {
            Ordering::Greater => format!("+{shown}"),
            _ => shown,
        }
    }
}

/// An exact decimal of any length, `units` × 10^-`places`: a total of many outputs,
/// or the difference of two, may need more digits than a `Decimal` holds.
#[derive(Clone, Debug, Default)]
pub struct Exact {
    units: BigInt,
    places: u32,
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        Exact {
            units: BigInt::from(d.mantissa()),
            places: d.scale(),
        }
    }
}

impl Exact {
    /// A decimal as written: an optional sign, digits, and a point and more digits if
    /// it has a fraction, of any length; thousands may be grouped by three with commas
    /// (`16,000.00`), as a spreadsheet shows them. `None` for anything else.
    pub fn parse(text: &str) -> Option<Exact> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped = whole.contains(',');
        let well_formed = digits(first)
            && (!grouped || first.len() <= 3)
            && groups.all(|g| g.len() == 3 && digits(g))
            && (fraction.is_empty() && !unsigned.contains('.') || digits(fraction));
        if !well_formed {
            return None;
        }
        let units: BigInt = format!("{}{fraction}", whole.replace(',', ""))
            .parse()
            .ok()?;
        Some(Exact {
            units: if negative { -units } else { units },
            places: u32::try_from(fraction.len()).ok()?,
        })
    }

    /// A hundredth of it: a percentage's figure as the fraction it stands for.
    pub fn hundredth(&self) -> Exact {
        Exact {
            units: self.units.clone(),
            places: self.places.saturating_add(2),
        }
    }

    /// The units at `places` decimal places, no fewer than its own.
    fn units_at(&self, places: u32) -> BigInt {
        &self.units * BigInt::from(10u32).pow(places.saturating_sub(self.places))
    }

    /// The sum, with as many places as the more precise of the two.
    pub fn plus(&self, other: &Exact) -> Exact {
        let places = self.places.max(other.places);
        Exact {
            units: self.units_at(places) + other.units_at(places),
            places,
        }
    }

    /// The difference, with as many places as the more precise of the two.
    pub fn minus(&self, other: &Exact) -> Exact {
        let places = self.places.max(other.places);
        Exact {
            units: self.units_at(places) - other.units_at(places),
            places,
        }
    }

    /// Whether it is above, at or below zero.
    pub fn sign(&self) -> Ordering {
        self.units.sign().cmp(&num_bigint::Sign::NoSign)
    }

    /// Its distance from zero.
    pub fn abs(&self) -> Exact {
        Exact {
            units: self.units.magnitude().clone().into(),
            places: self.places,
        }
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        let places = self.places.max(other.places);
        self.units_at(places).cmp(&other.units_at(places))
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.magnitude().to_string();
        let places = self.places as usize;
        let digits = format!("{digits:0>width$}", width = places + 1);
        let (whole, fraction) = digits.split_at(digits.len() - places);
        if self.sign() == Ordering::Less {
            f.write_str("-")?;
        }
        f.write_str(whole)?;
        if !fraction.is_empty() {
            write!(f, ".{fraction}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> Exact {
        Exact::from(text.parse::<Decimal>().unwrap())
    }

    #[test]
    fn exact_sums_keep_every_digit() {
        let big = exact("9999999999999999999999999999");
        let tiny = exact("0.0000000000000000000000000001");
        assert_eq!(
            big.plus(&tiny).to_string(),
            "9999999999999999999999999999.0000000000000000000000000001"
        );
        assert_eq!(
            tiny.minus(&big).to_string(),
            "-9999999999999999999999999998.9999999999999999999999999999"
        );
        assert_eq!(big.plus(&big).to_string(), "19999999999999999999999999998");
    }

    #[test]
    fn exact_values_compare_by_value_and_print_their_places() {
        assert_eq!(exact("62"), exact("62.00"));
        assert!(exact("-0.5") < exact("0.25"));
        assert_eq!(exact("-0.05").to_string(), "-0.05");
        assert_eq!(exact("-0.05").abs().to_string(), "0.05");
        assert_eq!(exact("98.00").minus(&exact("98")).to_string(), "0.00");
        assert_eq!(Exact::default().to_string(), "0");
        assert_eq!(Amount::Percent.show_change(&exact("1.5")), "+1.5%");
        assert_eq!(Amount::Money.show_change(&exact("-3")), "-3");
    }

    #[test]
    fn decimals_are_read_as_written_and_nothing_else_is() {
        let read = |text| Exact::parse(text).map(|e| e.to_string());
        assert_eq!(read("620.030"), Some("620.030".into()));
        assert_eq!(Exact::parse("620.030"), Some(exact("620.03")));
        assert_eq!(read("-0.5"), Some("-0.5".into()));
        assert_eq!(read("+12"), Some("12".into()));
        assert_eq!(read("16,000.00"), Some("16000.00".into()));
        assert_eq!(read("1,234,567"), Some("1234567".into()));
        let long = "123456789012345678901234567890.123456789";
        assert_eq!(read(long), Some(long.into()));
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1e3",
            "12a",
            "1,23",
            "1234,567",
            "1,234.5,6",
            "--1",
            "0x10",
            "¥12",
            " 12",
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
        assert_eq!(exact("95").hundredth(), exact("0.95"));
        assert_eq!(exact("0.5").hundredth().to_string(), "0.005");
    }
}
