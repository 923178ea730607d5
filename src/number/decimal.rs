//! The boundary between exact rationals and `rust_decimal`: literals and input values
//! come in as decimals, rounding and output go out as decimals.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
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
pub fn rational_from_decimal(value: Decimal) -> Rational {
    // rust_decimal's scale is at most 28, so the power of ten fits in 128 bits.
    Rational::make(value.mantissa(), 10i128.pow(value.scale())).reduced()
}

/// Whether a value whose truncated quotient is `quotient` and whose remainder is
/// `remainder` (both towards zero) rounds away from zero in `mode`. `half` compares
/// twice the remainder's magnitude with the divisor.
fn rounds_away(mode: RoundingMode, remainder_zero: bool, half: Ordering, odd: bool) -> bool {
    match mode {
        RoundingMode::Down => false,
        RoundingMode::Up => !remainder_zero,
        RoundingMode::HalfUp => half != Ordering::Less,
        RoundingMode::HalfDown => half == Ordering::Greater,
        RoundingMode::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && odd),
    }
}

/// Rounds `value` to `places` decimal places in `mode`, exactly.
#[inline]
pub fn round(value: &Rational, places: u32, mode: RoundingMode) -> Result<Rational, Overflow> {
    match value.held_parts() {
        // By value, so that a small value stays in registers.
        Some((num, den)) => round_value(Rational::make(num.into(), den.into()), places, mode),
        None => round_value(value.clone(), places, mode),
    }
}

fn round_value(value: Rational, places: u32, mode: RoundingMode) -> Result<Rational, Overflow> {
    let scale = 10i128.checked_pow(places).ok_or(Overflow)?;
    let scaled = value.checked_mul(&Rational::from_i128(scale))?;
    let Some((num, den)) = scaled.held_parts() else {
        return round_big(&scaled, scale, mode);
    };
    // Truncate towards zero, then decide on the remainder. The parts are 64-bit, so
    // these are machine divisions, and in 128 bits nothing below can overflow.
    let (quotient, remainder) = (i128::from(num / den), i128::from((num % den).abs()));
    let half = (remainder * 2).cmp(&i128::from(den));
    let rounded = if rounds_away(mode, remainder == 0, half, quotient % 2 != 0) {
        quotient + if num < 0 { -1 } else { 1 }
    } else {
        quotient
    };
    Ok(Rational::make(rounded, scale))
}

/// [`round`] for a scaled value held in big integers.
#[cold]
fn round_big(scaled: &Rational, scale: i128, mode: RoundingMode) -> Result<Rational, Overflow> {
    let (num, den) = (scaled.numer(), scaled.denom());
    let (quotient, remainder) = num.div_rem(&den);
    let half = (remainder.magnitude() * 2u32).cmp(den.magnitude());
    let rounded = if rounds_away(mode, remainder.is_zero(), half, quotient.is_odd()) {
        quotient + num.signum()
    } else {
        quotient
    };
    Rational::try_from(BigRational::new(rounded, BigInt::from(scale)))
}

/// The value as a decimal with exactly `places` decimal places, if it has no more
/// digits than that and fits rust_decimal's 96-bit mantissa.
#[inline]
pub fn decimal_with_places(value: &Rational, places: u32) -> Option<Decimal> {
    let scale = 10i128.checked_pow(places)?;
    // A value rounded to `places` is held over 10^places: no arithmetic needed.
    if let Some((num, den)) = value.held_parts()
        && i128::from(den) == scale
    {
        return Decimal::try_from_i128_with_scale(num.into(), places).ok();
    }
    let scaled = value.checked_mul(&Rational::from_i128(scale)).ok()?;
    Decimal::try_from_i128_with_scale(scaled.to_i128()?, places).ok()
}

/// How many decimal places the value's expansion has, if it ends; `None` for values
/// such as 1/3.
pub fn decimal_places(value: &Rational) -> Option<u32> {
    // A fraction has a finite decimal expansion exactly when its denominator has no
    // prime factors other than 2 and 5; the number of places is the larger exponent.
    let (twos, fives) = match value.to_i64_parts() {
        Some((_, den)) => {
            let mut den = den as u64;
            let twos = den.trailing_zeros();
            den >>= twos;
            let mut fives = 0u32;
            while den.is_multiple_of(5) {
                den /= 5;
                fives += 1;
            }
            if den != 1 {
                return None;
            }
            (twos, fives)
        }
        None => {
            let den = value.denom();
            let twos = den.trailing_zeros().unwrap_or(0);
            let mut den = den >> twos;
            let mut fives = 0u32;
            while (&den % 5u32).is_zero() {
                den /= 5u32;
                fives += 1;
            }
            if !den.is_one() {
                return None;
            }
            (u32::try_from(twos).ok()?, fives)
        }
    };
    Some(twos.max(fives))
}

