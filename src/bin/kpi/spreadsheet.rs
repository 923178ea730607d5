//! What the workbooks and CSV files `kpi` writes have in common: numbers as a
//! spreadsheet holds them, and text cells a spreadsheet would run as formulas.

use std::borrow::Cow;

use kpi::OutputValue;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// A decimal as the binary float a spreadsheet holds; exact values stay in the text
/// outputs, and a spreadsheet shows this one to the places it keeps.
pub(crate) fn number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or(0.0)
}

/// How text cells from the data (keys, text outputs, column values) are written.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct TextCells {
    /// Write text cells exactly as they are, even those that start with = + - @, a
    /// tab or a carriage return, which a spreadsheet may run as a formula. By default
    /// such a CSV cell gets a leading ' and such a workbook cell is marked as text.
    #[arg(long)]
    pub verbatim_text: bool,
}

impl TextCells {
    /// A text cell of a CSV file: with a leading `'` if a spreadsheet opening the
    /// file would take it for a formula (`=HYPERLINK(...)`, `@SUM(...)`), as OWASP
    /// advises. A number such as `-5.00` is left as it is.
    pub fn csv(self, text: &str) -> Cow<'_, str> {
        match !self.verbatim_text && formula_like(text) {
            true => Cow::Owned(format!("'{text}")),
            false => Cow::Borrowed(text),
        }
    }

    /// An output's value in a CSV cell: a text or grade guarded as [`TextCells::csv`]
    /// guards it, any other kind (a number, a date) as it is.
    pub fn csv_value(self, value: &OutputValue) -> String {
        let mut text = String::new();
        self.write_csv_value(value, &mut text);
        text
    }

    /// [`TextCells::csv_value`], appended to `out`.
    pub fn write_csv_value(self, value: &OutputValue, out: &mut String) {
        use std::fmt::Write as _;
        match value {
            OutputValue::Text(text) | OutputValue::Grade(text) => out.push_str(&self.csv(text)),
            OutputValue::Number(d) | OutputValue::Money(d) | OutputValue::Points(d) => {
                write_decimal(d, out)
            }
            OutputValue::Percent(d) => {
                write_decimal(d, out);
                out.push('%');
            }
            // Writing to a string cannot fail.
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }

    /// Writes a text cell of a workbook. A cell the spreadsheet writes as a string is
    /// never run as a formula when opened, but it would be once someone edits it and
    /// presses Enter; one that looks like a formula is marked as text (Excel's quote
    /// prefix), which shows and keeps it as written.
    pub fn write(
        self,
        sheet: &mut Worksheet,
        (row, col): (u32, u16),
        text: &str,
    ) -> Result<(), XlsxError> {
        if !self.verbatim_text && formula_like(text) {
            sheet.write_string_with_format(row, col, text, &Format::new().set_quote_prefix())?;
        } else {
            sheet.write_string(row, col, text)?;
        }
        Ok(())
    }
}

/// Appends `d` as its `Display` writes it (every place of its scale, a minus for a
/// negative zero too), without the formatting machinery.
pub(crate) fn write_decimal(d: &rust_decimal::Decimal, out: &mut String) {
    // The digits, least significant first, at least as many as the places.
    let mut digits = [b'0'; 40];
    let (mut len, scale) = (0, d.scale() as usize);
    let mantissa = d.mantissa().unsigned_abs();
    // Most amounts fit in 64 bits, where division by ten is cheap.
    match u64::try_from(mantissa) {
        Ok(mut mantissa) => {
            while mantissa > 0 {
                digits[len] = b'0' + (mantissa % 10) as u8;
                mantissa /= 10;
                len += 1;
            }
        }
        Err(_) => {
            let mut mantissa = mantissa;
            while mantissa > 0 {
                digits[len] = b'0' + (mantissa % 10) as u8;
                mantissa /= 10;
                len += 1;
            }
        }
    }
    let len = len.max(scale);
    if d.is_sign_negative() {
        out.push('-');
    }
    match len - scale {
        0 => out.push('0'),
        _ => out.extend(digits[scale..len].iter().rev().map(|&b| char::from(b))),
    }
    if scale > 0 {
        out.push('.');
        out.extend(digits[..scale].iter().rev().map(|&b| char::from(b)));
    }
}

/// Whether a spreadsheet would read `text` as a formula: it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return, and is not simply a number.
pub(crate) fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(text)
}

/// A decimal with an optional sign: `-5`, `+3.50`.
fn plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_they_display() {
        use rust_decimal::Decimal;
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "5",
            "0.05",
            "-0.5",
            "54.00",
            "1110.05",
            "-620.03",
            "100",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "12345678901234567890.12345678",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        values.push(Decimal::new(-5, 3));
        let mut zero = Decimal::new(0, 28);
        zero.set_sign_negative(true);
        values.push(zero);
        for d in values {
            let mut written = String::new();
            write_decimal(&d, &mut written);
            assert_eq!(written, d.to_string());
        }
    }

    #[test]
    fn only_text_a_spreadsheet_would_run_is_guarded() {
        let guarded = TextCells::default();
        assert_eq!(guarded.csv("=1+1"), "'=1+1");
        assert_eq!(guarded.csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guarded.csv("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(guarded.csv("-2+3"), "'-2+3");
        assert_eq!(guarded.csv("\t=1"), "'\t=1");
        assert_eq!(guarded.csv("-5.00"), "-5.00");
        assert_eq!(guarded.csv("+3"), "+3");
        assert_eq!(guarded.csv("E04"), "E04");
        assert_eq!(guarded.csv("a=b"), "a=b");
        assert_eq!(guarded.csv(""), "");
        let verbatim = TextCells {
            verbatim_text: true,
        };
        assert_eq!(verbatim.csv("=1+1"), "=1+1");
    }
}
