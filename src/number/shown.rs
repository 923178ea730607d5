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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_in_full_and_others_cut_and_marked() {
        assert_eq!(shown(Rational::new(1250, 100).unwrap()), "12.5");
        assert_eq!(shown(Rational::new(50, 3).unwrap()), "16.666666…");
        assert_eq!(shown_percent(Rational::new(1, 12).unwrap()), "8.333333…%");
        assert_eq!(shown_percent(Rational::new(999, 1000).unwrap()), "99.9%");
    }
}
