//! Exact rational numbers: 64-bit parts while they fit, big integers when they do not.
//!
//! Pay must follow the policy to the cent, so intermediate values never round: a pass
//! rate of 25/30 stays 5/6. An operation never wraps, panics or rounds.
//!
//! Almost every value a rule computes has a numerator and a denominator of a few
//! digits, so a value is held as two 64-bit parts while they fit. Every product of two
//! such parts fits in 128 bits, so addition, multiplication and comparison are a few
//! machine instructions and cannot overflow on the way. Such a result is reduced by the
//! greatest common divisor only when a part does not fit back in 64 bits, since
//! reducing after every operation would cost more than the operation.
//!
//! A result whose parts do not fit in 64 bits even in lowest terms (a mean of twelve
//! monthly rates has a denominator of some 40 digits) is held exactly with big
//! integers, in lowest terms, and a result of big values that fits again returns to
//! 64-bit parts. Only a value whose numerator or denominator would need more than
//! [`MAX_DIGITS`] digits is refused, as [`Overflow`]: no realistic rule comes near
//! that, and refusing it keeps a runaway formula from eating the machine.
//!
//! Equality, ordering and hashing are by value, and the parts a caller sees
//! ([`Rational::numer`], [`Rational::denom`]) are in lowest terms.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

/// The most decimal digits the numerator or the denominator of an exact value may
/// have. A real rule's values stay far below it (a mean of twelve monthly rates needs
/// about 40); only a misplaced digit or a runaway formula, such as a value multiplied
/// by itself in a long chain, reaches it.
pub const MAX_DIGITS: u32 = 4000;

/// [`MAX_DIGITS`] as a length in bits, which is cheap to check: 10^4000 < 2^13288, so
/// a part of at most 4000 digits has at most 13288 bits, and a part of more bits has
/// more than 4000 digits.
const MAX_BITS: u64 = 13_288;

/// An operation's exact result needs more than [`MAX_DIGITS`] digits in its numerator
/// or denominator, even in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// An exact rational number.
///
/// Cloning a value with 64-bit parts copies two words; a big value is shared, not
/// copied.
pub struct Rational {
    /// The numerator while the value is held in 64-bit parts; for a big value, the
    /// address of its shared [`BigRational`].
    num: i64,
    /// The denominator, `> 0`, while the value is held in 64-bit parts (not
    /// necessarily in lowest terms); 0 for a big value.
    den: i64,
}

// A value is two machine words, rather than an enum of 64-bit parts or a pointer,
// because the compiler then passes and moves it in registers, as it did a pair of
// 64-bit parts alone; either enum made evaluation more than twice as slow. A big value
// is an `Arc<BigRational>` given up with `Arc::into_raw`: the value owns one count of
// it, which `Clone` adds and `Drop` gives back. Such a value is in lowest terms, and
// its numerator or denominator does not fit in 64 bits: a value that fits is always
// held in 64-bit parts, so a big value never equals a small one.

impl Rational {
    /// The shared value of a big value (`den == 0`).
    fn big_ptr(&self) -> *const BigRational {
        std::ptr::with_exposed_provenance(self.num as usize)
    }
}

impl Clone for Rational {
    #[inline]
    fn clone(&self) -> Rational {
        if self.den == 0 {
            // SAFETY: a big value's address came from `Arc::into_raw`, and `self`
            // holds a count of it, so the allocation is alive.
            unsafe { Arc::increment_strong_count(self.big_ptr()) }
        }
        Rational {
            num: self.num,
            den: self.den,
        }
    }
}

impl Drop for Rational {
    #[inline]
    fn drop(&mut self) {
        if self.den == 0 {
            // SAFETY: as in `clone`; this gives back the count `self` holds.
            drop(unsafe { Arc::from_raw(self.big_ptr()) });
        }
    }
}

impl Rational {
    /// Replaces the value with `value`, part by part: a column of values written
    /// this way is not read back whole while its parts are still being stored,
    /// which stalls the processor (moving the value whole did, by a third of the
    /// kernel's time).
    #[inline(always)]
    pub(crate) fn assign(&mut self, value: Rational) {
        let value = std::mem::ManuallyDrop::new(value);
        if self.den == 0 {
            // SAFETY: as in `drop`; the count `self` held is given back, and `self`
            // takes over the count `value` held.
            drop(unsafe { Arc::from_raw(self.big_ptr()) });
        }
        self.num = value.num;
        self.den = value.den;
    }
}

