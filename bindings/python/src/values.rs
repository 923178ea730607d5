//! Values between Python and kpi. Inputs go in as the text a CSV cell would hold,
//! so the library reads them exactly as it reads a file; outputs come out as
//! `decimal.Decimal`, `str`, `bool`, `datetime.date` or `None`, never `float`.

use kpi::OutputValue;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

fn date_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    DATE.import(py, "datetime", "date")
}

/// An input value as the text of a CSV cell: `None` is empty, a bool `true` or
/// `false`, an int and a `Decimal` their plain digits (never an exponent), a float its
/// shortest round-trip digits (0.1 is `0.1`, not 0.1000000000000000055…), a date
/// `YYYY-MM-DD`, text itself.
pub fn input_text(value: &Bound<'_, PyAny>, column: &str) -> PyResult<String> {
    let py = value.py();
    if value.is_none() {
        return Ok(String::new());
    }
    // bool before int: a bool is an int in Python.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(if b.is_true() { "true" } else { "false" }.into());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_cow()?.into_owned());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(float_text(f.value()));
    }
    if value.is_instance(decimal_class(py)?)? {
        // "f": plain notation, so Decimal("1E+2") reads as 100.
        return value.call_method1("__format__", ("f",))?.extract();
    }
    if value.is_instance(date_class(py)?)? {
        return value.call_method0("isoformat")?.extract();
    }
    // numpy's integers and other integer-like values.
    if value.hasattr("__index__")? {
        return Ok(value
            .call_method0("__index__")?
            .str()?
            .to_cow()?
            .into_owned());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "the value of `{column}` is a {}; give str, int, decimal.Decimal, bool, float, datetime.date or None",
        value.get_type().name()?
    )))
}

/// A float's shortest digits that read back as the same float, in plain notation:
/// Rust prints floats so (`1e-7` as `0.0000001`); kpi reads no exponent.
pub fn float_text(f: f64) -> String {
    format!("{f}")
}

/// A decimal's digits and scale: its value is `mantissa / 10^scale`. A percentage
/// is its fraction (95% is 0.95), as an input of type percent reads `0.95`.
pub fn decimal_parts(value: &OutputValue) -> Option<(i128, u32)> {
    match value {
        OutputValue::Number(d) | OutputValue::Money(d) | OutputValue::Points(d) => {
            Some((d.mantissa(), d.scale()))
        }
        OutputValue::Percent(d) => Some((d.mantissa(), d.scale() + 2)),
        _ => None,
    }
}

/// `mantissa / 10^scale` written out in plain decimal digits.
pub fn decimal_text(mantissa: i128, scale: u32) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// An output value as a Python object.
pub fn output_object<'py>(py: Python<'py>, value: &OutputValue) -> PyResult<Bound<'py, PyAny>> {
    if let Some((mantissa, scale)) = decimal_parts(value) {
        // Decimal's constructor reads text exactly, whatever the context's precision.
        return decimal_class(py)?.call1((decimal_text(mantissa, scale),));
    }
    Ok(match value {
        OutputValue::Text(t) | OutputValue::Grade(t) | OutputValue::Month(t) => {
            PyString::new(py, t).into_any()
        }
        OutputValue::Date(d) => date_class(py)?.call_method1("fromisoformat", (d.as_str(),))?,
        OutputValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        _ => py.None().into_bound(py),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_is_written_with_its_scale() {
        assert_eq!(decimal_text(62003, 2), "620.03");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(95, 2), "0.95");
        assert_eq!(decimal_text(1200, 0), "1200");
    }

    #[test]
    fn a_float_is_written_in_its_shortest_plain_digits() {
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(1e-7), "0.0000001");
        assert_eq!(float_text(1000.05), "1000.05");
        assert_eq!(float_text(3.0), "3");
    }
}
