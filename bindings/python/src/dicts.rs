//! Rows given as Python mappings (dicts), read into text while the GIL is held so
//! that they can be scored without it.

use kpi::{DataError, Record, Ruleset};
use pyo3::prelude::*;
use pyo3::types::PyMapping;

use crate::batch::Rows;
use crate::values::input_text;

/// Each row's value of every input as text; `None` where the mapping has no such key.
pub struct DictRows {
    rows: Vec<Vec<Option<String>>>,
    names: Vec<String>,
}

impl DictRows {
    /// Reads the mappings `rows` for `ruleset`'s inputs; keys that name no input are
    /// ignored, as extra columns of a file are.
    pub fn read(ruleset: &Ruleset, rows: &[Bound<'_, PyAny>]) -> PyResult<DictRows> {
        let names: Vec<String> = ruleset.inputs().map(|i| i.name().to_string()).collect();
        let mut read = Vec::with_capacity(rows.len());
        for row in rows {
            let mapping = row.cast::<PyMapping>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "a record is a mapping of input name to value, not a {}",
                    row.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            let mut values = Vec::with_capacity(names.len());
            for name in &names {
                let value = match mapping.contains(name.as_str())? {
                    true => Some(input_text(&mapping.get_item(name.as_str())?, name)?),
                    false => None,
                };
                values.push(value);
            }
            read.push(values);
        }
        Ok(DictRows { rows: read, names })
    }

    /// Row `row` as a record, or every problem with it.
    pub fn record(&self, ruleset: &Ruleset, row: usize) -> Result<Record, Vec<DataError>> {
        let fields: Vec<(&str, &str)> = self
            .names
            .iter()
            .zip(&self.rows[row])
            .filter_map(|(name, value)| Some((name.as_str(), value.as_deref()?)))
            .collect();
        ruleset.record(&fields)
    }
}

impl Rows for DictRows {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn fill(&self, row: usize, into: &mut [String]) {
        for (text, value) in into.iter_mut().zip(&self.rows[row]) {
            text.clear();
            text.push_str(value.as_deref().unwrap_or(""));
        }
    }

    fn record(
        &self,
        ruleset: &Ruleset,
        row: usize,
        _texts: &mut [String],
    ) -> Result<Record, Vec<DataError>> {
        DictRows::record(self, ruleset, row)
    }
}
