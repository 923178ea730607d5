//! `kpi.Ruleset`: a compiled rule file, and every way to score records with it.

use std::collections::HashMap;
use std::sync::OnceLock;

use kpi::explain::{Format, Lang};
use kpi::{Period, Record, Ruleset, SourceFile};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

use crate::arrow_out::{self, Layout, Scale};
use crate::batch::{self, Batch};
use crate::cases::TestResult;
use crate::dicts::DictRows;
use crate::errors;
use crate::kinds::{self, Kind};
use crate::problems::Problem;
use crate::values::output_object;

/// A compiled ruleset: immutable, safe to share between threads, reusable for any
/// number of records.
#[pyclass(name = "Ruleset", module = "kpi", frozen)]
pub struct PyRuleset {
    ruleset: Ruleset,
    /// Each output's kind, learnt once, when a table is first made.
    kinds: OnceLock<Vec<Kind>>,
}

#[pymethods]
impl PyRuleset {
    /// Compiles rule file text; `name` is the file name diagnostics give.
    #[staticmethod]
    #[pyo3(signature = (text, name = "ruleset.kpi"))]
    fn compile(py: Python<'_>, text: &str, name: &str) -> PyResult<PyRuleset> {
        let source = SourceFile::new(name, text);
        PyRuleset::compiled(py, source)
    }

