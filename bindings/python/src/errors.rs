//! kpi's problems as Python exceptions. The classes are written in Python
//! (`kpi/_errors.py`), where their attributes and docs live; this module only fills
//! them in.

use kpi::{Diagnostic, Diagnostics, Severity};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::problems::{Problem, What};

/// The class `name` of `kpi._errors`.
fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("kpi._errors")?.getattr(name)
}

/// One diagnostic as a `kpi.Diagnostic`, placed by line and column (from 1).
pub fn diagnostic<'py>(
    py: Python<'py>,
    d: &Diagnostic,
    source: &kpi::SourceFile,
) -> PyResult<Bound<'py, PyAny>> {
    let (line, column) = source.line_col(d.primary.span.start);
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let kwargs = PyDict::new(py);
    kwargs.set_item("severity", severity)?;
    kwargs.set_item("rendered", d.render(source))?;
    kwargs.set_item("code", d.code)?;
    kwargs.set_item("file", source.name())?;
    kwargs.set_item("line", line)?;
    kwargs.set_item("column", column)?;
    kwargs.set_item("hint", d.hint.as_deref())?;
    class(py, "Diagnostic")?.call((d.message.as_str(),), Some(&kwargs))
}

/// Every diagnostic of `diagnostics`, in the order of the file.
pub fn diagnostic_list<'py>(
    py: Python<'py>,
    diagnostics: &Diagnostics,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for d in &diagnostics.list {
        list.append(diagnostic(py, d, &diagnostics.source)?)?;
    }
    Ok(list)
}

/// A rule file that does not compile, as a `kpi.RuleError` to raise.
pub fn rule_error(py: Python<'_>, diagnostics: &Diagnostics) -> PyErr {
    let made = diagnostic_list(py, diagnostics)
        .and_then(|list| class(py, "RuleError")?.call1((list, diagnostics.render())));
    match made {
        Ok(error) => PyErr::from_value(error),
        Err(e) => e,
    }
}

/// One problem of a batch as a `kpi.DataError` or `kpi.ScoreError` instance.
pub fn problem<'py>(py: Python<'py>, p: &Problem) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("row", p.row)?;
    kwargs.set_item("key", p.key.as_deref())?;
    kwargs.set_item("text", p.to_string())?;
    match &p.what {
        What::Data {
            code,
            column,
            value,
            message,
        } => {
            kwargs.set_item("code", *code)?;
            kwargs.set_item("column", column.as_deref())?;
            kwargs.set_item("value", value.as_deref())?;
            class(py, "DataError")?.call((message.as_str(),), Some(&kwargs))
        }
        What::Score {
            name,
            fault,
            code,
            message,
        } => {
            kwargs.set_item("code", *code)?;
            kwargs.set_item("name", name.as_str())?;
            kwargs.set_item("fault", fault.as_str())?;
            class(py, "ScoreError")?.call((message.as_str(),), Some(&kwargs))
        }
    }
}

/// Every problem of a batch as one exception to raise: see `_batch_error`.
pub fn batch_error(py: Python<'_>, problems: &[Problem]) -> PyErr {
    let made = (|| {
        let list = PyList::empty(py);
        for p in problems {
            list.append(problem(py, p)?)?;
        }
        py.import("kpi._errors")?
            .getattr("_batch_error")?
            .call1((list,))
    })();
    match made {
        Ok(error) => PyErr::from_value(error),
        Err(e) => e,
    }
}
