//! Reading one value as text against its input's declared type and range.

use rust_decimal::Decimal;

use super::{DataErrorKind, InputValue};
use crate::check::model::Input;
use crate::number::{Rational, rational_from_decimal, shown, shown_percent};
use crate::syntax::ast::InputType;

/// Reads `text` as a value of `input`; on failure says what kind of problem it is,
/// what is wrong and how to fix it.
pub fn parse_value(input: &Input, text: &str) -> Result<InputValue, (DataErrorKind, String)> {
    let bad = |message: String| (DataErrorKind::BadValue, message);
    let text = text.trim();
    if text.is_empty() && input.optional {
        return Ok(InputValue::Missing);
    }
    if text.is_empty() && input.input_type != InputType::Text {
        return Err((
            DataErrorKind::MissingValue,
            "the value is empty; every input needs a value (write 0 if there were none)".into(),
        ));
    }
    let number = match input.input_type {
        InputType::Text => return Ok(InputValue::Text(text.into())),
        InputType::Date => {
            return crate::time::parse_date(text)
                .map(InputValue::Date)
                .map_err(bad);
        }
        InputType::Month => {
            return crate::time::parse_month(text)
                .map(InputValue::Month)
                .map_err(bad);
        }
        InputType::Bool => {
            return match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "是" => Ok(InputValue::Bool(true)),
                "false" | "no" | "0" | "否" => Ok(InputValue::Bool(false)),
                _ => Err(bad("expected true or false".into())),
            };
        }
        InputType::Count => {
            let n = decimal(text).map_err(|e| bad(e.said("expected a whole number such as 12")))?;
            if !n.is_integer() || n.is_negative() {
                return Err(bad("a count must be a whole number, zero or more".into()));
            }
            n
        }
        InputType::Number => {
            decimal(text).map_err(|e| bad(e.said("expected a number such as 87.5")))?
        }
        InputType::Points => {
            decimal(text).map_err(|e| bad(e.said("expected points such as 120")))?
        }
        InputType::Money => decimal(text).map_err(|e| {
            bad(e.said("expected an amount such as 1000.00, without a currency sign"))
        })?,
        InputType::Percent => {
            let expected = "expected a percentage such as 95% or a fraction such as 0.95";
            match text.strip_suffix('%') {
                Some(figure) => decimal(figure.trim_end())
                    .and_then(|d| d.percent_figure_as_fraction().map_err(|_| Unread::TooLong))
                    .map_err(|e| bad(e.said(expected)))?,
                None => {
                    let fraction = decimal(text).map_err(|e| bad(e.said(expected)))?;
                    // 95 meant as 95% would otherwise be read as 9500%.
                    if fraction.abs() > Rational::from_int(1) {
                        let as_fraction = match fraction.checked_div(&Rational::from_int(100)) {
                            Some(Ok(hundredth)) => shown(&hundredth),
                            _ => "its fraction".to_string(),
                        };
                        return Err(bad(format!(
                            "a plain number is read as a fraction (0.5 is 50%), so {text} would be {}: for {text} percent write {text}% or {as_fraction} (a value above 100% needs its sign, as in 120%)",
                            shown_percent(&fraction)
                        )));
                    }
                    fraction
                }
            }
        }
    };
    if let Some((low, high)) = &input.range
        && (number < *low || number > *high)
    {
        let percent = input.input_type == InputType::Percent;
        let show = |r: &Rational| if percent { shown_percent(r) } else { shown(r) };
        let mut message = format!(
            "the value is outside the declared range {}..{}",
            show(low),
            show(high)
        );
        if percent && !text.ends_with('%') {
            message.push_str(&format!(
                "; a plain number is read as a fraction (0.85 is 85%), so write {text}% if a percentage was meant"
            ));
        }
        return Err((DataErrorKind::OutOfRange, message));
    }
    Ok(InputValue::Number(number))
}

/// As [`parse_value`], into `slot`: a text goes into the memory the text there holds
/// (see [`super::refill`]).
pub(crate) fn parse_value_into(
    input: &Input,
    text: &str,
    slot: &mut InputValue,
) -> Result<(), (DataErrorKind, String)> {
    if input.input_type != InputType::Text {
        *slot = parse_value(input, text)?;
        return Ok(());
    }
    let text = text.trim();
    match slot {
        _ if text.is_empty() && input.optional => *slot = InputValue::Missing,
        InputValue::Text(held) => super::refill(held, |s| s.push_str(text)),
        _ => *slot = InputValue::Text(text.into()),
    }
    Ok(())
}

