//! The library's front door: compile a ruleset once, then load and score records.

use std::fmt;
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::sync::Arc;

use crate::check::model::{Input, Kind};
use crate::compile::{Program, compile};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::eval::{self, EvalError, Fault, Texts, Trace, Value, Where};
use crate::explain::Explanation;
use crate::input::csv::CsvRow;
use crate::input::{self, DataError, Location, Record};
use crate::number::MAX_DIGITS;
use crate::outcome::{Outcome, OutputValue, store_output};
use crate::scorer::Scorer;

/// A compiled ruleset: immutable, `Send + Sync`, reusable for any number of records.
#[derive(Debug, Clone)]
pub struct Ruleset {
    program: Program,
    source: SourceFile,
    warnings: Vec<Diagnostic>,
    output_names: Arc<[String]>,
}

impl Ruleset {
    /// Compiles rule file text. On failure the error holds every diagnostic found.
    pub fn compile(text: &str) -> Result<Ruleset, Diagnostics> {
        Ruleset::compile_source(SourceFile::new("ruleset.kpi", text))
    }

    /// Compiles a rule file whose diagnostics name it `source.name`.
    pub fn compile_source(source: SourceFile) -> Result<Ruleset, Diagnostics> {
        // Parsing and checking recurse once per level of nesting, and unoptimised
        // builds use large frames; a thread of its own with a generous stack keeps the
        // limits in `syntax::limits` safe on whatever stack the caller runs.
        const COMPILE_STACK: usize = 256 << 20;
        std::thread::scope(|scope| {
            let spawned = std::thread::Builder::new()
                .name("kpi-compile".into())
                .stack_size(COMPILE_STACK)
                .spawn_scoped(scope, || Ruleset::compile_here(source.clone()));
            match spawned {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: compile here, within the caller's stack.
                Err(_) => Ruleset::compile_here(source.clone()),
            }
        })
    }

    fn compile_here(source: SourceFile) -> Result<Ruleset, Diagnostics> {
        let (file, mut diagnostics) = crate::syntax::parse(&source);
        let (model, checked) = crate::check::check(&file);
        diagnostics.extend(checked);
        diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
        let fail = |list| Diagnostics {
            source: source.clone(),
            list,
        };
        // Syntax errors mean part of the file was not read: its model is incomplete.
        let has_errors = diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        match model {
            Some(model) if !has_errors => Ok(Ruleset {
                output_names: model.outputs.iter().map(|o| o.name.clone()).collect(),
                program: compile(model),
                warnings: diagnostics,
                source,
            }),
            _ => Err(fail(diagnostics)),
        }
    }

    /// Warnings found while compiling (valid, but probably not what was meant).
    pub fn warnings(&self) -> Diagnostics {
        Diagnostics {
            source: self.source.clone(),
            list: self.warnings.clone(),
        }
    }

    /// The rule file this ruleset was compiled from.
    pub fn source(&self) -> &SourceFile {
        &self.source
    }

    /// The ruleset's name.
    pub fn name(&self) -> &str {
        &self.program.model.name
    }

    /// The ruleset's title.
    pub fn title(&self) -> Option<&str> {
        self.program.model.title.as_deref()
    }

    /// The ruleset's version.
    pub fn version(&self) -> Option<&str> {
        self.program.model.version.as_deref()
    }

