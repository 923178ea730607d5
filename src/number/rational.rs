//! Exact rational numbers over `i128`, with every operation checked.
//!
//! Pay must follow the policy to the cent, so intermediate values never round: a pass
//! rate of 25/30 stays 5/6. Values are kept in lowest terms with a positive
//! denominator; an operation whose result does not fit returns [`Overflow`] instead of
//! wrapping or panicking.

use std::cmp::Ordering;
use std::fmt;

/// An operation's exact result does not fit in 128-bit numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// An exact rational number `num / den` in lowest terms, `den > 0`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    // Works on absolute values; a value is never i128::MIN (see `new`), so the
    // result fits back in an i128.
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    // Pay-sized values fit in 64 bits, where the binary algorithm needs no division;
    // 128-bit division is a slow library call, and it dominated evaluation.
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return binary_gcd(a, b) as i128;
    }
    let (mut a, mut b) = (a, b);
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a as i128
}

/// `a / b` for a divisor `b` of `a` (`b > 0`), in 64-bit division when both fit.
fn div(a: i128, b: i128) -> i128 {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => i128::from(a / b),
        _ => a / b,
    }
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

    /// `num / den` in lowest terms. `None` when `den` is zero or a part is `i128::MIN`
    /// (whose absolute value does not fit).
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 || num == i128::MIN || den == i128::MIN {
            return None;
        }
        if den == 1 {
            return Some(Rational { num, den });
        }
        let g = gcd(num, den);
        let (mut num, mut den) = (div(num, g), div(den, g));
        if den < 0 {
            num = -num;
            den = -den;
        }
        Some(Rational { num, den })
    }

    /// `num / den` known to be in lowest terms with `den > 0`; only `i128::MIN` (which
    /// has no absolute value) is refused.
    fn in_lowest_terms(num: i128, den: i128) -> Result<Rational, Overflow> {
        if num == i128::MIN {
            return Err(Overflow);
        }
        Ok(Rational { num, den })
    }

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Rational {
        Rational {
            num: n as i128,
            den: 1,
        }
    }

    /// The integer `n`, at full width.
    pub const fn from_i128(n: i128) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// The numerator (sign-carrying) in lowest terms.
    pub fn numer(self) -> i128 {
        self.num
    }

    /// The denominator in lowest terms, always positive.
    pub fn denom(self) -> i128 {
        self.den
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// `self + rhs`.
    pub fn checked_add(self, rhs: Rational) -> Result<Rational, Overflow> {
        // An integer plus p/q is (n q + p)/q, already in lowest terms: no gcd.
        if self.den == 1 || rhs.den == 1 {
            let (n, fraction) = if self.den == 1 {
                (self, rhs)
            } else {
                (rhs, self)
            };
            let num = n
                .num
                .checked_mul(fraction.den)
                .and_then(|m| m.checked_add(fraction.num))
                .ok_or(Overflow)?;
            return Rational::in_lowest_terms(num, fraction.den);
        }
        if self.den == rhs.den {
            let num = self.num.checked_add(rhs.num).ok_or(Overflow)?;
            return Rational::new(num, self.den).ok_or(Overflow);
        }
        // Add over the least common denominator so magnitudes grow as little as possible.
        let g = gcd(self.den, rhs.den);
        let left = self.num.checked_mul(div(rhs.den, g)).ok_or(Overflow)?;
        let right = rhs.num.checked_mul(div(self.den, g)).ok_or(Overflow)?;
        let num = left.checked_add(right).ok_or(Overflow)?;
        let den = div(self.den, g).checked_mul(rhs.den).ok_or(Overflow)?;
        Rational::new(num, den).ok_or(Overflow)
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
        // An integer times p/q needs one gcd: n/g × p/(q/g) with g = gcd(n, q) is
        // in lowest terms, as p/q was.
        if self.den == 1 || rhs.den == 1 {
            let (n, fraction) = if self.den == 1 {
                (self, rhs)
            } else {
                (rhs, self)
            };
            let g = gcd(n.num, fraction.den).max(1);
            let num = div(n.num, g).checked_mul(fraction.num).ok_or(Overflow)?;
            return Rational::in_lowest_terms(num, div(fraction.den, g));
        }
        // Cancel crosswise first so intermediate products stay small.
        let g1 = gcd(self.num, rhs.den).max(1);
        let g2 = gcd(rhs.num, self.den).max(1);
        let num = div(self.num, g1)
            .checked_mul(div(rhs.num, g2))
            .ok_or(Overflow)?;
        let den = div(self.den, g2)
            .checked_mul(div(rhs.den, g1))
            .ok_or(Overflow)?;
        Rational::new(num, den).ok_or(Overflow)
    }

    /// `self / rhs`; `None` when `rhs` is zero.
    pub fn checked_div(self, rhs: Rational) -> Option<Result<Rational, Overflow>> {
        if rhs.is_zero() {
            return None;
        }
        let reciprocal = Rational::new(rhs.den, rhs.num)?;
        Some(self.checked_mul(reciprocal))
    }

    /// The figure before the `%` of a fraction: 0.95 gives 95.
    pub fn percent_figure(self) -> Result<Rational, Overflow> {
        self.checked_mul(Rational::from_int(100))
    }

    /// The fraction a percentage figure stands for: 95 gives 0.95.
    pub fn from_percent_figure(self) -> Result<Rational, Overflow> {
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

    /// The largest integer not above the value, and the remainder `self - floor`.
    fn floor_and_rest(self) -> (i128, Rational) {
        let floor = self.num.div_euclid(self.den);
        let rest = self.num.rem_euclid(self.den);
        (
            floor,
            Rational {
                num: rest,
                den: self.den,
            },
        )
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Rational) -> Ordering {
        if self.den == other.den {
            return self.num.cmp(&other.num);
        }
        if let (Some(l), Some(r)) = (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            return l.cmp(&r);
        }
        // Cross products overflow: compare whole parts, then the fractional parts by
        // their reciprocals (a continued-fraction step). Exact, and it terminates
        // because denominators strictly shrink.
        let (fa, ra) = self.floor_and_rest();
        let (fb, rb) = other.floor_and_rest();
        match fa.cmp(&fb) {
            Ordering::Equal => match (ra.is_zero(), rb.is_zero()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => {
                    let inv_a = Rational {
                        num: ra.den,
                        den: ra.num,
                    };
                    let inv_b = Rational {
                        num: rb.den,
                        den: rb.num,
                    };
                    inv_b.cmp(&inv_a)
                }
            },
            unequal => unequal,
        }
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
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let big = Rational::new(i128::MAX, 1).unwrap();
        assert_eq!(big.checked_add(Rational::ONE), Err(Overflow));
        assert_eq!(big.checked_mul(Rational::from_int(2)), Err(Overflow));
    }

    #[test]
    fn compares_without_overflow() {
        let a = r(i128::MAX - 1, i128::MAX);
        let b = r(i128::MAX - 2, i128::MAX - 1);
        assert_eq!(a.cmp(&b), Ordering::Greater);
        assert!(r(1, 3) < r(1, 2));
        assert!(r(-1, 2) < r(-1, 3));
        assert_eq!(r(2, 4).cmp(&r(1, 2)), Ordering::Equal);
    }

    #[test]
    fn division_by_zero_is_none() {
        assert!(Rational::ONE.checked_div(Rational::ZERO).is_none());
    }
}
