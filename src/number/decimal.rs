//! The boundary between exact rationals and `rust_decimal`: literals and input values
//! come in as decimals, rounding and output go out as decimals.

use rust_decimal::Decimal;

use super::rational::{Overflow, Rational};

/// How a value is rounded to a number of decimal places.
///
/// `rust_decimal`'s own `round_dp` rounds half to even; payroll usually rounds half
/// up, so the mode is always written in the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoundingMode {
    /// Halves away from zero (620.025 → 620.03), the usual payroll rule.
    HalfUp,
    /// Halves to the even neighbour (banker's rounding).
    HalfEven,
    /// Halves towards zero.
    HalfDown,
    /// Towards zero (truncation).
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    /// Every mode with the name it is written as in a rule file.
    pub const ALL: [(&'static str, RoundingMode); 5] = [
        ("half_up", RoundingMode::HalfUp),
        ("half_even", RoundingMode::HalfEven),
        ("half_down", RoundingMode::HalfDown),
        ("down", RoundingMode::Down),
        ("up", RoundingMode::Up),
    ];

    /// The mode written as `name`, if any.
    pub fn from_name(name: &str) -> Option<RoundingMode> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The name the mode is written as.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("half_up")
    }
}

/// The most decimal places an exact value is printed with (rust_decimal's limit).
pub const MAX_PLACES: u32 = 28;

/// The most decimal places a rule may round to: enough for any currency or rate,
/// and few enough that a rounded amount always prints.
pub const MAX_ROUND_PLACES: u32 = 12;

/// The exact value of a decimal.
pub fn rational_from_decimal(value: Decimal) -> Result<Rational, Overflow> {
    let den = 10i128.checked_pow(value.scale()).ok_or(Overflow)?;
    Rational::new(value.mantissa(), den).ok_or(Overflow)
}

/// Rounds `value` to `places` decimal places in `mode`, exactly.
pub fn round(value: Rational, places: u32, mode: RoundingMode) -> Result<Rational, Overflow> {
    let scale = 10i128.checked_pow(places).ok_or(Overflow)?;
    let scaled = value.checked_mul(Rational::from_i128(scale)?)?;
    let (num, den) = scaled.parts();
    // Truncate towards zero, then decide on the remainder. The parts are 64-bit, so
    // these are machine divisions, and in 128 bits nothing below can overflow.
    let (quotient, remainder) = (i128::from(num / den), i128::from((num % den).abs()));
    let den = i128::from(den);
    let twice = remainder * 2;
    let away = match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => remainder != 0,
        RoundingMode::HalfUp => twice >= den,
        RoundingMode::HalfDown => twice > den,
        RoundingMode::HalfEven => twice > den || (twice == den && quotient % 2 != 0),
    };
    let rounded = if away {
        quotient + if num < 0 { -1 } else { 1 }
    } else {
        quotient
    };
    Rational::make(rounded, scale)
}

/// The value as a decimal with exactly `places` decimal places, if it has no more
/// digits than that and fits rust_decimal's 96-bit mantissa.
pub fn decimal_with_places(value: Rational, places: u32) -> Option<Decimal> {
    let scale = 10i128.checked_pow(places)?;
    // A value rounded to `places` is held over 10^places: no arithmetic needed.
    if let (num, den) = value.parts()
        && i128::from(den) == scale
    {
        return Decimal::try_from_i128_with_scale(num.into(), places).ok();
    }
    let scaled = value.checked_mul(Rational::from_i128(scale).ok()?).ok()?;
    Decimal::try_from_i128_with_scale(scaled.to_integer()?, places).ok()
}

/// The value as a decimal with as few places as it needs, if its expansion ends
/// within rust_decimal's 28 places; `None` for values such as 1/3.
pub fn exact_decimal(value: Rational) -> Option<Decimal> {
    let mut den = value.denom();
    // A fraction has a finite decimal expansion exactly when its denominator has no
    // prime factors other than 2 and 5; the number of places is the larger exponent.
    let (mut twos, mut fives) = (0u32, 0u32);
    while den % 2 == 0 {
        den /= 2;
        twos += 1;
    }
    while den % 5 == 0 {
        den /= 5;
        fives += 1;
    }
    if den != 1 {
        return None;
    }
    let places = twos.max(fives);
    if places > MAX_PLACES {
        return None;
    }
    decimal_with_places(value, places)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn rat(s: &str) -> Rational {
        rational_from_decimal(Decimal::from_str(s).unwrap()).unwrap()
    }

    fn rounded(s: &str, places: u32, mode: RoundingMode) -> String {
        let r = round(rat(s), places, mode).unwrap();
        decimal_with_places(r, places).unwrap().to_string()
    }

    #[test]
    fn half_up_is_not_bankers_rounding() {
        assert_eq!(rounded("620.025", 2, RoundingMode::HalfUp), "620.03");
        assert_eq!(rounded("620.025", 2, RoundingMode::HalfEven), "620.02");
        assert_eq!(rounded("620.035", 2, RoundingMode::HalfEven), "620.04");
        assert_eq!(rounded("620.025", 2, RoundingMode::HalfDown), "620.02");
    }

    #[test]
    fn negative_values_round_symmetrically() {
        assert_eq!(rounded("-2.5", 0, RoundingMode::HalfUp), "-3");
        assert_eq!(rounded("-2.5", 0, RoundingMode::HalfEven), "-2");
        assert_eq!(rounded("-2.1", 0, RoundingMode::Up), "-3");
        assert_eq!(rounded("-2.9", 0, RoundingMode::Down), "-2");
    }

    #[test]
    fn keeps_trailing_zeros_to_the_places_asked() {
        assert_eq!(rounded("98", 2, RoundingMode::HalfUp), "98.00");
    }

    #[test]
    fn exact_decimal_only_for_terminating_fractions() {
        assert_eq!(exact_decimal(rat("0.125")).unwrap().to_string(), "0.125");
        assert_eq!(exact_decimal(Rational::new(1, 3).unwrap()), None);
        assert_eq!(
            exact_decimal(Rational::new(7, 20).unwrap())
                .unwrap()
                .to_string(),
            "0.35"
        );
    }
}