    /// Reads and compiles the rule file at `path` (UTF-8 text).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyRuleset> {
        let bytes = std::fs::read(&path)?;
        let name = path.to_string_lossy().into_owned();
        let source = SourceFile::from_bytes(name.clone(), bytes).map_err(|message| {
            let error = py
                .import("kpi._errors")
                .and_then(|m| m.getattr("RuleError"))
                .and_then(|c| c.call1((PyList::empty(py), message.as_str(), name.as_str())));
            match error {
                Ok(error) => PyErr::from_value(error),
                Err(e) => e,
            }
        })?;
        PyRuleset::compiled(py, source)
    }

    /// The ruleset's name (`ruleset agent_monthly`).
    #[getter]
    fn name(&self) -> &str {
        self.ruleset.name()
    }

    /// The title written after the name, if any.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.ruleset.title()
    }

    /// The `version` line, if any.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.ruleset.version()
    }

    /// The file name the ruleset was compiled under.
    #[getter]
    fn file(&self) -> &str {
        self.ruleset.source().name()
    }

    /// The rule file's text.
    #[getter]
    fn source(&self) -> &str {
        self.ruleset.source().text()
    }

    /// `sha256:` and the digest of the rule file's text, as explanations show it.
    #[getter]
    fn fingerprint(&self) -> String {
        kpi::explain::ruleset_fingerprint(self.ruleset.source().text())
    }

    /// The declared inputs in order, each `(name, type, label)`.
    #[getter]
    fn inputs(&self) -> Vec<(String, &'static str, Option<String>)> {
        self.ruleset
            .inputs()
            .map(|i| {
                let label = i.label().map(str::to_string);
                (i.name().to_string(), i.input_type().keyword(), label)
            })
            .collect()
    }

    /// The output names, in declaration order.
    #[getter]
    fn outputs(&self) -> Vec<String> {
        self.ruleset
            .output_names()
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// The inputs that make a record's key.
    #[getter]
    fn keys(&self) -> Vec<String> {
        self.ruleset
            .key_names()
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// The inputs whose values form groups (teams) that items are computed over.
    #[getter]
    fn groups(&self) -> Vec<String> {
        self.ruleset
            .group_names()
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// Whether records are scored together (groups, ranks, distributions).
    #[getter]
    fn reads_population(&self) -> bool {
        self.ruleset.reads_population()
    }

    /// Whether records are rolled up from daily rows, so that a month must be named.
    #[getter]
    fn rolls_up_rows(&self) -> bool {
        self.ruleset.rolls_up_rows()
    }

    /// Warnings found while compiling, as `kpi.Diagnostic`s.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        errors::diagnostic_list(py, &self.ruleset.warnings())
    }

    /// Scores one record given as a mapping of input name to value.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let record = self.read_one(py, record)?;
        let outcome = py
            .detach(|| self.ruleset.evaluate(&record))
            .map_err(|e| errors::batch_error(py, &[Problem::score(None, e)]))?;
        let dict = PyDict::new(py);
        for (name, value) in outcome.names.iter().zip(&outcome.values) {
            dict.set_item(name, output_object(py, value)?)?;
        }
        Ok(dict)
    }

    /// Scores many records, given as mappings: see the stub for the details.
    #[pyo3(signature = (rows, *, period = None, as_of = None, errors = "raise"))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
        period: Option<&str>,
        as_of: Option<&str>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let report = reports(errors)?;
        let period = period_of(period, as_of)?;
        let rows: Vec<Bound<'py, PyAny>> = rows.try_iter()?.collect::<PyResult<_>>()?;
        let texts = DictRows::read(&self.ruleset, &rows)?;
        let batch = self.scored(py, &texts, period)?;
        let problems = batch.problems();
        if !report && !problems.is_empty() {
            return Err(errors::batch_error(py, &problems));
        }
        let keys = self.ruleset.key_names();
        let outputs = self.ruleset.output_names();
        let list = PyList::empty(py);
        for entry in &batch.entries {
            let dict = PyDict::new(py);
            let given = rows[entry.row].cast::<pyo3::types::PyMapping>()?;
            for key in &keys {
                let value = given.get_item(*key).ok();
                dict.set_item(*key, value)?;
            }
            match &entry.result {
                Ok(outcome) => {
                    for (name, value) in outcome.names.iter().zip(&outcome.values) {
                        dict.set_item(name, output_object(py, value)?)?;
                    }
                    if report {
                        dict.set_item(arrow_out::ERROR_COLUMN, py.None())?;
                    }
                }
                Err(problems) => {
                    for name in &outputs {
                        dict.set_item(*name, py.None())?;
                    }
                    let error = errors::batch_error(py, problems);
                    dict.set_item(arrow_out::ERROR_COLUMN, error.value(py))?;
                }
            }
            list.append(dict)?;
        }
        Ok(list)
    }

    /// Scores an Arrow table, record batch or stream (anything with
    /// `__arrow_c_stream__` or `__arrow_c_array__`) into a `pyarrow.Table`.
    #[pyo3(signature = (data, *, period = None, as_of = None, errors = "raise", scale = None))]
    fn evaluate_arrow<'py>(
        &self,
        py: Python<'py>,
        data: AnyRecordBatch,
        period: Option<&str>,
        as_of: Option<&str>,
        errors: &str,
        scale: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let report = reports(errors)?;
        let scale = scale_of(scale)?;
        let period = period_of(period, as_of)?;
        let (batches, schema) = data.into_table()?.into_inner();
        let columns = crate::arrow_in::columns(&self.ruleset, &schema, &batches)
            .map_err(|problems| errors::batch_error(py, &problems))?;
        let batch = self.scored(py, &columns, period)?;
        let problems = batch.problems();
        if !report && !problems.is_empty() {
            return Err(errors::batch_error(py, &problems));
        }
        let kinds = self.kinds.get_or_init(|| kinds::declared(&self.ruleset));
        let keys = self
            .ruleset
            .key_names()
            .into_iter()
            .filter_map(|name| {
                let field = schema.field_with_name(name).ok()?.clone();
                Some((field, crate::arrow_in::column(&schema, &batches, name)?))
            })
            .collect();
        let layout = Layout {
            scale: &scale,
            report,
        };
        let table = arrow_out::table(&self.ruleset, kinds, &batch, keys, layout)
            .map_err(PyValueError::new_err)?;
        let schema = table.schema();
        PyTable::try_new(vec![table], schema)?.into_pyarrow(py)
    }

    /// Scores a pandas DataFrame, a Polars DataFrame or an Arrow table or record
    /// batch into the same kind of frame, through Arrow.
    #[pyo3(signature = (frame, *, period = None, as_of = None, errors = "raise", scale = None))]
    fn evaluate_frame<'py>(
        &self,
        py: Python<'py>,
        frame: &Bound<'py, PyAny>,
        period: Option<&str>,
        as_of: Option<&str>,
        errors: &str,
        scale: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let frames = py.import("kpi._frames")?;
        let (table, kind): (Bound<'py, PyAny>, String) =
            frames.call_method1("to_arrow", (frame,))?.extract()?;
        let scored = self.evaluate_arrow(py, table.extract()?, period, as_of, errors, scale)?;
        frames.call_method1("from_arrow", (scored, kind))
    }

    /// How `record` was scored, item by item: see the stub for the details.
    #[pyo3(signature = (record, *, lang = "zh", format = "text", population = None, period = None, as_of = None))]
    #[allow(clippy::too_many_arguments)]
    fn explain(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        lang: &str,
        format: &str,
        population: Option<&Bound<'_, PyAny>>,
        period: Option<&str>,
        as_of: Option<&str>,
    ) -> PyResult<String> {
        let lang = match lang {
            "zh" => Lang::Zh,
            "en" => Lang::En,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "lang is \"zh\" or \"en\", not {lang:?}"
                )));
            }
        };
        let format = match format {
            "text" => Format::Text,
            "json" => Format::Json,
            "html" => Format::Html,
            "markdown" => Format::Markdown,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "format is \"text\", \"json\", \"html\" or \"markdown\", not {format:?}"
                )));
            }
        };
        let period = period_of(period, as_of)?;
        let explained = match population {
            None => {
                let record = self.read_one(py, record)?;
                py.detach(|| self.ruleset.explain(&record))
            }
            Some(rows) => {
                let key = match record.cast::<PyString>() {
                    Ok(key) => key.to_cow()?.into_owned(),
                    Err(_) => self.read_one(py, record)?.key().to_string(),
                };
                let rows: Vec<Bound<'_, PyAny>> = rows.try_iter()?.collect::<PyResult<_>>()?;
                let texts = DictRows::read(&self.ruleset, &rows)?;
                let records = self.population(py, &texts, period)?;
                let Some(index) = records.iter().position(|r| r.key() == key) else {
                    return Err(PyValueError::new_err(format!(
                        "no record of the population has the key {key}"
                    )));
                };
                py.detach(|| self.ruleset.score_together(&records).explain(index))
            }
        };
        let (_, explanation) =
            explained.map_err(|e| errors::batch_error(py, &[Problem::score(None, e)]))?;
        Ok(explanation.render(format, lang))
    }

    /// Runs the tests written in the rule file; failures are explained in `lang`.
    #[pyo3(signature = (*, lang = "zh"))]
    fn run_tests(&self, py: Python<'_>, lang: &str) -> PyResult<Vec<TestResult>> {
        let lang = if lang == "en" { Lang::En } else { Lang::Zh };
        let reports = py.detach(|| self.ruleset.run_tests(lang));
        Ok(reports.into_iter().map(TestResult::from).collect())
    }

    fn __repr__(&self) -> String {
        format!(
            "<kpi.Ruleset {} from {}>",
            self.ruleset.name(),
            self.ruleset.source().name()
        )
    }
}