/// A view of how a [`Rational`] is held.
enum Repr<'a> {
    /// `num / den`, `den > 0`, not necessarily in lowest terms.
    Small { num: i64, den: i64 },
    /// In lowest terms; past 64 bits.
    Big(&'a BigRational),
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

/// `num / den` held in 64-bit parts; `den` must be positive (every caller passes a
/// denominator it has checked or derived from positive ones).
const fn small(num: i64, den: i64) -> Rational {
    debug_assert!(den > 0);
    Rational { num, den }
}

/// `value` held in big integers; it must be in lowest terms and not fit in 64-bit
/// parts.
fn big(value: BigRational) -> Rational {
    let shared = Arc::into_raw(Arc::new(value));
    Rational {
        num: shared.expose_provenance() as i64,
        den: 0,
    }
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = small(0, 1);
    /// One.
    pub const ONE: Rational = small(1, 1);

    /// `num / den` in lowest terms; `None` when `den` is zero.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        if den < 0 {
            return Some(match (num.checked_neg(), den.checked_neg()) {
                (Some(num), Some(den)) => Rational::make(num, den).reduced(),
                _ => Rational::from_big_within_limit(BigRational::new(num.into(), den.into())),
            });
        }
        Some(Rational::make(num, den).reduced())
    }

    /// `num / den` with `den > 0`, reduced only when a part does not fit in 64 bits.
    /// Panics if `den <= 0`.
    #[inline]
    pub(crate) fn make(num: i128, den: i128) -> Rational {
        // One comparison checks that `den` is in 1..=i64::MAX: a zero or negative
        // `den` wraps to a large number and takes the slow path, which refuses it.
        if let (Ok(num), true) = (
            i64::try_from(num),
            (den as u128).wrapping_sub(1) < i64::MAX as u128,
        ) {
            return small(num, den as i64);
        }
        Rational::make_wide(num, den)
    }

    /// [`Rational::make`] for parts that do not both fit in 64 bits as given.
    #[cold]
    #[inline(never)]
    fn make_wide(num: i128, den: i128) -> Rational {
        // A zero denominator in 64-bit parts would mark a big value.
        assert!(den > 0, "a rational's denominator must be positive");
        // `den > 0`, so the divisor is at least 1 and at most `den`: it fits an i128.
        let g = gcd(num, den) as i128;
        let (num, den) = (num / g, den / g);
        match (i64::try_from(num), i64::try_from(den)) {
            (Ok(num), Ok(den)) => small(num, den),
            // In lowest terms already, and 128 bits are far below the limit.
            _ => big(BigRational::new_raw(num.into(), den.into())),
        }
    }

    /// A big result (in lowest terms, as every big operation leaves it), in 64-bit
    /// parts if they fit; [`Overflow`] past [`MAX_DIGITS`].
    fn from_big(value: BigRational) -> Result<Rational, Overflow> {
        if value.numer().bits() > MAX_BITS || value.denom().bits() > MAX_BITS {
            return Err(Overflow);
        }
        Ok(Rational::from_big_within_limit(value))
    }

    /// [`Rational::from_big`] for a value known to be within the limit.
    fn from_big_within_limit(value: BigRational) -> Rational {
        match (value.numer().to_i64(), value.denom().to_i64()) {
            (Some(num), Some(den)) => small(num, den),
            _ => big(value),
        }
    }

    /// How the value is held.
    #[inline]
    fn repr(&self) -> Repr<'_> {
        if self.den != 0 {
            Repr::Small {
                num: self.num,
                den: self.den,
            }
        } else {
            // SAFETY: as in `clone`; the reference lives no longer than `self`.
            Repr::Big(unsafe { &*self.big_ptr() })
        }
    }

    /// The value as a big rational in lowest terms, borrowed when it is held so.
    fn big(&self) -> Cow<'_, BigRational> {
        match self.repr() {
            Repr::Small { num, den } => {
                Cow::Owned(BigRational::new(BigInt::from(num), BigInt::from(den)))
            }
            Repr::Big(value) => Cow::Borrowed(value),
        }
    }

    /// `op` on the values as big rationals, for operands that are not both small.
    #[inline]
    fn big_op(
        &self,
        rhs: &Rational,
        op: fn(&BigRational, &BigRational) -> BigRational,
    ) -> Result<Rational, Overflow> {
        let (num, den) = self.big_op_parts(rhs, op);
        if num == 0 && den == 0 {
            return Err(Overflow);
        }
        // The parts, and the count of a big value they hold, become the value's.
        Ok(Rational { num, den })
    }

    /// [`Rational::big_op`]'s result as its two parts (two zeros for
    /// [`Overflow`]), which come back in registers: a `Result` comes back through
    /// memory, and the fast path that joins it would go through memory too.
    #[cold]
    #[inline(never)]
    fn big_op_parts(
        &self,
        rhs: &Rational,
        op: fn(&BigRational, &BigRational) -> BigRational,
    ) -> (i64, i64) {
        match Rational::from_big(op(&self.big(), &rhs.big())) {
            Ok(value) => {
                let value = std::mem::ManuallyDrop::new(value);
                (value.num, value.den)
            }
            Err(Overflow) => (0, 0),
        }
    }

    /// The same value in lowest terms.
    pub(crate) fn reduced(self) -> Rational {
        match self.repr() {
            Repr::Small { num, den } if den != 1 => {
                let (num, den) = lowest(num, den);
                small(num, den)
            }
            _ => self,
        }
    }

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Rational {
        small(n, 1)
    }

    /// The integer `n`.
    pub fn from_i128(n: i128) -> Rational {
        Rational::make(n, 1)
    }

    /// The numerator and the (positive) denominator as held, perhaps not in lowest
    /// terms, if they are 64-bit: for arithmetic that does not need them reduced.
    #[inline]
    pub(crate) fn held_parts(&self) -> Option<(i64, i64)> {
        match self.repr() {
            Repr::Small { num, den } => Some((num, den)),
            Repr::Big(_) => None,
        }
    }

    /// The numerator and the (positive) denominator in lowest terms, if both fit in
    /// 64 bits.
    pub fn to_i64_parts(&self) -> Option<(i64, i64)> {
        self.held_parts().map(|(num, den)| lowest(num, den))
    }

    /// The value, if it is a whole number that fits in 128 bits.
    pub fn to_i128(&self) -> Option<i128> {
        match self.repr() {
            Repr::Small { num, den } => (num % den == 0).then(|| i128::from(num / den)),
            Repr::Big(value) => value
                .is_integer()
                .then(|| value.numer().to_i128())
                .flatten(),
        }
    }

    /// The numerator (sign-carrying) in lowest terms.
    pub fn numer(&self) -> BigInt {
        match self.to_i64_parts() {
            Some((num, _)) => num.into(),
            None => self.big().numer().clone(),
        }
    }

    /// The denominator in lowest terms, always positive.
    pub fn denom(&self) -> BigInt {
        match self.to_i64_parts() {
            Some((_, den)) => den.into(),
            None => self.big().denom().clone(),
        }
    }

    /// The least integer not below the value, or the nearest 128-bit one: for bounds
    /// written as literals, which always fit.
    pub(crate) fn ceil_i128(&self) -> i128 {
        self.ceil().to_i128().unwrap_or(if self.is_negative() {
            i128::MIN
        } else {
            i128::MAX
        })
    }

    /// The greatest integer not above the value, or the nearest 128-bit one.
    pub(crate) fn floor_i128(&self) -> i128 {
        self.floor().to_i128().unwrap_or(if self.is_negative() {
            i128::MIN
        } else {
            i128::MAX
        })
    }

    /// The greatest whole number not above the value.
    pub fn floor(&self) -> Rational {
        match self.repr() {
            Repr::Small { num, den } => small(num.div_euclid(den), 1),
            Repr::Big(value) => Rational::from_big_within_limit(value.floor()),
        }
    }

    /// The least whole number not below the value.
    pub fn ceil(&self) -> Rational {
        match self.repr() {
            Repr::Small { num, den } => {
                let (num, den) = (i128::from(num), i128::from(den));
                Rational::from_i128(-(-num).div_euclid(den))
            }
            Repr::Big(value) => Rational::from_big_within_limit(value.ceil()),
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        match self.repr() {
            Repr::Small { num, .. } => num == 0,
            Repr::Big(_) => false,
        }
    }

    /// Whether the value is a whole number.
    pub fn is_integer(&self) -> bool {
        match self.repr() {
            Repr::Small { num, den } => num % den == 0,
            Repr::Big(value) => value.is_integer(),
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match self.repr() {
            Repr::Small { num, .. } => num < 0,
            Repr::Big(value) => value.is_negative(),
        }
    }

    /// `self + rhs`.
    #[inline]
    pub fn checked_add(&self, rhs: &Rational) -> Result<Rational, Overflow> {
        match (self.held_parts(), rhs.held_parts()) {
            (Some((a, b)), Some((c, d))) => Ok(add_small(a, b, c, d)),
            _ => self.big_op(rhs, |x, y| x + y),
        }
    }

    /// `self - rhs`.
    #[inline]
    pub fn checked_sub(&self, rhs: &Rational) -> Result<Rational, Overflow> {
        match (self.held_parts(), rhs.held_parts()) {
            (Some((a, b)), Some((c, d))) => Ok(sub_small(a, b, c, d)),
            _ => self.big_op(rhs, |x, y| x - y),
        }
    }

    /// `-self`, which cannot overflow.
    pub fn negated(&self) -> Rational {
        match self.repr() {
            Repr::Small { num, den } => match num.checked_neg() {
                Some(num) => small(num, den),
                None => Rational::make(-i128::from(num), i128::from(den)),
            },
            Repr::Big(value) => Rational::from_big_within_limit(-value),
        }
    }

    /// `self * rhs`.
    #[inline]
    pub fn checked_mul(&self, rhs: &Rational) -> Result<Rational, Overflow> {
        match (self.held_parts(), rhs.held_parts()) {
            (Some((a, b)), Some((c, d))) => Ok(mul_small(a, b, c, d)),
            _ => self.big_op(rhs, |x, y| x * y),
        }
    }

    /// `self / rhs`; `None` when `rhs` is zero.
    #[inline]
    pub fn checked_div(&self, rhs: &Rational) -> Option<Result<Rational, Overflow>> {
        if rhs.is_zero() {
            return None;
        }
        Some(match (self.held_parts(), rhs.held_parts()) {
            (Some((a, b)), Some((c, d))) => Ok(div_small(a, b, c, d)),
            _ => self.big_op(rhs, |x, y| x / y),
        })
    }

    /// The figure before the `%` of a fraction: 0.95 gives 95.
    pub fn percent_figure(&self) -> Result<Rational, Overflow> {
        self.checked_mul(&Rational::from_int(100))
    }

    /// The fraction a percentage figure stands for: 95 gives 0.95.
    pub fn percent_figure_as_fraction(&self) -> Result<Rational, Overflow> {
        self.checked_mul(&small(1, 100))
    }

    /// The absolute value, which cannot overflow.
    pub fn abs(&self) -> Rational {
        if self.is_negative() {
            self.negated()
        } else {
            self.clone()
        }
    }
}

// The operations on values in 64-bit parts take the parts by value, so that a value
// stays in registers: the methods above, inlined where they are used, pass its two
// words, where passing the value's address would first store it in memory.

/// `a/b + c/d`, `b, d > 0`.
fn add_small(a: i64, b: i64, c: i64, d: i64) -> Rational {
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    if b == d {
        return Rational::make(a + c, b);
    }
    // Each cross product is below 2^126 in magnitude, so their sum fits.
    Rational::make(a * d + c * b, b * d)
}

/// `a/b - c/d`, `b, d > 0`.
fn sub_small(a: i64, b: i64, c: i64, d: i64) -> Rational {
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    if b == d {
        return Rational::make(a - c, b);
    }
    Rational::make(a * d - c * b, b * d)
}

/// `a/b × c/d`, `b, d > 0`.
fn mul_small(a: i64, b: i64, c: i64, d: i64) -> Rational {
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    Rational::make(a * c, b * d)
}

/// `(a/b) / (c/d)`, `b, d > 0`, `c != 0`.
fn div_small(a: i64, b: i64, c: i64, d: i64) -> Rational {
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    let (num, den) = (a * d, b * c);
    if den < 0 {
        Rational::make(-num, -den)
    } else {
        Rational::make(num, den)
    }
}

/// `a/b` against `c/d`, `b, d > 0`.
fn cmp_small(a: i64, b: i64, c: i64, d: i64) -> Ordering {
    if b == d {
        return a.cmp(&c);
    }
    // Products of 64-bit parts cannot overflow 128 bits.
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    (a * d).cmp(&(c * b))
}

/// `num / den` (`den > 0`) in lowest terms.
fn lowest(num: i64, den: i64) -> (i64, i64) {
    if den == 1 {
        return (num, den);
    }
    let g = binary_gcd(num.unsigned_abs(), den as u64) as i64;
    if g <= 1 {
        return (num, den);
    }
    (num / g, den / g)
}

impl PartialEq for Rational {
    fn eq(&self, other: &Rational) -> bool {
        match (self.repr(), other.repr()) {
            (Repr::Big(a), Repr::Big(b)) => a == b,
            (Repr::Big(_), _) | (_, Repr::Big(_)) => false,
            _ => self.cmp(other) == Ordering::Equal,
        }
    }
}

impl Eq for Rational {}

impl std::hash::Hash for Rational {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self.repr() {
            Repr::Small { num, den } => lowest(num, den).hash(state),
            // Never equal to a small value, so it need not hash like one.
            Repr::Big(value) => (value.numer(), value.denom()).hash(state),
        }
    }
}

