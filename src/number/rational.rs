//! Exact rational numbers with 64-bit parts, with every operation checked.
//!
//! Pay must follow the policy to the cent, so intermediate values never round: a pass
//! rate of 25/30 stays 5/6. An operation whose result does not fit returns
//! [`Overflow`] instead of wrapping or panicking.
//!
//! Parts are 64-bit so that every product of two of them fits in 128 bits: addition,
//! multiplication and comparison are a few machine instructions and cannot overflow
//! on the way. A result is reduced by the greatest common divisor only when a part
//! does not fit back in 64 bits, since reducing after every operation would cost more
//! than the operation; it is an overflow only if the reduced parts still do not fit.
//! Equality, ordering and hashing are by value, and the parts a caller sees
//! ([`Rational::numer`], [`Rational::denom`]) are in lowest terms.

use std::cmp::Ordering;
use std::fmt;

/// An operation's exact result does not fit in 64-bit numerator and denominator, even
/// in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// An exact rational number `num / den`, `den > 0`, not necessarily in lowest terms.
#[derive(Clone, Copy)]
pub struct Rational {
    num: i64,
    den: i64,
}

/// The greatest common divisor of `|a|` and `|b|`.
fn gcd(a: i128, b: i128) -> u128 {
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    // 128-bit division is a slow library call; values that fit in 64 bits take the
    // binary algorithm, which needs none.
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(binary_gcd(a, b));
    }
    let (mut a, mut b) = (a, b);
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

/// Stein's algorithm: shifts and subtractions only.
fn binary_gcd(mut a: u64, mut b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// `num / den` in lowest terms. `None` when `den` is zero or the value does not
    /// fit in 64-bit parts.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        let (num, den) = if den < 0 {
            (num.checked_neg()?, den.checked_neg()?)
        } else {
            (num, den)
        };
        Rational::make(num, den).ok().map(Rational::reduced)
    }

    /// `num / den` with `den > 0`, reduced only when a part does not fit in 64 bits.
    pub(crate) fn make(num: i128, den: i128) -> Result<Rational, Overflow> {
        if let (Ok(num), Ok(den)) = (i64::try_from(num), i64::try_from(den)) {
            return Ok(Rational { num, den });
        }
        // `den > 0`, so the divisor is at most `den` and fits an i128.
        let g = gcd(num, den) as i128;
        if g <= 1 {
            return Err(Overflow);
        }
        match (i64::try_from(num / g), i64::try_from(den / g)) {
            (Ok(num), Ok(den)) => Ok(Rational { num, den }),
            _ => Err(Overflow),
        }
    }

    /// The same value in lowest terms.
    fn reduced(self) -> Rational {
        if self.den == 1 {
            return self;
        }
        let g = binary_gcd(self.num.unsigned_abs(), self.den as u64) as i64;
        if g <= 1 {
            return self;
        }
        Rational {
            num: self.num / g,
            den: self.den / g,
        }
    }

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// The integer `n`, if it fits.
    pub fn from_i128(n: i128) -> Result<Rational, Overflow> {
        Rational::make(n, 1)
    }

    /// The numerator and the (positive) denominator as held, perhaps not in lowest
    /// terms: for arithmetic that does not need them reduced.
    pub(crate) fn parts(self) -> (i64, i64) {
        (self.num, self.den)
    }

    /// The value, if it is a whole number.
    pub(crate) fn to_integer(self) -> Option<i128> {
        (self.num % self.den == 0).then(|| i128::from(self.num / self.den))
    }

    /// The numerator (sign-carrying) in lowest terms.
    pub fn numer(self) -> i128 {
        i128::from(self.reduced().num)
    }

    /// The denominator in lowest terms, always positive.
    pub fn denom(self) -> i128 {
        i128::from(self.reduced().den)
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.num % self.den == 0
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// `self + rhs`.
    pub fn checked_add(self, rhs: Rational) -> Result<Rational, Overflow> {
        let (a, b, c, d) = (
            self.wide_num(),
            self.wide_den(),
            rhs.wide_num(),
            rhs.wide_den(),
        );
        if b == d {
            return Rational::make(a + c, b);
        }
        // Each cross product is below 2^126 in magnitude, so their sum fits.
        Rational::make(a * d + c * b, b * d)
    }

    /// `self - rhs`.
    pub fn checked_sub(self, rhs: Rational) -> Result<Rational, Overflow> {
        self.checked_add(rhs.checked_neg()?)
    }

    /// `-self`.
    pub fn checked_neg(self) -> Result<Rational, Overflow> {
        Ok(Rational {
            num: self.num.checked_neg().ok_or(Overflow)?,
            den: self.den,
        })
    }

    /// `self * rhs`.
    pub fn checked_mul(self, rhs: Rational) -> Result<Rational, Overflow> {
        Rational::make(
            self.wide_num() * rhs.wide_num(),
            self.wide_den() * rhs.wide_den(),
        )
    }

    /// `self / rhs`; `None` when `rhs` is zero.
    pub fn checked_div(self, rhs: Rational) -> Option<Result<Rational, Overflow>> {
        if rhs.is_zero() {
            return None;
        }
        let (num, den) = (
            self.wide_num() * rhs.wide_den(),
            self.wide_den() * rhs.wide_num(),
        );
        Some(if den < 0 {
            Rational::make(-num, -den)
        } else {
            Rational::make(num, den)
        })
    }

    /// The figure before the `%` of a fraction: 0.95 gives 95.
    pub fn percent_figure(self) -> Result<Rational, Overflow> {
        self.checked_mul(Rational::from_int(100))
    }

    /// The fraction a percentage figure stands for: 95 gives 0.95.
    pub fn percent_figure_as_fraction(self) -> Result<Rational, Overflow> {
        self.checked_mul(Rational { num: 1, den: 100 })
    }

    /// The absolute value.
    pub fn checked_abs(self) -> Result<Rational, Overflow> {
        if self.num < 0 {
            self.checked_neg()
        } else {
            Ok(self)
        }
    }

    fn wide_num(self) -> i128 {
        i128::from(self.num)
    }

    fn wide_den(self) -> i128 {
        i128::from(self.den)
    }
}

