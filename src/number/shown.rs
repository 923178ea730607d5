//! Exact values as people read them, for diagnostics and explanations.

use num_bigint::BigInt;
use num_traits::Signed;

use super::decimal::{MAX_PLACES, RoundingMode, decimal_places, exact_decimal, round};
use super::rational::Rational;

/// A value as an exact decimal with trailing zeros dropped; one with no exact
/// decimal form is cut at six places and marked with `…` (16.666666…).
pub fn shown(r: &Rational) -> String {
    if let Some(d) = exact_decimal(r) {
        return d.normalize().to_string();
    }
    match decimal_places(r) {
        // Exact, but longer than rust_decimal holds.
        Some(places) if places <= MAX_PLACES => decimal_text(r, places),
        _ => match round(r, CUT, RoundingMode::Down)
            .ok()
            .and_then(|cut| exact_decimal(&cut))
        {
            Some(d) => format!("{}…", d.normalize()),
            None => format!("{}…", decimal_text(r, CUT)),
        },
    }
}

/// The places a value without an exact decimal form is cut at.
const CUT: u32 = 6;

/// The value cut (towards zero) at `places` decimal places, trailing zeros dropped,
/// in digits of any length.
fn decimal_text(r: &Rational, places: u32) -> String {
    let scaled = r.numer() * BigInt::from(10).pow(places) / r.denom();
    let digits = format!(
        "{:0>width$}",
        scaled.magnitude().to_string(),
        width = places as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - places as usize);
    let fraction = fraction.trim_end_matches('0');
    let sign = if scaled.is_negative() { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A fraction as a percentage: 0.95 as `95%`.
pub fn shown_percent(r: &Rational) -> String {
    match r.percent_figure() {
        Ok(figure) => format!("{}%", shown(&figure)),
        Err(_) => r.to_string(),
    }
}

/// A value with at least `places` decimal places (`90` as `90.00` for two), for
/// figures people compare with amounts and rates written that way; more places
/// when the exact value has them.
pub fn shown_with_places(r: &Rational, places: u32) -> String {
    match exact_decimal(r) {
        Some(d) => {
            let mut d = d.normalize();
            if d.scale() < places {
                d.rescale(places);
            }
            d.to_string()
        }
        None => shown(r),
    }
}

/// A fraction as a percentage with at least two decimal places: 0.9 as `90.00%`.
pub fn shown_percent_with_places(r: &Rational) -> String {
    match r.percent_figure() {
        Ok(figure) => format!("{}%", shown_with_places(&figure, 2)),
        Err(_) => r.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_in_full_and_others_cut_and_marked() {
        assert_eq!(shown(&Rational::new(1250, 100).unwrap()), "12.5");
        assert_eq!(shown(&Rational::new(50, 3).unwrap()), "16.666666…");
        assert_eq!(shown_percent(&Rational::new(1, 12).unwrap()), "8.333333…%");
        assert_eq!(shown_percent(&Rational::new(999, 1000).unwrap()), "99.9%");
        assert_eq!(
            shown_percent_with_places(&Rational::new(9, 10).unwrap()),
            "90.00%"
        );
        assert_eq!(
            shown_percent_with_places(&Rational::new(8921, 10000).unwrap()),
            "89.21%"
        );
        assert_eq!(
            shown_with_places(&Rational::new(500025, 1000).unwrap(), 2),
            "500.025"
        );
        assert_eq!(
            shown_with_places(&Rational::new(100, 1).unwrap(), 2),
            "100.00"
        );
    }

    #[test]
    fn big_values_are_shown_like_small_ones() {
        let third_of_big = Rational::new(10i128.pow(30) + 1, 3).unwrap();
        assert_eq!(
            shown(&third_of_big),
            "333333333333333333333333333333.666666…"
        );
        let tiny = Rational::new(1, 10i128.pow(30)).unwrap();
        assert_eq!(shown(&tiny), "0…");
        let long = Rational::new(-10i128.pow(35) - 5, 100).unwrap();
        assert_eq!(shown(&long), "-1000000000000000000000000000000000.05");
        assert_eq!(shown_percent(&tiny), "0.0000000000000000000000000001%");
        let tiny_negative = Rational::new(-1, 3 * 10i128.pow(30)).unwrap();
        assert_eq!(shown(&tiny_negative), "0…");
    }
}