/// The value as a decimal with as few places as it needs, if its expansion ends
/// within rust_decimal's 28 places and its digits fit rust_decimal's 96-bit
/// mantissa; `None` for values such as 1/3.
pub fn exact_decimal(value: &Rational) -> Option<Decimal> {
    let places = decimal_places(value)?;
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
        rational_from_decimal(Decimal::from_str(s).unwrap())
    }

    fn rounded(s: &str, places: u32, mode: RoundingMode) -> String {
        let r = round(&rat(s), places, mode).unwrap();
        decimal_with_places(&r, places).unwrap().to_string()
    }

    /// `n / d` from decimal texts of any length.
    fn big(n: &str, d: &str) -> Rational {
        Rational::try_from(BigRational::new(n.parse().unwrap(), d.parse().unwrap())).unwrap()
    }

    fn rounded_big(value: &Rational, places: u32, mode: RoundingMode) -> Option<String> {
        let r = round(value, places, mode).unwrap();
        decimal_with_places(&r, places).map(|d| d.to_string())
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
        assert_eq!(exact_decimal(&rat("0.125")).unwrap().to_string(), "0.125");
        assert_eq!(exact_decimal(&Rational::new(1, 3).unwrap()), None);
        assert_eq!(
            exact_decimal(&Rational::new(7, 20).unwrap())
                .unwrap()
                .to_string(),
            "0.35"
        );
    }

    #[test]
    fn big_values_round_in_every_mode() {
        // 2/3 + 1/(3 * 10^30) = (2 * 10^30 + 1) / (3 * 10^30), just above 2/3.
        let just_above = big(
            &format!("2{}1", "0".repeat(29)),
            &format!("3{}", "0".repeat(30)),
        );
        let cases = [
            (RoundingMode::HalfUp, "0.67"),
            (RoundingMode::HalfEven, "0.67"),
            (RoundingMode::HalfDown, "0.67"),
            (RoundingMode::Down, "0.66"),
            (RoundingMode::Up, "0.67"),
        ];
        for (mode, expected) in cases {
            assert_eq!(rounded_big(&just_above, 2, mode).as_deref(), Some(expected));
            let negative = just_above.negated();
            let expected = format!("-{expected}");
            assert_eq!(rounded_big(&negative, 2, mode), Some(expected));
        }
        // Exactly a half with a big numerator: 10^30 + 1/2.
        let half = big(&format!("2{}1", "0".repeat(29)), "2");
        let whole = |mode| round(&half, 0, mode).unwrap().to_string();
        let (above, below) = (
            format!("1{}1", "0".repeat(29)),
            format!("1{}", "0".repeat(30)),
        );
        assert_eq!(whole(RoundingMode::HalfUp), above);
        assert_eq!(whole(RoundingMode::HalfEven), below);
        assert_eq!(whole(RoundingMode::HalfDown), below);
        let negative = round(&half.negated(), 0, RoundingMode::HalfUp).unwrap();
        assert_eq!(negative.to_string(), format!("-{above}"));
        // 10^40 + 1/2, rounded to a whole number: exact, but too long for a decimal.
        let long = big(&format!("2{}1", "0".repeat(39)), "2");
        let r = round(&long, 0, RoundingMode::HalfUp).unwrap();
        assert_eq!(r.to_string(), format!("1{}1", "0".repeat(39)));
        assert_eq!(decimal_with_places(&r, 0), None);
        assert_eq!(exact_decimal(&r), None);
        assert_eq!(decimal_places(&r), Some(0));
    }

    #[test]
    fn decimal_places_of_big_denominators() {
        let tiny = big("1", &format!("1{}", "0".repeat(30)));
        assert_eq!(decimal_places(&tiny), Some(30));
        assert_eq!(exact_decimal(&tiny), None);
        let in_range = big("123456789", &format!("1{}", "0".repeat(28)));
        assert_eq!(decimal_places(&in_range), Some(28));
        let twos = Rational::new(1, 1 << 40).unwrap();
        assert_eq!(decimal_places(&twos), Some(40));
        let thirds = big("1", &format!("3{}", "0".repeat(30)));
        assert_eq!(decimal_places(&thirds), None);
        let decimal = exact_decimal(&big(
            &format!("5{}", "0".repeat(26)),
            &format!("1{}", "0".repeat(27)),
        ));
        assert_eq!(decimal.unwrap().to_string(), "0.5");
    }
}