    /// The declared inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.program.model.inputs
    }

    /// The name of the input that identifies a record.
    pub fn key_name(&self) -> &str {
        &self.program.model.inputs[self.program.model.key].name
    }

    /// The output names, in declaration order.
    pub fn output_names(&self) -> Vec<&str> {
        self.program
            .model
            .outputs
            .iter()
            .map(|o| o.name.as_str())
            .collect()
    }

    /// The output names, shared by every [`Outcome`].
    pub(crate) fn shared_output_names(&self) -> Arc<[String]> {
        Arc::clone(&self.output_names)
    }

    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Builds a record from `(input, value as text)` pairs, checking every value.
    pub fn record(&self, fields: &[(&str, &str)]) -> Result<Record, Vec<DataError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for input in self.inputs() {
            let found = fields.iter().find(|(name, _)| *name == input.name);
            match found.map(|(_, text)| input::parse_value(input, text)) {
                Some(Ok(v)) => values.push(v),
                Some(Err(message)) => errors.push(
                    DataError::new(Location::Given, message).at(&input.name, found.map(|f| f.1)),
                ),
                None => errors.push(
                    DataError::new(Location::Given, "no value given for this input")
                        .at(&input.name, None),
                ),
            }
        }
        let key = fields
            .iter()
            .find(|(name, _)| *name == self.key_name())
            .map(|(_, text)| text.trim().to_string())
            .unwrap_or_default();
        Record::read(key, values, errors)
    }

    /// Builds a record from one value per declared input, in declaration order, as
    /// `kpi generate` writes them and test cases hold them.
    pub fn record_in_order<S: AsRef<str>>(&self, values: &[S]) -> Result<Record, Vec<DataError>> {
        let fields: Vec<(&str, &str)> = self
            .inputs()
            .iter()
            .map(|i| i.name.as_str())
            .zip(values.iter().map(AsRef::as_ref))
            .collect();
        self.record(&fields)
    }

    /// Reads CSV records (a header row, then one record per row).
    pub fn read_csv<'a, R: Read + 'a>(
        &'a self,
        reader: R,
    ) -> Result<impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a, DataError> {
        input::csv::read(self.inputs(), self.program.model.key, reader)
    }

    /// Reads the header of a CSV file, then yields its rows split into fields but not
    /// yet read against the inputs; [`Ruleset::csv_record`] reads one. The split lets
    /// rows be read on many threads while the file is read on one.
    pub fn read_csv_rows<R: Read>(
        &self,
        reader: R,
    ) -> Result<impl Iterator<Item = Result<CsvRow, Vec<DataError>>> + use<R>, DataError> {
        input::csv::rows(self.inputs(), reader)
    }

    /// Reads a row from [`Ruleset::read_csv_rows`] of this ruleset: the record, or
    /// every problem found in the row.
    pub fn csv_record(&self, row: &CsvRow) -> Result<Record, Vec<DataError>> {
        input::csv::record(self.inputs(), self.program.model.key, row)
    }

    /// Reads a JSON array of record objects held in memory.
    pub fn read_json(&self, text: &str) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
        input::json::read_array(self.inputs(), self.program.model.key, text)
    }

    /// Reads a JSON array of record objects from `reader` one at a time, calling
    /// `each` with every record (or its problems) until it returns `Break`. Memory
    /// does not grow with the file. A file that is not a JSON array is an error,
    /// returned once the records before the fault have been passed on.
    pub fn read_json_each<R: Read>(
        &self,
        reader: R,
        each: impl FnMut(Result<Record, Vec<DataError>>) -> ControlFlow<()>,
    ) -> Result<(), DataError> {
        input::json::read_array_each(self.inputs(), self.program.model.key, reader, each)
    }

    /// Reads JSON Lines, one record object per line, a line at a time: give it a
    /// `BufReader` over a file, or `text.as_bytes()`.
    pub fn read_json_lines<'a, R: BufRead + 'a>(
        &'a self,
        reader: R,
    ) -> impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a {
        input::json::read_lines(self.inputs(), self.program.model.key, reader)
    }

    /// Scores a record: the outputs only, on the fast path. To score many records,
    /// a [`Scorer`] reuses its memory from one to the next.
    pub fn evaluate(&self, record: &Record) -> Result<Outcome, ScoreError> {
        self.scorer().score(record).cloned()
    }

    /// A scorer for many records on the fast path.
    pub fn scorer(&self) -> Scorer<'_> {
        Scorer::new(self)
    }

    /// Scores a record on the traced path: the outputs and how each value arose.
    pub fn explain(&self, record: &Record) -> Result<(Outcome, Explanation), ScoreError> {
        let mut trace = Trace::new(self.program.steps.len());
        let mut slots = Vec::with_capacity(self.slot_count());
        eval::run(&self.program, record, &mut slots, &mut trace)
            .map_err(|e| self.score_error(e, record))?;
        let outcome = self.outputs(record, &slots, &mut trace)?;
        let explanation = crate::explain::build(self, record, &slots, &trace, &outcome);
        Ok((outcome, explanation))
    }

    fn outputs(
        &self,
        record: &Record,
        slots: &[Value],
        tracer: &mut Trace,
    ) -> Result<Outcome, ScoreError> {
        let mut values = vec![OutputValue::Bool(false); self.program.outputs.len()];
        self.store_outputs(record, slots, tracer, &mut values)?;
        Ok(Outcome {
            names: self.shared_output_names(),
            values,
        })
    }

    /// Evaluates every output of `record` over its finished slots into `values`, one
    /// per output, reusing the memory they hold.
    // Inlined into the scorer: it runs once per record on the fast path.
    #[inline]
    pub(crate) fn store_outputs(
        &self,
        record: &Record,
        slots: &[Value],
        tracer: &mut impl eval::Tracer,
        values: &mut [OutputValue],
    ) -> Result<(), ScoreError> {
        let texts = Texts::new(&self.program, record);
        for (index, into) in values.iter_mut().enumerate() {
            eval::output(&self.program, record, index, slots, tracer)
                .and_then(|v| store_output(&self.program, texts, index, v, into))
                .map_err(|e| self.score_error(e, record))?;
        }
        Ok(())
    }

    fn slot_count(&self) -> usize {
        self.program.model.inputs.len() + self.program.steps.len()
    }

    /// Whether the failed item is a ratio whose rule says `when zero error`.
    fn zero_is_an_error(&self, error: EvalError) -> bool {
        match error.at {
            Where::Item(i) => matches!(
                self.program.model.items[i].body,
                crate::check::model::Body::Ratio {
                    zero_error_written: true,
                    ..
                }
            ),
            Where::Output(_) => false,
        }
    }

    pub(crate) fn score_error(&self, error: EvalError, record: &Record) -> ScoreError {
        let model = &self.program.model;
        let (name, kind, formula) = match error.at {
            Where::Item(i) => {
                let item = &model.items[i];
                let kind = if item.kind == Kind::Grade {
                    "grade"
                } else {
                    "item"
                };
                (item.name.clone(), kind, self.source.slice(item.formula))
            }
            Where::Output(i) => {
                let output = &model.outputs[i];
                (
                    output.name.clone(),
                    "output",
                    self.source.slice(output.value.span),
                )
            }
        };
        let message = match error.fault {
            Fault::ZeroDenominator if self.zero_is_an_error(error) => format!(
                "the denominator of {kind} `{name}` = {formula} is 0, and the rule says that is an error (`when zero error`); correct the record's data"
            ),
            Fault::ZeroDenominator => format!(
                "division by zero in {kind} `{name}` = {formula}; add `, when zero VALUE` to say what it should be when the denominator is 0"
            ),
            Fault::DivisionByZero => format!(
                "division by zero in {kind} `{name}` = {formula}; compute that division in a `let` item of its own with `, when zero VALUE`"
            ),
            Fault::Overflow => format!(
                "computing {kind} `{name}` = {formula} needs a value of more than {MAX_DIGITS} digits, far beyond any real figure; look for a misplaced digit in the record's inputs, or a formula that multiplies a value by itself again and again"
            ),
            Fault::TooLongForOutput => format!(
                "{kind} `{name}` = {formula} has more digits than an output can carry (28 in all); round it to fewer decimal places, or look for a misplaced digit in the record's inputs"
            ),
            Fault::NotExact => format!(
                "{kind} `{name}` = {formula} has no exact decimal value; round it, as in round(x, 2, half_up)"
            ),
            Fault::Internal => {
                format!("internal error computing {kind} `{name}`; please report it")
            }
        };
        ScoreError {
            key: record.key().to_string(),
            name,
            fault: error.fault,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ruleset_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Ruleset>();
    }

    fn score(source: &str, fields: &[(&str, &str)]) -> Result<Outcome, ScoreError> {
        let ruleset = Ruleset::compile(source).unwrap();
        ruleset.evaluate(&ruleset.record(fields).unwrap())
    }

    #[test]
    fn a_division_by_zero_names_the_item_and_the_record() {
        let source = "ruleset t\nkey id\ninput id text\ninput a count\ninput b count\n\
                      let r = a / b\noutput o = round(r, 2, half_up)";
        let error = score(source, &[("id", "E9"), ("a", "1"), ("b", "0")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "record E9: division by zero in item `r` = a / b; add `, when zero VALUE` to say what it should be when the denominator is 0"
        );
    }

    #[test]
    fn a_zero_inside_a_guarded_ratio_says_the_guard_covers_the_last_division_only() {
        let source = "ruleset t\nkey id\ninput id text\ninput a count\ninput b count\n\
                      let r = a / b / 2, when zero 0%\noutput o = round(r, 2, half_up)";
        let error = score(source, &[("id", "E9"), ("a", "1"), ("b", "0")]).unwrap_err();
        assert_eq!(
            error.message,
            "division by zero in item `r` = a / b / 2; compute that division in a `let` item of its own with `, when zero VALUE`"
        );
    }

    #[test]
    fn a_zero_the_rule_calls_an_error_says_so() {
        let source = "ruleset t\nkey id\ninput id text\ninput a count\ninput b count\n\
                      let r = a / b, when zero error\noutput o = round(r, 2, half_up)";
        let error = score(source, &[("id", "E9"), ("a", "1"), ("b", "0")]).unwrap_err();
        assert_eq!(
            error.message,
            "the denominator of item `r` = a / b is 0, and the rule says that is an error (`when zero error`); correct the record's data"
        );
    }

    #[test]
    fn a_value_past_64_bits_is_exact_and_only_its_output_is_too_long() {
        let source = "ruleset t\nkey id\ninput id text\ninput x number\n\
                      let big = x * x * x * x\nlet back = big / x / x / x\n\
                      output o = back\noutput p = big";
        let x = "10000000000.5";
        let error = score(source, &[("id", "E1"), ("x", x)]).unwrap_err();
        assert_eq!(error.fault, Fault::TooLongForOutput);
        assert_eq!(error.name, "p");
        assert_eq!(
            error.message,
            "output `p` = big has more digits than an output can carry (28 in all); round it to fewer decimal places, or look for a misplaced digit in the record's inputs"
        );
        let source = source.replace("\noutput p = big", "");
        let outcome = score(&source, &[("id", "E1"), ("x", x)]).unwrap();
        assert_eq!(outcome.values[0].to_string(), x);
    }

    #[test]
    fn only_an_absurd_magnitude_is_an_overflow() {
        // x^4 four times over: 10^(27·256) has far more than 4000 digits.
        let source = "ruleset t\nkey id\ninput id text\ninput x number\n\
                      let a = x * x * x * x\nlet b = a * a * a * a\n\
                      let c = b * b * b * b\nlet d = c * c * c * c\noutput o = d";
        let x = "1000000000000000000000000000";
        let error = score(source, &[("id", "E1"), ("x", x)]).unwrap_err();
        assert_eq!(error.fault, Fault::Overflow);
        assert_eq!(error.name, "d");
        assert_eq!(
            error.to_string(),
            "record E1: computing item `d` = c * c * c * c needs a value of more than 4000 digits, far beyond any real figure; look for a misplaced digit in the record's inputs, or a formula that multiplies a value by itself again and again"
        );
    }

    #[test]
    fn an_output_without_an_exact_decimal_must_be_rounded() {
        let source = "ruleset t\nkey id\ninput id text\ninput x number\noutput third = x / 3";
        let error = score(source, &[("id", "E1"), ("x", "1")]).unwrap_err();
        assert_eq!(error.fault, Fault::NotExact);
        assert_eq!(
            error.message,
            "output `third` = x / 3 has no exact decimal value; round it, as in round(x, 2, half_up)"
        );
    }

    #[test]
    fn a_json_error_names_the_record_counting_from_one() {
        let ruleset =
            Ruleset::compile("ruleset t\nkey id\ninput id text\ninput n count\noutput o = n")
                .unwrap();
        let records = ruleset
            .read_json(r#"[{"id": "A", "n": 1}, {"id": "B", "n": -2}]"#)
            .unwrap();
        let errors = records[1].as_ref().unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "record 2 (B), column n, value \"-2\": a count must be a whole number, zero or more"
        );
    }
}

/// A record that could not be scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreError {
    /// The record's key.
    pub key: String,
    /// The item or output that failed.
    pub name: String,
    /// What went wrong.
    pub fault: Fault,
    /// A sentence saying what went wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {}: {}", self.key, self.message)
    }
}

impl std::error::Error for ScoreError {}