impl Ord for Rational {
    #[inline]
    fn cmp(&self, other: &Rational) -> Ordering {
        match (self.held_parts(), other.held_parts()) {
            (Some((a, b)), Some((c, d))) => cmp_small(a, b, c, d),
            _ => self.big_cmp(other),
        }
    }
}

impl Rational {
    /// [`Ord::cmp`] for operands that are not both small.
    #[cold]
    #[inline(never)]
    fn big_cmp(&self, other: &Rational) -> Ordering {
        self.big().cmp(&other.big())
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
        let (num, den) = match self.repr() {
            Repr::Small { num, den } => {
                let (num, den) = lowest(num, den);
                return if den == 1 {
                    write!(f, "{num}")
                } else {
                    write!(f, "{num}/{den}")
                };
            }
            Repr::Big(value) => (value.numer(), value.denom()),
        };
        if *den == BigInt::from(1) {
            write!(f, "{num}")
        } else {
            write!(f, "{num}/{den}")
        }
    }
}

impl From<&Rational> for BigRational {
    fn from(value: &Rational) -> BigRational {
        value.big().into_owned()
    }
}

impl TryFrom<BigRational> for Rational {
    type Error = Overflow;

    /// The value exactly; [`Overflow`] if a part has more than [`MAX_DIGITS`] digits.
    fn try_from(value: BigRational) -> Result<Rational, Overflow> {
        // A `BigRational` from outside may have been built unreduced.
        let value = BigRational::new(value.numer().clone(), value.denom().clone());
        Rational::from_big(value)
    }
}