/// Why a value could not be read as a decimal.
enum Unread {
    /// It is not written as a plain decimal.
    NotANumber,
    /// It is, but has more digits than a decimal reads exactly (rust_decimal's 28 or
    /// so; values computed from it may grow far longer).
    TooLong,
    /// Its thousands are grouped with commas, but not by three.
    BadGrouping,
}

impl Unread {
    /// The message, given what the input expects.
    fn said(self, expected: &str) -> String {
        match self {
            Unread::NotANumber => expected.to_string(),
            Unread::TooLong => "the value has more digits than can be read exactly; \
                 use at most 28 digits in all, such as 1234567890.123456"
                .to_string(),
            Unread::BadGrouping => "the digits are grouped wrongly: group thousands by three, \
                 as in 16,000.00 or 1,234,567, or write no commas"
                .to_string(),
        }
    }
}

/// A plain decimal: optional minus, digits, optional fraction; no exponent, and few
/// enough digits to read exactly. Thousands may be grouped by three with commas
/// (`16,000.00`), as a spreadsheet writes them.
fn decimal(text: &str) -> Result<Rational, Unread> {
    if let Some((num, den)) = plain_decimal(text.as_bytes()) {
        return Ok(Rational::make(i128::from(num), i128::from(den)));
    }
    if text.contains(',') {
        return decimal(&ungrouped(text)?);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !plain(whole) || fraction.is_some_and(|f| !plain(f)) {
        return Err(Unread::NotANumber);
    }
    let d = Decimal::from_str_exact(text).map_err(|_| Unread::TooLong)?;
    Ok(rational_from_decimal(d))
}

/// The most digits of a decimal read straight into a rational: its digits and its
/// power of ten fit in 64 bits.
const MAX_SHORT: usize = 18;

/// A plain decimal of at most [`MAX_SHORT`] digits (optional minus, digits, optional
/// fraction; nothing else, not even a space) read straight from its bytes, in lowest
/// terms: the value rust_decimal reads, as `rational_from_decimal` makes it.
fn plain_decimal(text: &[u8]) -> Option<(i64, i64)> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    let whole = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let fraction = match &digits[whole..] {
        [] => &[][..],
        [b'.', fraction @ ..] if fraction.iter().all(u8::is_ascii_digit) => fraction,
        _ => return None,
    };
    let point = whole < digits.len();
    if whole == 0 || (point && fraction.is_empty()) || whole + fraction.len() > MAX_SHORT {
        return None;
    }
    let read =
        |digits: &[u8], from: i64| (digits.iter()).fold(from, |n, &b| n * 10 + i64::from(b - b'0'));
    let magnitude = read(fraction, read(&digits[..whole], 0));
    let mut num = if negative { -magnitude } else { magnitude };
    let mut den = 10i64.pow(fraction.len() as u32);
    // In lowest terms, as `reduced` leaves it: the divisor shared with a power of ten
    // is made of twos and fives.
    if num == 0 {
        return Some((0, 1));
    }
    let twos = num.trailing_zeros().min(den.trailing_zeros());
    (num, den) = (num >> twos, den >> twos);
    while den % 5 == 0 && num % 5 == 0 {
        (num, den) = (num / 5, den / 5);
    }
    Some((num, den))
}

