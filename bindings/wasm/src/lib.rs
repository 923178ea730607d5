//! kpi in the browser: compile and check rule files, run the tests written in them,
//! score records and explain them, from JavaScript.
//!
//! Every answer is JSON text, in the shapes of kpi's service (`kpi serve`): what
//! the service sends with status 200 a function returns; what it sends with an error
//! status a function throws, as a JavaScript `Error` whose `message` is the JSON
//! body `{"problems": [...]}`. Amounts are exact decimal strings, never floats.
//! README.md lists the functions.

#![warn(missing_docs)]

pub mod cases;
pub mod service;
pub mod workbook;

use kpi::explain::Lang;
use kpi::{DataError, DataErrorKind, Location, Problem, SourceFile};
use wasm_bindgen::prelude::*;

use service::{Answer, Data};

/// The name a rule file is given when none is.
const UNNAMED: &str = "ruleset.kpi";

/// Every problem of rule file `source` (errors and warnings, in the order of the
/// file) as `{"problems": [...]}`; an empty list for a clean file.
pub fn check_source(source: &str, name: Option<&str>) -> String {
    let file = SourceFile::new(name.unwrap_or(UNNAMED), source);
    let problems = match kpi::Ruleset::compile_source(file) {
        Ok(ruleset) => ruleset.warnings().problems(),
        Err(diagnostics) => diagnostics.problems(),
    };
    service::problems(&problems)
}

/// Compiles rule file `source`; the error is `{"problems": [...]}`.
pub fn compile_source(source: &str, name: Option<&str>) -> Result<kpi::Ruleset, String> {
    let file = SourceFile::new(name.unwrap_or(UNNAMED), source);
    kpi::Ruleset::compile_source(file).map_err(|d| service::problems(&d.problems()))
}

/// `count` records of made-up data for `ruleset`'s inputs, from `seed`, as CSV text
/// with a header row: the same seed always gives the same records.
pub fn sample(ruleset: &kpi::Ruleset, count: u32, seed: u32) -> String {
    let mut generator = kpi::generate::Generator::new(ruleset, u64::from(seed));
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = ruleset.inputs().map(|i| i.name()).collect();
    // Writing to memory cannot fail.
    let _ = out.write_record(&header);
    for _ in 0..count {
        let _ = out.write_record(generator.record());
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The language `lang` names: `en`, else Chinese.
fn lang(lang: Option<String>) -> Lang {
    match lang.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// An answer for JavaScript: a failure is thrown, its message the JSON body.
fn thrown(answer: Answer) -> Result<String, JsError> {
    answer.map_err(|body| JsError::new(&body))
}

/// Every problem of a rule file, errors and warnings: `{"problems": [...]}`.
#[wasm_bindgen]
pub fn check(source: &str, name: Option<String>) -> String {
    check_source(source, name.as_deref())
}

/// The `.csv` text of a workbook's sheet (the first, unless `sheet` names one):
/// numbers as the spreadsheet shows them, dates as `YYYY-MM-DD`.
#[wasm_bindgen(js_name = workbookToCsv)]
pub fn workbook_to_csv(bytes: &[u8], sheet: Option<String>) -> Result<String, JsError> {
    thrown(
        workbook::to_csv(bytes, sheet.as_deref()).map_err(|message| {
            let error = DataError::new(DataErrorKind::Unreadable, Location::File, message);
            service::problems(&[Problem::from_data(&error, None)])
        }),
    )
}

/// The version of kpi compiled into this module.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A compiled rule file.
#[wasm_bindgen(js_name = Ruleset)]
pub struct JsRuleset {
    inner: kpi::Ruleset,
}

#[wasm_bindgen(js_class = Ruleset)]
impl JsRuleset {
    /// Compiles rule file text; `name` is the file name problems give. Throws
    /// `{"problems": [...]}` when it does not compile.
    pub fn compile(source: &str, name: Option<String>) -> Result<JsRuleset, JsError> {
        let inner = compile_source(source, name.as_deref()).map_err(|b| JsError::new(&b))?;
        Ok(JsRuleset { inner })
    }

    /// The declarations and identity, as the service's `GET /ruleset`.
    pub fn describe(&self) -> String {
        serde_json::to_string(&self.inner.describe()).unwrap_or_default()
    }

    /// `sha256:` and the digest of the rule file's text, as explanations give it.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// Whether records are daily rows added up into months (`period month from DATE`):
    /// scoring them needs `period=YYYY-MM` or `as_of=YYYY-MM-DD`.
    #[wasm_bindgen(getter, js_name = rollsUpRows)]
    pub fn rolls_up_rows(&self) -> bool {
        self.inner.rolls_up_rows()
    }

    /// The warnings found while compiling: `{"problems": [...]}`.
    pub fn warnings(&self) -> String {
        service::problems(&self.inner.warnings().problems())
    }

    /// Runs the tests written in the rule file, failures explained in `lang` (`zh`
    /// or `en`): `{"cases": [...], "passed": N, "failed": N}`.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self, lang: Option<String>) -> String {
        cases::run(&self.inner, self::lang(lang))
    }

    /// Scores a JSON record object, or an array of them, as `POST /evaluate?query`.
    pub fn evaluate(&self, json: &str, query: Option<String>) -> Result<String, JsError> {
        let query = query.unwrap_or_default();
        thrown(service::evaluate(&self.inner, Data::Json(json), &query))
    }

    /// Scores the records of CSV text, answering as `POST /evaluate?query` answers an
    /// array: `{"outcomes": [...], "problems": [...]}`, problems placed by line.
    #[wasm_bindgen(js_name = evaluateCsv)]
    pub fn evaluate_csv(&self, csv: &str, query: Option<String>) -> Result<String, JsError> {
        let query = query.unwrap_or_default();
        thrown(service::evaluate(&self.inner, Data::Csv(csv), &query))
    }

    /// Explains a JSON record, or the record `key=ID` of an array, as
    /// `POST /explain?query` (`lang=zh|en&format=json|text|markdown|html`).
    pub fn explain(&self, json: &str, query: Option<String>) -> Result<String, JsError> {
        let query = query.unwrap_or_default();
        thrown(service::explain(&self.inner, Data::Json(json), &query))
    }

    /// Explains the record `key=ID` among the records of CSV text, scored together
    /// with them, as [`JsRuleset::explain`] does for an array.
    #[wasm_bindgen(js_name = explainCsv)]
    pub fn explain_csv(&self, csv: &str, query: Option<String>) -> Result<String, JsError> {
        let query = query.unwrap_or_default();
        thrown(service::explain(&self.inner, Data::Csv(csv), &query))
    }

    /// `count` records of made-up data for the inputs, as CSV text; the same `seed`
    /// always gives the same records.
    #[wasm_bindgen(js_name = sampleCsv)]
    pub fn sample_csv(&self, count: u32, seed: u32) -> String {
        sample(&self.inner, count, seed)
    }
}