/// Whether a big value is held in 64-bit parts; for tests.
#[cfg(test)]
pub(crate) fn is_small(value: &Rational) -> bool {
    value.den != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::Zero;
    use std::hash::BuildHasher;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    fn big(text: &str) -> BigInt {
        text.parse().unwrap()
    }

    /// `n / d` from decimal texts of any length.
    fn rb(n: &str, d: &str) -> Rational {
        Rational::try_from(BigRational::new(big(n), big(d))).unwrap()
    }

    fn add(a: &Rational, b: &Rational) -> Rational {
        a.checked_add(b).unwrap()
    }

    fn mul(a: &Rational, b: &Rational) -> Rational {
        a.checked_mul(b).unwrap()
    }

    fn div(a: &Rational, b: &Rational) -> Rational {
        a.checked_div(b).unwrap().unwrap()
    }

    #[test]
    fn a_rational_is_two_words_and_shares_big_values() {
        assert_eq!(std::mem::size_of::<Rational>(), 16);
        let past = add(&Rational::from_int(i64::MAX), &Rational::ONE);
        let copies: Vec<Rational> = (0..4).map(|_| past.clone()).collect();
        assert!(copies.iter().all(|c| c.big_ptr() == past.big_ptr()));
        let shared = unsafe { Arc::from_raw(past.big_ptr()) };
        assert_eq!(Arc::strong_count(&shared), 5);
        drop(copies);
        assert_eq!(Arc::strong_count(&shared), 1);
        // Hand the count back to `past`, which drops it.
        let _ = Arc::into_raw(shared);
    }

    #[test]
    fn reduces_to_lowest_terms_with_positive_denominator() {
        assert_eq!(r(25, 30), r(5, 6));
        assert_eq!(r(3, -6).numer(), big("-1"));
        assert_eq!(r(3, -6).denom(), big("2"));
        assert_eq!(r(3, -6).to_i64_parts(), Some((-1, 2)));
        assert!(Rational::new(1, 0).is_none());
        // A negative denominator whose negation does not fit in 128 bits.
        let min = r(1, i128::MIN);
        assert!(min.is_negative());
        assert_eq!(min.to_string(), format!("-1/{}", BigInt::from(2).pow(127)));
    }

    #[test]
    fn thirds_weighted_land_exactly_on_the_boundary() {
        // (5/6 - 4/5) / (1/5) * 100 * 30% == 5 exactly.
        let pass = r(25, 30);
        let score = pass.checked_sub(&r(4, 5)).unwrap();
        let score = div(&score, &r(1, 5));
        let score = mul(&mul(&score, &Rational::from_int(100)), &r(3, 10));
        assert_eq!(score, Rational::from_int(5));
    }

    #[test]
    fn a_result_past_64_bits_stays_exact_and_comes_back_when_it_fits() {
        let max = Rational::from_int(i64::MAX);
        let past = add(&max, &Rational::ONE);
        assert!(!is_small(&past));
        assert_eq!(past.to_string(), "9223372036854775808");
        assert_eq!(past.to_i128(), Some(1 << 63));
        let back = past.checked_sub(&Rational::ONE).unwrap();
        assert!(is_small(&back));
        assert_eq!(back, max);
        let doubled = mul(&max, &Rational::from_int(2));
        assert_eq!(doubled.numer(), BigInt::from(i64::MAX) * 2);
        assert!(is_small(&div(&doubled, &Rational::from_int(2))));
        // -i64::MIN needs 64 bits of magnitude; negating it back returns to small.
        let min = Rational::from_int(i64::MIN);
        let negated = min.negated();
        assert!(!is_small(&negated));
        assert_eq!(negated.negated(), min);
        assert!(is_small(&negated.negated()));
        assert_eq!(min.abs(), negated);
    }

    #[test]
    fn mixed_operands_agree_with_big_arithmetic() {
        let huge = rb("123456789012345678901234567891", "7");
        let third = r(1, 3);
        let shown = |v: Rational| v.to_string();
        assert_eq!(
            shown(add(&huge, &third)),
            "370370367037037036703703703680/21"
        );
        assert_eq!(
            shown(huge.checked_sub(&third).unwrap()),
            "370370367037037036703703703666/21"
        );
        assert_eq!(
            shown(mul(&third, &huge)),
            "123456789012345678901234567891/21"
        );
        assert_eq!(
            shown(div(&third, &huge)),
            "7/370370367037037036703703703673"
        );
        // The reciprocal's reciprocal, and a product that cancels back to small.
        assert_eq!(div(&Rational::ONE, &div(&Rational::ONE, &huge)), huge);
        let whole = rb("123456789012345678901234567891", "1");
        let seven = div(&mul(&huge, &Rational::from_int(49)), &whole);
        assert_eq!(seven, Rational::from_int(7));
        assert!(is_small(&seven));
        assert!(huge.checked_div(&Rational::ZERO).is_none());
    }

    #[test]
    fn a_mean_of_twelve_rates_is_exact() {
        // Twelve monthly answer rates with denominators that share no factors.
        let rates = [
            (2401, 2533),
            (2467, 2611),
            (2390, 2521),
            (2512, 2647),
            (2455, 2593),
            (2380, 2503),
            (2498, 2621),
            (2444, 2579),
            (2471, 2609),
            (2403, 2539),
            (2436, 2557),
            (2489, 2617),
        ];
        let mut sum = Rational::ZERO;
        let mut expected = BigRational::zero();
        for (a, o) in rates {
            sum = add(&sum, &r(a, o));
            expected += BigRational::new(a.into(), o.into());
        }
        let mean = div(&sum, &Rational::from_int(12));
        expected /= BigRational::from_integer(12.into());
        assert!(!is_small(&mean));
        assert_eq!(BigRational::from(&mean), expected);
        assert!(mean > r(94, 100) && mean < r(95, 100));
    }

    #[test]
    fn values_order_across_representations() {
        let max = Rational::from_int(i64::MAX);
        let past = add(&max, &Rational::ONE);
        let below = Rational::from_int(i64::MIN).negated().negated();
        let tiny = r(1, i128::from(i64::MAX) * 4);
        let mut values = vec![
            past.clone(),
            r(1, 3),
            tiny.clone(),
            Rational::ZERO,
            max.clone(),
            below.clone(),
            past.negated(),
            tiny.negated(),
        ];
        values.sort();
        assert_eq!(
            values,
            [
                past.negated(),
                below,
                tiny.negated(),
                Rational::ZERO,
                tiny.clone(),
                r(1, 3),
                max.clone(),
                past.clone()
            ]
        );
        assert!(tiny > Rational::ZERO && tiny < r(1, i128::from(i64::MAX)));
        assert_eq!(past.cmp(&past.clone()), Ordering::Equal);
        assert_ne!(past, max);
    }

    #[test]
    fn equal_values_hash_alike_however_they_were_reached() {
        let state = std::hash::RandomState::new();
        // 2/5 × 5/6 is kept as 10/30 while its parts are small; it is still 1/3.
        let product = mul(&r(2, 5), &r(5, 6));
        assert_eq!(product, r(1, 3));
        assert_eq!(product.to_i64_parts(), Some((1, 3)));
        assert_eq!(product.to_string(), "1/3");
        assert_eq!(state.hash_one(&product), state.hash_one(r(1, 3)));
        assert!(mul(&r(6, 3), &Rational::ONE).is_integer());
        assert!(!product.is_integer());
        // A big value reached two ways.
        let a = mul(&Rational::from_int(i64::MAX), &Rational::from_int(3));
        let b = add(
            &Rational::from_int(i64::MAX),
            &mul(&Rational::from_int(i64::MAX), &Rational::from_int(2)),
        );
        assert_eq!(a, b);
        assert_eq!(state.hash_one(&a), state.hash_one(&b));
        // A big value that returns to small hashes like the small one.
        let c = div(&a, &Rational::from_int(3));
        assert_eq!(
            state.hash_one(&c),
            state.hash_one(Rational::from_int(i64::MAX))
        );
    }

    #[test]
    fn parts_that_outgrow_64_bits_are_reduced_while_they_fit() {
        // (2^20 / 3^10)^3 × 3^10 / 2^20: the product's parts need 77 bits unreduced.
        let a = r(1 << 20, 3i128.pow(10));
        let cube = mul(&mul(&a, &a), &a);
        let back = mul(&cube, &r(3i128.pow(10), 1 << 20));
        assert_eq!(back, mul(&a, &a));
        assert!(is_small(&back));
        assert_eq!(back.to_i64_parts(), Some((1 << 40, 3i64.pow(20))));
        // 1/(3·2^31) + 1/(5·2^31) = 8/(15·2^62) unreduced, 1/(15·2^28) reduced.
        let sum = add(&r(1, 3 << 31), &r(1, 5 << 31));
        assert_eq!(sum.to_i64_parts(), Some((1, 15 << 28)));
        // Parts that do not fit even in lowest terms are held big, exactly.
        let tiny = mul(&r(1, 3i128.pow(39)), &r(1, 3));
        assert!(!is_small(&tiny));
        assert_eq!(tiny.denom(), BigInt::from(3).pow(40));
    }

    #[test]
    fn only_absurd_magnitudes_overflow() {
        let e1000 = rb(&format!("1{}", "0".repeat(1000)), "1");
        let e2000 = mul(&e1000, &e1000);
        let e3000 = mul(&e2000, &e1000);
        assert_eq!(e3000.to_string().len(), 3001);
        // Every part of at most MAX_DIGITS digits fits: 10^4000 - 1 has 4000 nines.
        let most = rb(&"9".repeat(MAX_DIGITS as usize), "1");
        assert_eq!(most.to_string().len(), 4000);
        assert_eq!(div(&Rational::ONE, &most).denom().to_string().len(), 4000);
        // 10^4000 is the smallest number of 4001 digits and has MAX_BITS bits.
        assert_eq!(BigInt::from(10).pow(MAX_DIGITS).bits(), MAX_BITS);
        // A part of more bits has more than MAX_DIGITS digits and is refused.
        let past = mul(&e2000, &e2000).checked_mul(&Rational::from_int(2));
        assert_eq!(past, Err(Overflow));
        let e4001 = e3000.checked_mul(&mul(&e1000, &Rational::from_int(10)));
        assert_eq!(e4001, Err(Overflow));
        // The same for a denominator, and through every operation that can grow.
        let part = div(&Rational::ONE, &e2000);
        let smaller = mul(&part, &part);
        let by = Rational::from_int(1 << 20);
        assert_eq!(smaller.checked_div(&by).unwrap(), Err(Overflow));
        let third_of_tiny = div(&r(1, 3), &r(1 << 30, 1));
        assert_eq!(smaller.checked_add(&third_of_tiny), Err(Overflow));
        assert_eq!(smaller.checked_sub(&third_of_tiny), Err(Overflow));
        let huge = Rational::try_from(BigRational::from_integer(BigInt::from(10).pow(5000)));
        assert_eq!(huge, Err(Overflow));
    }

    #[test]
    fn floor_ceil_and_whole_values() {
        assert_eq!(r(7, 2).floor(), Rational::from_int(3));
        assert_eq!(r(7, 2).ceil(), Rational::from_int(4));
        assert_eq!(r(-7, 2).floor(), Rational::from_int(-4));
        assert_eq!(r(-7, 2).ceil(), Rational::from_int(-3));
        assert_eq!(r(6, 2).to_i128(), Some(3));
        assert_eq!(r(7, 2).to_i128(), None);
        let huge = rb("100000000000000000000000000001", "10");
        assert_eq!(huge.floor().to_i128(), Some(10i128.pow(28)));
        assert_eq!(huge.ceil().to_i128(), Some(10i128.pow(28) + 1));
        assert!(!huge.is_integer());
        assert_eq!(rb(&format!("1{}", "0".repeat(40)), "1").to_i128(), None);
    }

    #[test]
    #[should_panic(expected = "denominator must be positive")]
    fn a_zero_denominator_is_refused_not_taken_for_a_big_value() {
        let _ = Rational::make(1, 0);
    }

    #[test]
    fn division_by_zero_is_none() {
        assert!(Rational::ONE.checked_div(&Rational::ZERO).is_none());
    }

    mod agrees_with_big_arithmetic {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone, Copy)]
        enum Op {
            Add,
            Sub,
            Mul,
            Div,
            Neg,
            Abs,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                3 => Just(Op::Add),
                2 => Just(Op::Sub),
                2 => Just(Op::Mul),
                2 => Just(Op::Div),
                1 => Just(Op::Neg),
                1 => Just(Op::Abs),
            ]
        }

        /// Operands from tiny to near the 64-bit edge, so that results cross it both
        /// ways.
        fn operand() -> impl Strategy<Value = (i128, i128)> {
            let part = prop_oneof![
                -1000i128..1000,
                -10_000_000_000i128..10_000_000_000,
                Just(i128::from(i64::MAX)),
                Just(i128::from(i64::MIN)),
                (i128::from(i64::MIN)..=i128::from(i64::MAX)),
            ];
            let den = prop_oneof![
                1i128..1000,
                1i128..10_000_000_000,
                Just(i128::from(i64::MAX)),
                1i128..=i128::from(i64::MAX),
            ];
            (part, den)
        }

        proptest! {
            #[test]
            fn chains_of_operations(
                start in operand(),
                steps in proptest::collection::vec((op(), operand()), 1..24),
            ) {
                let mut ours = r(start.0, start.1);
                let mut theirs = BigRational::new(start.0.into(), start.1.into());
                for (op, (n, d)) in steps {
                    let x = r(n, d);
                    let y = BigRational::new(n.into(), d.into());
                    let next = match op {
                        Op::Add => ours.checked_add(&x),
                        Op::Sub => ours.checked_sub(&x),
                        Op::Mul => ours.checked_mul(&x),
                        Op::Div => match ours.checked_div(&x) {
                            Some(q) => q,
                            None => continue,
                        },
                        Op::Neg => Ok(ours.negated()),
                        Op::Abs => Ok(ours.abs()),
                    };
                    theirs = match op {
                        Op::Add => theirs + y,
                        Op::Sub => theirs - y,
                        Op::Mul => theirs * y,
                        Op::Div => theirs / y,
                        Op::Neg => -theirs,
                        Op::Abs => theirs.abs(),
                    };
                    let fits = theirs.numer().bits() <= MAX_BITS && theirs.denom().bits() <= MAX_BITS;
                    match next {
                        Ok(v) => ours = v,
                        Err(Overflow) => {
                            prop_assert!(!fits);
                            return Ok(());
                        }
                    }
                    prop_assert_eq!(BigRational::from(&ours), theirs.clone());
                    prop_assert_eq!(&ours.to_string(), &theirs.to_string());
                    prop_assert_eq!(ours.numer(), theirs.numer().clone());
                    prop_assert_eq!(ours.denom(), theirs.denom().clone());
                    prop_assert_eq!(is_small(&ours), theirs.numer().to_i64().is_some() && theirs.denom().to_i64().is_some());
                    prop_assert_eq!(ours.cmp(&x), theirs.cmp(&BigRational::from(&x)));
                    prop_assert_eq!(ours.is_integer(), theirs.is_integer());
                    prop_assert_eq!(ours.is_negative(), theirs.is_negative());
                    prop_assert_eq!(BigRational::from(&ours.floor()), theirs.floor());
                    prop_assert_eq!(BigRational::from(&ours.ceil()), theirs.ceil());
                    let rebuilt = Rational::try_from(theirs.clone()).unwrap();
                    prop_assert_eq!(&rebuilt, &ours);
                    let state = std::hash::RandomState::new();
                    prop_assert_eq!(state.hash_one(&rebuilt), state.hash_one(&ours));
                }
            }
        }
    }
}