impl PartialEq for Rational {
    fn eq(&self, other: &Rational) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rational {}

impl std::hash::Hash for Rational {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let lowest = self.reduced();
        (lowest.num, lowest.den).hash(state);
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Rational) -> Ordering {
        if self.den == other.den {
            return self.num.cmp(&other.num);
        }
        // Products of 64-bit parts cannot overflow 128 bits.
        (self.wide_num() * other.wide_den()).cmp(&(other.wide_num() * self.wide_den()))
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Rational) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self)
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Rational { num, den } = self.reduced();
        if den == 1 {
            write!(f, "{num}")
        } else {
            write!(f, "{num}/{den}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    #[test]
    fn reduces_to_lowest_terms_with_positive_denominator() {
        assert_eq!(r(25, 30), r(5, 6));
        assert_eq!(r(3, -6).numer(), -1);
        assert_eq!(r(3, -6).denom(), 2);
        assert!(Rational::new(1, 0).is_none());
    }

    #[test]
    fn thirds_weighted_land_exactly_on_the_boundary() {
        // (5/6 - 4/5) / (1/5) * 100 * 30% == 5 exactly.
        let pass = r(25, 30);
        let score = pass
            .checked_sub(r(4, 5))
            .unwrap()
            .checked_div(r(1, 5))
            .unwrap()
            .unwrap()
            .checked_mul(Rational::from_int(100))
            .unwrap()
            .checked_mul(r(3, 10))
            .unwrap();
        assert_eq!(score, Rational::from_int(5));
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        let big = Rational::new(i64::MAX.into(), 1).unwrap();
        assert_eq!(big.checked_add(Rational::ONE), Err(Overflow));
        assert_eq!(big.checked_mul(Rational::from_int(2)), Err(Overflow));
    }

    #[test]
    fn compares_without_overflow() {
        let max = i128::from(i64::MAX);
        let a = r(max - 1, max);
        let b = r(max - 2, max - 1);
        assert_eq!(a.cmp(&b), Ordering::Greater);
        assert!(r(1, 3) < r(1, 2));
        assert!(r(-1, 2) < r(-1, 3));
        assert_eq!(r(2, 4).cmp(&r(1, 2)), Ordering::Equal);
    }

    #[test]
    fn values_compare_equal_and_print_alike_however_they_were_reached() {
        // 2/5 × 5/6 is kept as 10/30 while its parts are small; it is still 1/3.
        let product = r(2, 5).checked_mul(r(5, 6)).unwrap();
        assert_eq!(product, r(1, 3));
        assert_eq!((product.numer(), product.denom()), (1, 3));
        assert_eq!(product.to_string(), "1/3");
        let state = std::hash::RandomState::new();
        assert_eq!(state.hash_one(product), state.hash_one(r(1, 3)));
        assert!(r(6, 3).checked_mul(Rational::ONE).unwrap().is_integer());
        assert!(!product.is_integer());
    }

    #[test]
    fn parts_that_outgrow_64_bits_are_reduced_and_stay_exact() {
        // (2^20 / 3^10)^3 × 3^10 / 2^20: the product's parts need 77 bits unreduced.
        let a = r(1 << 20, 3i128.pow(10));
        let cube = a.checked_mul(a).unwrap().checked_mul(a).unwrap();
        let back = cube.checked_mul(r(3i128.pow(10), 1 << 20)).unwrap();
        assert_eq!(back, a.checked_mul(a).unwrap());
        assert_eq!((back.numer(), back.denom()), (1 << 40, 3i128.pow(20)));
        // 1/(3·2^31) + 1/(5·2^31) = 8/(15·2^62) unreduced, 1/(15·2^28) reduced.
        let sum = r(1, 3 << 31).checked_add(r(1, 5 << 31)).unwrap();
        assert_eq!((sum.numer(), sum.denom()), (1, 15 << 28));
        // Parts that do not fit even in lowest terms are an overflow.
        let tiny = r(1, 3i128.pow(39));
        assert_eq!(tiny.checked_mul(r(1, 3)), Err(Overflow));
    }

    #[test]
    fn division_by_zero_is_none() {
        assert!(Rational::ONE.checked_div(Rational::ZERO).is_none());
    }
}