/// `text` without the commas that group its thousands, if they group them by three.
fn ungrouped(text: &str) -> Result<String, Unread> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let whole = digits.split_once('.').map_or(digits, |(w, _)| w);
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let is_digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let well_formed = (1..=3).contains(&first.len())
        && is_digits(first)
        && groups.all(|g| g.len() == 3 && is_digits(g))
        && !digits[whole.len()..].contains(',');
    if !well_formed {
        return Err(Unread::BadGrouping);
    }
    Ok(text.replace(',', ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::types::Type;

    fn input(input_type: InputType, range: Option<(i64, i64)>) -> Input {
        Input {
            name: "x".into(),
            label: None,
            input_type,
            ty: Type::Number,
            range: range.map(|(l, h)| (Rational::from_int(l), Rational::from_int(h))),
            optional: false,
            better: None,
        }
    }

    #[test]
    fn plain_decimals_are_read_as_rust_decimal_reads_them() {
        let plain = [
            "0",
            "-0",
            "7",
            "-7",
            "12.50",
            "0.05",
            "-0.00",
            "1000.05",
            "76.47",
            "007.10",
            "999999999999999999",
            "99999999999999999.9",
            "0.00000000000000001",
        ];
        for text in plain {
            let read = plain_decimal(text.as_bytes());
            let exact = rational_from_decimal(Decimal::from_str_exact(text).unwrap());
            assert_eq!(read, exact.held_parts(), "{text}");
        }
        let other = [
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "1e2",
            " 1",
            "1 ",
            "+1",
            "1,000",
            "--1",
            "9999999999999999999",
            "1234567890.123456789",
            "0.000000000000000001",
            "١٢",
        ];
        for text in other {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn reads_numbers_exactly_and_rejects_floats_in_disguise() {
        let n = input(InputType::Number, Some((0, 100)));
        assert_eq!(
            parse_value(&n, "59.99"),
            Ok(InputValue::Number(Rational::new(5999, 100).unwrap()))
        );
        assert!(parse_value(&n, "1e2").is_err());
        assert_eq!(
            parse_value(&n, "100.5"),
            Err((
                DataErrorKind::OutOfRange,
                "the value is outside the declared range 0..100".to_string()
            ))
        );
    }

    #[test]
    fn a_number_too_long_to_compute_with_says_so() {
        let n = input(InputType::Number, None);
        let too_long = Err((
            DataErrorKind::BadValue,
            "the value has more digits than can be read exactly; \
             use at most 28 digits in all, such as 1234567890.123456"
                .to_string(),
        ));
        assert_eq!(parse_value(&n, "1000000000000000000000000000000"), too_long);
        assert_eq!(parse_value(&n, "0.00000000000000000000000000001"), too_long);
        assert_eq!(
            parse_value(&n, "123456789012.345678"),
            Ok(InputValue::Number(
                Rational::new(123_456_789_012_345_678, 1_000_000).unwrap()
            ))
        );
        // Past 18 digits a value no longer fits in 64-bit parts; it is still exact.
        let long = 1_234_567_890_123_456_789_012_345_678i128;
        assert_eq!(
            parse_value(&n, "1234567890123456789.012345678"),
            Ok(InputValue::Number(
                Rational::new(long, 1_000_000_000).unwrap()
            ))
        );
    }

    #[test]
    fn thousands_grouped_by_three_are_read_and_others_refused() {
        let n = input(InputType::Money, None);
        let read = |text| parse_value(&n, text);
        assert_eq!(
            read("16,000.00"),
            Ok(InputValue::Number(Rational::from_int(16_000)))
        );
        assert_eq!(
            read("1,234,567"),
            Ok(InputValue::Number(Rational::from_int(1_234_567)))
        );
        assert_eq!(
            read("-1,000.5"),
            Ok(InputValue::Number(Rational::new(-10_005, 10).unwrap()))
        );
        let wrong = Err((
            DataErrorKind::BadValue,
            "the digits are grouped wrongly: group thousands by three, \
             as in 16,000.00 or 1,234,567, or write no commas"
                .to_string(),
        ));
        for bad in [
            "1,00",
            "16,0000.00",
            ",100",
            "1,000.000,1",
            "1,,000",
            "12345,678",
        ] {
            assert_eq!(read(bad), wrong, "{bad}");
        }
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        let c = input(InputType::Count, None);
        assert_eq!(
            parse_value(&c, "12"),
            Ok(InputValue::Number(Rational::from_int(12)))
        );
        assert!(parse_value(&c, "1.5").is_err());
        assert!(parse_value(&c, "-1").is_err());
        assert_eq!(
            parse_value(&c, "").unwrap_err().0,
            DataErrorKind::MissingValue
        );
    }

    #[test]
    fn percentages_with_or_without_the_sign() {
        let p = input(InputType::Percent, None);
        let expected = Ok(InputValue::Number(Rational::new(95, 100).unwrap()));
        assert_eq!(parse_value(&p, "95%"), expected);
        assert_eq!(parse_value(&p, "0.95"), expected);
        assert_eq!(
            parse_value(&p, "1"),
            Ok(InputValue::Number(Rational::from_int(1)))
        );
        assert_eq!(
            parse_value(&p, "120%"),
            Ok(InputValue::Number(Rational::new(12, 10).unwrap()))
        );
    }

    #[test]
    fn a_plain_number_above_one_is_not_taken_for_a_percentage() {
        let p = input(InputType::Percent, None);
        assert_eq!(
            parse_value(&p, "95"),
            Err((
                DataErrorKind::BadValue,
                "a plain number is read as a fraction (0.5 is 50%), so 95 would be 9500%: \
                 for 95 percent write 95% or 0.95 (a value above 100% needs its sign, as in 120%)"
                    .to_string()
            ))
        );
        assert!(parse_value(&p, "-1.5").unwrap_err().1.contains("-150%"));
        // A declared range does not make a plain 95 a percentage either.
        let ranged = input(InputType::Percent, Some((0, 200)));
        assert!(parse_value(&ranged, "95").unwrap_err().1.contains("9500%"));
        assert!(parse_value(&ranged, "1.5").is_err());
    }
}
