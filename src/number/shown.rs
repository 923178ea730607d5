//! Exact values as people read them, for diagnostics and explanations.

use super::decimal::{RoundingMode, exact_decimal, round};
use super::rational::Rational;

/// A value as an exact decimal with trailing zeros dropped; one with no exact
/// decimal form is cut at six places and marked with `…` (16.666666…).
pub fn shown(r: Rational) -> String {
    match exact_decimal(r) {
        Some(d) => d.normalize().to_string(),
        None => match round(r, 6, RoundingMode::Down).ok().and_then(exact_decimal) {
            Some(d) => format!("{}…", d.normalize()),
            None => r.to_string(),
        },
    }
}

/// A fraction as a percentage: 0.95 as `95%`.
pub fn shown_percent(r: Rational) -> String {
    match r.percent_figure() {
        Ok(figure) => format!("{}%", shown(figure)),
        Err(_) => r.to_string(),
    }
}

/// A value with at least `places` decimal places (`90` as `90.00` for two), for
/// figures people compare with amounts and rates written that way; more places
/// when the exact value has them.
pub fn shown_with_places(r: Rational, places: u32) -> String {
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
pub fn shown_percent_with_places(r: Rational) -> String {
    match r.percent_figure() {
        Ok(figure) => format!("{}%", shown_with_places(figure, 2)),
        Err(_) => r.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_in_full_and_others_cut_and_marked() {
        assert_eq!(shown(Rational::new(1250, 100).unwrap()), "12.5");
        assert_eq!(shown(Rational::new(50, 3).unwrap()), "16.666666…");
        assert_eq!(shown_percent(Rational::new(1, 12).unwrap()), "8.333333…%");
        assert_eq!(shown_percent(Rational::new(999, 1000).unwrap()), "99.9%");
        assert_eq!(
            shown_percent_with_places(Rational::new(9, 10).unwrap()),
            "90.00%"
        );
        assert_eq!(
            shown_percent_with_places(Rational::new(8921, 10000).unwrap()),
            "89.21%"
        );
        assert_eq!(
            shown_with_places(Rational::new(500025, 1000).unwrap(), 2),
            "500.025"
        );
        assert_eq!(
            shown_with_places(Rational::new(100, 1).unwrap(), 2),
            "100.00"
        );
    }
}
