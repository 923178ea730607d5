//! Python bindings of kpi: the extension module `kpi._native`, which the `kpi`
//! package re-exports. Rows are read and scored in Rust; Python only hands over
//! mappings or Arrow tables and receives exact values back.

mod arrow_in;
mod arrow_out;
mod batch;
mod cases;
mod dicts;
mod errors;
mod kinds;
mod problems;
mod ruleset;
mod values;

use pyo3::prelude::*;

/// The compiled part of the `kpi` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ruleset::PyRuleset>()?;
    m.add_class::<cases::TestResult>()?;
    m.add_class::<cases::TestMismatch>()?;
    m.add("ERROR_COLUMN", arrow_out::ERROR_COLUMN)?;
    m.add("ENGINE_VERSION", kpi::explain::engine())?;
    Ok(())
}
