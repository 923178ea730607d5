//! Exact numbers: rationals inside, decimals at the boundaries.

mod decimal;
mod rational;
mod shown;

pub use decimal::{
    MAX_ROUND_PLACES, RoundingMode, decimal_places, decimal_with_places, exact_decimal,
    rational_from_decimal, round,
};
pub use rational::{MAX_DIGITS, Overflow, Rational};
pub use shown::{shown, shown_percent, shown_percent_with_places, shown_with_places};
