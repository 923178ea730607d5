//! Exact rational numbers over `i128`, with every operation checked.
//!
//! Pay must follow the policy to the cent, so intermediate values never round: a pass
//! rate of 25/30 stays 5/6. An operation whose result does not fit returns
//! [`Overflow`] instead of wrapping or panicking.
//!
//! Reducing by the greatest common divisor after every operation would cost more
//! than the operation, so a value is reduced only when its parts outgrow 64 bits.
//! While both parts fit in 64 bits, every product of two of them fits in 128 bits:
//! multiplication, addition and comparison are then a few machine instructions with
//! nothing to check. Equality, ordering and hashing are by value, and the parts a
//! caller sees ([`Rational::numer`], [`Rational::denom`]) are in lowest terms.

use std::cmp::Ordering;
use std::fmt;

/// An operation's exact result does not fit in 128-bit numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// An exact rational number `num / den`, `den > 0`, not necessarily in lowest terms.
#[derive(Clone, Copy)]
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

/// `a × b`, or `None` when it does not fit. Pay-sized factors fit in 64 bits, and the
/// product of two such cannot overflow 128: one machine multiplication, no check.
#[inline]
fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
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

    /// `num / den`. `None` when `den` is zero or a part is `i128::MIN` (whose absolute
    /// value does not fit).
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 || num == i128::MIN || den == i128::MIN {
            return None;
        }
        let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
        Some(Rational { num, den }.reduced())
    }

    /// `num / den` with `den > 0`, reduced only when a part does not fit in 64 bits.
    pub(crate) fn make(num: i128, den: i128) -> Result<Rational, Overflow> {
        let value = Rational { num, den };
        if fits(num) && fits(den) {
            return Ok(value);
        }
        let value = value.reduced();
        if value.num == i128::MIN {
            return Err(Overflow);
        }
        Ok(value)
    }

    /// The same value in lowest terms.
    fn reduced(self) -> Rational {
        if self.den == 1 {
            return self;
        }
        let g = gcd(self.num, self.den);
        if g <= 1 {
            return self;
        }
        Rational {
            num: div(self.num, g),
            den: div(self.den, g),
        }
    }

    /// Whether both parts fit in 64 bits.
    fn is_small(self) -> bool {
        fits(self.num) && fits(self.den)
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

    /// The numerator and the (positive) denominator as held, perhaps not in lowest
    /// terms: for arithmetic that does not need them reduced.
    pub(crate) fn parts(self) -> (i128, i128) {
        (self.num, self.den)
    }

    /// The value, if it is a whole number.
    pub(crate) fn to_integer(self) -> Option<i128> {
        if self.den == 1 {
            return Some(self.num);
        }
        if let (Ok(num), Ok(den)) = (i64::try_from(self.num), i64::try_from(self.den)) {
            return (num % den == 0).then(|| i128::from(num / den));
        }
        let lowest = self.reduced();
        (lowest.den == 1).then_some(lowest.num)
    }

    /// The numerator (sign-carrying) in lowest terms.
    pub fn numer(self) -> i128 {
        self.reduced().num
    }

    /// The denominator in lowest terms, always positive.
    pub fn denom(self) -> i128 {
        self.reduced().den
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.den == 1 || self.reduced().den == 1
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// `self + rhs`.
    pub fn checked_add(self, rhs: Rational) -> Result<Rational, Overflow> {
        if self.den == rhs.den {
            let num = self.num.checked_add(rhs.num).ok_or(Overflow)?;
            return Rational::make(num, self.den);
        }
        if self.is_small() && rhs.is_small() {
            // Each cross product is below 2^126 in magnitude, so their sum fits.
            let num = self.num * rhs.den + rhs.num * self.den;
            return Rational::make(num, self.den * rhs.den);
        }
        // Add over the least common denominator so magnitudes grow as little as possible.
        let (a, b) = (self.reduced(), rhs.reduced());
        let g = gcd(a.den, b.den);
        let left = mul(a.num, div(b.den, g)).ok_or(Overflow)?;
        let right = mul(b.num, div(a.den, g)).ok_or(Overflow)?;
        let num = left.checked_add(right).ok_or(Overflow)?;
        let den = mul(div(a.den, g), b.den).ok_or(Overflow)?;
        Rational::make(num, den)
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
        if self.is_small() && rhs.is_small() {
            return Rational::make(self.num * rhs.num, self.den * rhs.den);
        }
        // Cancel crosswise first so the products stay as small as they can.
        let (a, b) = (self.reduced(), rhs.reduced());
        let g1 = gcd(a.num, b.den).max(1);
        let g2 = gcd(b.num, a.den).max(1);
        let num = mul(div(a.num, g1), div(b.num, g2)).ok_or(Overflow)?;
        let den = mul(div(a.den, g2), div(b.den, g1)).ok_or(Overflow)?;
        Rational::make(num, den)
    }

    /// `self / rhs`; `None` when `rhs` is zero.
    pub fn checked_div(self, rhs: Rational) -> Option<Result<Rational, Overflow>> {
        if rhs.is_zero() {
            return None;
        }
        // Neither part is i128::MIN, so both negate safely.
        let reciprocal = if rhs.num < 0 {
            Rational {
                num: -rhs.den,
                den: -rhs.num,
            }
        } else {
            Rational {
                num: rhs.den,
                den: rhs.num,
            }
        };
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

/// Whether `x` fits in 64 bits.
#[inline]
fn fits(x: i128) -> bool {
    i64::try_from(x).is_ok()
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
        if self.is_small() && other.is_small() {
            return (self.num * other.den).cmp(&(other.num * self.den));
        }
        if let (Some(l), Some(r)) = (mul(self.num, other.den), mul(other.num, self.den)) {
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
        // (2^40 / 3^20)^3 × (3^20 / 2^40)^3 is 1; unreduced, its parts would need 2^240.
        let a = r(1 << 40, 3i128.pow(20));
        let b = r(3i128.pow(20), 1 << 40);
        let mut x = Rational::ONE;
        for _ in 0..3 {
            x = x.checked_mul(a).unwrap();
        }
        for _ in 0..3 {
            x = x.checked_mul(b).unwrap();
        }
        assert_eq!(x, Rational::ONE);
        assert_eq!((x.numer(), x.denom()), (1, 1));
        let sum = r(1, 3i128.pow(39))
            .checked_add(r(1, 2i128.pow(62)))
            .unwrap();
        assert_eq!(sum.denom(), 3i128.pow(39) * 2i128.pow(62));
        assert_eq!(sum.numer(), 3i128.pow(39) + 2i128.pow(62));
    }

    #[test]
    fn division_by_zero_is_none() {
        assert!(Rational::ONE.checked_div(Rational::ZERO).is_none());
    }
}