impl PyRuleset {
    fn compiled(py: Python<'_>, source: SourceFile) -> PyResult<PyRuleset> {
        let ruleset = py
            .detach(|| Ruleset::compile_source(source))
            .map_err(|d| errors::rule_error(py, &d))?;
        Ok(PyRuleset {
            ruleset,
            kinds: OnceLock::new(),
        })
    }

    /// One record from a mapping; every problem with it raised at once.
    fn read_one(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<Record> {
        let texts = DictRows::read(&self.ruleset, std::slice::from_ref(record))?;
        texts.record(&self.ruleset, 0).map_err(|e| {
            let problems: Vec<Problem> = e.into_iter().map(|e| Problem::data(None, e)).collect();
            errors::batch_error(py, &problems)
        })
    }

    /// `rows` scored for `period`, without the GIL; problems with the data as a
    /// whole are raised.
    fn scored(
        &self,
        py: Python<'_>,
        rows: &impl batch::Rows,
        period: Option<Period>,
    ) -> PyResult<Batch> {
        py.detach(|| batch::score(&self.ruleset, rows, period))
            .map_err(|problems| errors::batch_error(py, &problems))
    }

    /// The records of `rows` as a run of `period` selects them; any problem raised.
    fn population(
        &self,
        py: Python<'_>,
        rows: &DictRows,
        period: Option<Period>,
    ) -> PyResult<Vec<Record>> {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for row in 0..batch::Rows::len(rows) {
            match rows.record(&self.ruleset, row) {
                Ok(r) => records.push(r),
                Err(e) => problems.extend(e.into_iter().map(|e| Problem::data(Some(row), e))),
            }
        }
        if !problems.is_empty() {
            return Err(errors::batch_error(py, &problems));
        }
        let selected = self.ruleset.select(records, period).map_err(|e| {
            let problems: Vec<Problem> = e.into_iter().map(|e| Problem::data(None, e)).collect();
            errors::batch_error(py, &problems)
        })?;
        Ok(selected.records)
    }
}

/// The scale asked for: `None`, one number for every decimal column, or a mapping
/// of output name to number.
fn scale_of(scale: Option<&Bound<'_, PyAny>>) -> PyResult<Scale> {
    let Some(scale) = scale.filter(|s| !s.is_none()) else {
        return Ok(Scale::default());
    };
    if let Ok(all) = scale.extract::<u32>() {
        return Ok(Scale {
            all: Some(all),
            ..Scale::default()
        });
    }
    let by_name = scale.extract::<HashMap<String, u32>>().map_err(|_| {
        PyValueError::new_err(
            "scale is None, a number of decimal places, or a dict of output name to one",
        )
    })?;
    Ok(Scale { all: None, by_name })
}

/// Whether `errors` asks for problems to be reported in the rows, not raised.
fn reports(errors: &str) -> PyResult<bool> {
    match errors {
        "raise" => Ok(false),
        "report" => Ok(true),
        _ => Err(PyValueError::new_err(format!(
            "errors is \"raise\" or \"report\", not {errors:?}"
        ))),
    }
}

/// The period a run names: a month (`2026-11`) or the day it runs to (`2026-11-15`).
fn period_of(month: Option<&str>, as_of: Option<&str>) -> PyResult<Option<Period>> {
    let period = match (month, as_of) {
        (None, None) => return Ok(None),
        (Some(m), None) => Period::month(m),
        (None, Some(day)) => Period::as_of(day),
        (Some(_), Some(_)) => Err("give period or as_of, not both".to_string()),
    };
    period.map(Some).map_err(PyValueError::new_err)
}
