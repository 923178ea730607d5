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
use crate::input::{self, DataError, DataErrorKind, Location, Record};
use crate::number::MAX_DIGITS;
use crate::outcome::{Outcome, OutputValue, store_output};
use crate::population::Population;
use crate::scorer::Scorer;
use crate::syntax::ast::InputType;

/// One declared input of a ruleset: a column of the data.
#[derive(Debug, Clone, Copy)]
pub struct InputInfo<'a>(&'a Input);

impl<'a> InputInfo<'a> {
    /// The column name.
    pub fn name(self) -> &'a str {
        &self.0.name
    }

    /// The label written in the rule file, if any (`"接通量 / Calls answered"`).
    pub fn label(self) -> Option<&'a str> {
        self.0.label.as_deref()
    }

    /// The declared type.
    pub fn input_type(self) -> InputType {
        self.0.input_type
    }

    /// Whether the input may be left empty (`input x count optional`).
    pub fn optional(self) -> bool {
        self.0.optional
    }
}

/// A compiled ruleset: immutable, `Send + Sync`, reusable for any number of records.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub(crate) program: Program,
    source: SourceFile,
    warnings: Vec<Diagnostic>,
    output_names: Arc<[String]>,
    /// The later versions by date, each a whole ruleset, in order of their dates.
    later: Vec<Ruleset>,
}

impl Ruleset {
    /// Compiles rule file text. On failure the error holds every diagnostic found.
    pub fn compile(text: &str) -> Result<Ruleset, Diagnostics> {
        Ruleset::compile_source(SourceFile::new("ruleset.kpi", text))
    }

    /// Compiles a rule file whose diagnostics name it `source.name`.
    pub fn compile_source(source: SourceFile) -> Result<Ruleset, Diagnostics> {
        crate::syntax::stack::with_enough(|| Ruleset::compile_here(source))
    }

    fn compile_here(source: SourceFile) -> Result<Ruleset, Diagnostics> {
        let (file, mut diagnostics) = crate::syntax::parse(&source);
        let (files, composed) = crate::check::versions::compose(&file);
        diagnostics.extend(composed);
        let mut models = Vec::new();
        for file in &files {
            let (model, checked) = crate::check::check(file);
            // A problem of the first version is found again in every later one.
            for d in checked {
                if !diagnostics.contains(&d) {
                    diagnostics.push(d);
                }
            }
            models.push(model);
        }
        diagnostics.extend(crate::check::versions::check_dates(&models, &files));
        diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
        // Syntax errors mean part of the file was not read: its model is incomplete.
        let has_errors = diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        let models: Option<Vec<_>> = models.into_iter().collect();
        let Some(models) = models.filter(|_| !has_errors) else {
            return Err(Diagnostics {
                source,
                list: diagnostics,
            });
        };
        let mut rulesets = models.into_iter().map(|model| Ruleset {
            output_names: model.outputs.iter().map(|o| o.name.clone()).collect(),
            program: compile(model),
            warnings: Vec::new(),
            source: source.clone(),
            later: Vec::new(),
        });
        let mut first = rulesets.next().ok_or_else(|| Diagnostics {
            source: source.clone(),
            list: Vec::new(),
        })?;
        first.later = rulesets.collect();
        first.warnings = diagnostics;
        Ok(first)
    }

    /// The version in force for `record`: the last whose date is on or before the
    /// first day of the record's month.
    pub(crate) fn in_force(&self, record: &Record) -> Result<&Ruleset, ScoreError> {
        let Some(period) = record.period() else {
            return Ok(self);
        };
        let before_the_first = matches!(
            (self.program.model.effective_from, crate::time::first_day(period.month)),
            (Some(from), Some(day)) if from > day
        );
        if before_the_first {
            return Err(self.score_error(Fault::NoVersion.at_start(), record));
        }
        Ok(self.version_for(period))
    }

    /// The version in force for the month of `period`: the last whose date is on or
    /// before its first day, else the first (a record of a month before it is
    /// refused when it is scored).
    pub(crate) fn version_for(&self, period: crate::period::Period) -> &Ruleset {
        let first_day = crate::time::first_day(period.month);
        let version = self.later.iter().rev().find(
            |v| matches!((v.program.model.effective_from, first_day), (Some(f), Some(d)) if f <= d),
        );
        version.unwrap_or(self)
    }

    /// The record as the rules read it: a record of daily rows not yet rolled up
    /// (built one row at a time, as a test case is) is rolled up from itself alone,
    /// for the whole of its month.
    pub(crate) fn rolled<'r>(
        &self,
        record: &'r Record,
    ) -> Result<std::borrow::Cow<'r, Record>, ScoreError> {
        let program = &record.period.map_or(self, |p| self.version_for(p)).program;
        if program.row_aggregates.is_empty() || !record.rolled.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(record));
        }
        let period = record
            .period
            .ok_or_else(|| self.score_error(Fault::Internal.at_start(), record))?;
        let row = Record {
            period: Some(period),
            ..record.clone()
        };
        crate::eval::rollup::roll_up(program, record.key(), period, &[&row])
            .map(std::borrow::Cow::Owned)
            .map_err(|e| ScoreError {
                key: record.key().to_string(),
                name: self.name().to_string(),
                fault: Fault::Internal,
                message: e.message,
            })
    }

    /// Every version, the first one first.
    pub(crate) fn versions(&self) -> impl Iterator<Item = &Ruleset> {
        std::iter::once(self).chain(&self.later)
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

    /// The declared inputs, in declaration order.
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = InputInfo<'_>> {
        self.input_decls().iter().map(InputInfo)
    }

    /// The declared inputs as the checker modelled them.
    pub(crate) fn input_decls(&self) -> &[Input] {
        &self.program.model.inputs
    }

    /// The checked rule file printed with every source position erased: two files
    /// that differ only in layout and comments have the same meaning. For tests of the
    /// formatter; the text is not a stable format.
    #[doc(hidden)]
    pub fn meaning(&self) -> String {
        let printed = format!("{:#?}", self.program.model);
        let mut erased = String::with_capacity(printed.len());
        let mut rest = printed.as_str();
        while let Some(at) = rest.find("Span {") {
            erased.push_str(&rest[..at]);
            let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
            erased.push_str("Span");
            rest = &rest[end..];
        }
        erased.push_str(rest);
        erased
    }

    /// The names of the inputs that identify a record (one, or more for a key such
    /// as `key agent_id, month`); a record's key is their values joined by commas.
    pub fn key_names(&self) -> Vec<&str> {
        let model = &self.program.model;
        model
            .keys
            .iter()
            .map(|&k| model.inputs[k].name.as_str())
            .collect()
    }

    /// The values a key as written stands for, each written back as a data file
    /// may give it: `7` for a count written `007` or `7.0`, and text trimmed. The
    /// parts of a key of several inputs are split at commas.
    /// Text that does not read so is kept, trimmed. Two keys that give the same are
    /// the same record's.
    pub(crate) fn key_values(&self, text: &str) -> String {
        let inputs = self.input_decls();
        let columns = &self.program.model.keys;
        let parts: Vec<&str> = match columns.len() {
            1 => vec![text],
            _ => text.split(',').collect(),
        };
        let read = (parts.len() == columns.len())
            .then(|| {
                columns
                    .iter()
                    .zip(parts)
                    .map(|(&c, part)| {
                        let input = inputs.get(c)?;
                        let value = input::parse_value(input, part).ok()?;
                        Some(value.shown(input.ty))
                    })
                    .collect::<Option<Vec<String>>>()
            })
            .flatten();
        match read {
            Some(parts) => parts.join(","),
            None => text.trim().to_string(),
        }
    }

    /// The key's inputs and the period's, for the loaders.
    pub(crate) fn keys(&self) -> input::Keys<'_> {
        input::Keys {
            columns: &self.program.model.keys,
            period: self.program.model.period,
        }
    }

    /// The inputs whose values form the groups that items are computed `over`, in the
    /// order the rule file first uses them; empty for a ruleset that scores each
    /// record alone.
    ///
    /// ```
    /// let ruleset = kpi::Ruleset::compile(
    ///     "ruleset t\nkey id\ninput id text\ninput team text\ninput n number\n\
    ///      let team_n over team = sum(n)\noutput o = team_n",
    /// )
    /// .unwrap();
    /// assert_eq!(ruleset.group_names(), ["team"]);
    /// ```
    pub fn group_names(&self) -> Vec<&str> {
        let model = &self.program.model;
        let mut names: Vec<&str> = Vec::new();
        for item in &model.items {
            if let crate::check::model::Level::Group(input) = item.level {
                let name = model.inputs[input].name.as_str();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
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

    /// The labels of the grade that output `name` gives, in the order the rule file
    /// lists its rows (best first, as grades are written); `None` when no output of
    /// that name gives a grade.
    ///
    /// ```
    /// let ruleset = kpi::Ruleset::compile(
    ///     "ruleset t\nkey id\ninput id text\ninput s number\n\
    ///      grade level by s\n  >= 90 : S coefficient 1.2\n  else : D coefficient 0\n\
    ///      output grade = level\noutput s2 = s",
    /// )
    /// .unwrap();
    /// assert_eq!(ruleset.grade_labels("grade"), Some(&["S".to_string(), "D".to_string()][..]));
    /// assert_eq!(ruleset.grade_labels("s2"), None);
    /// ```
    pub fn grade_labels(&self, name: &str) -> Option<&[String]> {
        let program = &self.program;
        let index = program.model.outputs.iter().position(|o| o.name == name)?;
        match program.output_types.get(index)? {
            crate::check::types::Type::Grade(position) => program
                .grade_labels
                .get(*position)
                .map(|labels| &labels[..]),
            _ => None,
        }
    }

    /// The value of input `name` in `record` (a record this ruleset read), written as
    /// a data file gives it: `95%` for a percentage, `2026-11-15` for a date, the empty
    /// string for a missing value. `None` when the ruleset declares no such input. A
    /// record rolled up from daily rows holds the values of its first row.
    ///
    /// ```
    /// let ruleset = kpi::Ruleset::compile(
    ///     "ruleset t\nkey id\ninput id text\ninput team text\ninput rate percent\n\
    ///      output r = rate",
    /// )
    /// .unwrap();
    /// let record = ruleset
    ///     .record(&[("id", "E1"), ("team", "T1"), ("rate", "0.95")])
    ///     .unwrap();
    /// assert_eq!(ruleset.input_value(&record, "team").as_deref(), Some("T1"));
    /// assert_eq!(ruleset.input_value(&record, "rate").as_deref(), Some("95%"));
    /// assert_eq!(ruleset.input_value(&record, "nothing"), None);
    /// ```
    pub fn input_value(&self, record: &Record, name: &str) -> Option<String> {
        let index = self.input_decls().iter().position(|i| i.name == name)?;
        let value = record.values.get(index)?;
        Some(value.shown(self.input_decls()[index].ty))
    }

    /// The output names, shared by every [`Outcome`].
    pub(crate) fn shared_output_names(&self) -> Arc<[String]> {
        Arc::clone(&self.output_names)
    }

    /// An outcome of this ruleset's outputs, each a placeholder to be overwritten.
    pub(crate) fn blank_outcome(&self) -> Outcome {
        Outcome {
            names: self.shared_output_names(),
            values: vec![OutputValue::Bool(false); self.program.outputs.len()],
        }
    }

    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// Builds a record from `(input, value as text)` pairs, checking every value.
    pub fn record(&self, fields: &[(&str, &str)]) -> Result<Record, Vec<DataError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for input in self.input_decls() {
            let found = fields.iter().find(|(name, _)| *name == input.name);
            match found.map(|(_, text)| input::parse_value(input, text)) {
                Some(Ok(v)) => values.push(v),
                Some(Err((kind, message))) => errors.push(
                    DataError::new(kind, Location::Given, message)
                        .at(&input.name, found.map(|f| f.1)),
                ),
                None => errors.push(
                    DataError::new(
                        DataErrorKind::MissingValue,
                        Location::Given,
                        "no value given for this input",
                    )
                    .at(&input.name, None),
                ),
            }
        }
        let inputs = self.input_decls();
        let key = self
            .keys()
            .value(|k| {
                fields
                    .iter()
                    .find(|(name, _)| *name == inputs[k].name)
                    .map(|(_, text)| *text)
            })
            .unwrap_or_default();
        Record::read(key, values, errors, self.keys(), Location::Given)
    }

    /// Builds a record from one value per declared input, in declaration order, as
    /// `kpi generate` writes them and test cases hold them.
    pub fn record_in_order<S: AsRef<str>>(&self, values: &[S]) -> Result<Record, Vec<DataError>> {
        let fields: Vec<(&str, &str)> = self
            .input_decls()
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
        input::csv::read(self.input_decls(), self.keys(), reader, b',')
    }

    /// Reads the header of a CSV file, then yields its rows split into fields but not
    /// yet read against the inputs; [`Ruleset::csv_record`] reads one. The split lets
    /// rows be read on many threads while the file is read on one.
    pub fn read_csv_rows<R: Read>(
        &self,
        reader: R,
    ) -> Result<impl Iterator<Item = Result<CsvRow, Vec<DataError>>> + use<R>, DataError> {
        self.read_csv_rows_delimited(reader, b',')
    }

    /// As [`Ruleset::read_csv_rows`], for a file whose fields are separated by
    /// `delimiter` (`b';'`, `b'\t'`) rather than commas.
    pub fn read_csv_rows_delimited<R: Read>(
        &self,
        reader: R,
        delimiter: u8,
    ) -> Result<impl Iterator<Item = Result<CsvRow, Vec<DataError>>> + use<R>, DataError> {
        input::csv::rows(self.input_decls(), self.keys(), reader, delimiter)
    }

    /// Reads a row from [`Ruleset::read_csv_rows`] of this ruleset: the record, or
    /// every problem found in the row.
    pub fn csv_record(&self, row: &CsvRow) -> Result<Record, Vec<DataError>> {
        input::csv::record(self.input_decls(), self.keys(), row)
    }

    /// Reads the rows of a spreadsheet's sheet, named `sheet` in every problem, with
    /// each cell written as text (a number as the decimal the spreadsheet shows, a
    /// date as `YYYY-MM-DD`): the first row names the columns, each row after it is a
    /// record. The error is a problem with the whole sheet, such as a missing column.
    pub fn read_sheet(
        &self,
        sheet: &str,
        rows: &[Vec<String>],
    ) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
        input::sheet::read(self.input_decls(), self.keys(), sheet, rows)
    }

    /// Reads a JSON array of record objects held in memory.
    pub fn read_json(&self, text: &str) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
        input::json::read_array(self.input_decls(), self.keys(), text)
    }

    /// Reads one JSON record object held in memory, as a service receives it: its
    /// fields by name, numbers exactly as written.
    ///
    /// ```
    /// let ruleset = kpi::Ruleset::compile("ruleset t\nkey id\ninput id text\ninput n count\noutput o = n").unwrap();
    /// let record = ruleset.read_json_record(r#"{"id": "E01", "n": 7}"#).unwrap();
    /// assert_eq!(ruleset.evaluate(&record).unwrap().get("o").unwrap().to_string(), "7");
    /// let problems = ruleset.read_json_record(r#"{"id": "E01", "n": 7, "n": 8}"#).unwrap_err();
    /// assert_eq!(problems[0].kind.code(), "D0202");
    /// ```
    pub fn read_json_record(&self, text: &str) -> Result<Record, Vec<DataError>> {
        input::json::read_object(self.input_decls(), self.keys(), text)
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
        input::json::read_array_each(self.input_decls(), self.keys(), reader, each)
    }

    /// Reads JSON Lines, one record object per line, a line at a time: give it a
    /// `BufReader` over a file, or `text.as_bytes()`.
    pub fn read_json_lines<'a, R: BufRead + 'a>(
        &'a self,
        reader: R,
    ) -> impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a {
        input::json::read_lines(self.input_decls(), self.keys(), reader)
    }

    /// Whether records are scored together: some item reads other records (a group
    /// item `over` a column, a rank, a forced distribution). Such a ruleset scores a
    /// whole population with [`Ruleset::evaluate_all`].
    pub fn reads_population(&self) -> bool {
        self.program.reads_population()
    }

    /// Scores a record: the outputs only, on the fast path. To score many records,
    /// a [`Scorer`] reuses its memory from one to the next. A ruleset that
    /// [reads the population](Ruleset::reads_population) scores the record as a
    /// population of one: a group of one member, ranked first.
    pub fn evaluate(&self, record: &Record) -> Result<Outcome, ScoreError> {
        let record = &*self.rolled(record)?;
        let this = self.in_force(record)?;
        if !std::ptr::eq(this, self) {
            return this.evaluate(record);
        }
        if self.reads_population() {
            let mut all = self.evaluate_all(std::slice::from_ref(record));
            return all
                .pop()
                .unwrap_or_else(|| Err(self.score_error(Fault::Internal.at_start(), record)));
        }
        self.scorer().score(record).cloned()
    }

    /// Scores `records` together: every group item, rank and distribution is worked
    /// out over them. One result per record, in the same order; a record that cannot
    /// be scored spoils the values of its group (and of every record, for a rank of
    /// all records), which are reported as depending on it. The results do not depend
    /// on the order of the records. Rules that read no other record score each record
    /// alone, as [`Ruleset::evaluate`] does, by the version in force in its month.
    pub fn evaluate_all(&self, records: &[Record]) -> Vec<Result<Outcome, ScoreError>> {
        if !self.reads_population() {
            if self.scores_by_period() {
                // Each record by the version in force in its month, which may read
                // the population.
                return records.iter().map(|r| self.evaluate(r)).collect();
            }
            return self.scorer().score_all(records).to_vec();
        }
        let mut outcomes = Vec::with_capacity(records.len());
        self.score_together(records)
            .outcomes_into(0..records.len(), &mut outcomes);
        outcomes
    }

    /// Scores `records` together, to ask for each one's outcome or explanation.
    pub fn score_together<'a>(&'a self, records: &'a [Record]) -> Population<'a> {
        Population::new(self, records)
    }

    /// The error for scoring `record` alone with a ruleset that reads the population.
    pub(crate) fn needs_population(&self, record: &Record) -> ScoreError {
        ScoreError {
            key: record.key().to_string(),
            name: self.name().to_string(),
            fault: Fault::Internal,
            message: format!(
                "ruleset `{}` scores records together (group items, ranks, distributions); score the whole population with Ruleset::evaluate_all",
                self.name()
            ),
        }
    }

    /// The error for record `r` of a population, naming the record it depends on.
    pub(crate) fn population_error(
        &self,
        error: EvalError,
        records: &[Record],
        r: usize,
        blamed: Option<u32>,
    ) -> ScoreError {
        let mut score_error = self.score_error(error, &records[r]);
        if let (Fault::MemberFailed, Some(m)) = (error.fault, blamed) {
            let other = records.get(m as usize).map_or("", |o| o.key());
            score_error.message = format!(
                "not scored, because {} `{}` depends on record {other}, which could not be scored; correct that record first",
                self.what(error.at),
                score_error.name
            );
        }
        score_error
    }

    /// A scorer for many records on the fast path.
    pub fn scorer(&self) -> Scorer<'_> {
        Scorer::new(self)
    }

    /// Scores a record on the traced path: the outputs and how each value arose. A
    /// ruleset that reads the population explains the record as a population of one.
    pub fn explain(&self, record: &Record) -> Result<(Outcome, Explanation), ScoreError> {
        let record = &*self.rolled(record)?;
        let this = self.in_force(record)?;
        if !std::ptr::eq(this, self) {
            return this.explain(record);
        }
        if self.reads_population() {
            return self.score_together(std::slice::from_ref(record)).explain(0);
        }
        self.explain_given(record, |_| None)
    }

    /// The traced path, with the values of population items given.
    pub(crate) fn explain_given(
        &self,
        record: &Record,
        given: impl FnMut(usize) -> Option<Value>,
    ) -> Result<(Outcome, Explanation), ScoreError> {
        let mut trace = Trace::new(self.program.steps.len());
        let mut slots = Vec::with_capacity(self.slot_count());
        eval::run_given(&self.program, record, &mut slots, &mut trace, given)
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
        let mut outcome = self.blank_outcome();
        self.store_outputs(record, slots, tracer, &mut outcome.values)?;
        Ok(outcome)
    }

    /// Evaluates every output of `record` over its finished slots into `values`, one
    /// per output, reusing the memory they hold.
    // Inlined into the scorer: it runs once per record on the fast path.
    #[inline]
    pub(crate) fn store_outputs(
        &self,
        record: &Record,
        slots: &(impl eval::SlotRead + ?Sized),
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

    /// What the computation at `at` is, in a word: item, grade, aggregate or output.
    fn what(&self, at: Where) -> &'static str {
        match at {
            Where::Item(i) => match self.program.model.items.get(i).map(|item| item.kind) {
                Some(Kind::Grade) => "grade",
                Some(Kind::Aggregate) => "aggregate",
                _ => "item",
            },
            Where::Output(_) => "output",
        }
    }

    pub(crate) fn score_error(&self, error: EvalError, record: &Record) -> ScoreError {
        let model = &self.program.model;
        let kind = self.what(error.at);
        let (name, formula) = match error.at {
            Where::Item(i) => {
                let item = &model.items[i];
                // An aggregate is named by what is written.
                let name = match item.kind {
                    Kind::Aggregate => self.source.slice(item.formula).to_string(),
                    _ => item.name.clone(),
                };
                (name, self.source.slice(item.formula))
            }
            Where::Output(i) => {
                let output = &model.outputs[i];
                (output.name.clone(), self.source.slice(output.value.span))
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
            Fault::TooManyPlaces => format!(
                "{kind} `{name}` = {formula} has more decimal places than an output can carry (28 digits in all); round it, as in round(x, 2, half_up)"
            ),
            Fault::NotExact => format!(
                "{kind} `{name}` = {formula} has no exact decimal value; round it, as in round(x, 2, half_up)"
            ),
            Fault::EmptyGroup => format!(
                "{kind} `{name}` has no member to reduce in this record's group; add `, when empty VALUE` inside it to say what an empty group gives"
            ),
            Fault::Tie => format!(
                "{kind} `{name}` ties this record with another on every key, and the rule says `ties strict`; add a tie-break with `then`, such as `then agent_id lowest first`"
            ),
            Fault::MemberFailed => format!(
                "not scored, because {kind} `{name}` depends on a record that could not be scored"
            ),
            Fault::ShareNotWholeFen => format!(
                "{kind} `{name}` shares an amount that is not a whole number of fen; round it, as in round(x, 2, down)"
            ),
            Fault::ShareNegativeWeight => {
                format!("{kind} `{name}` weighs this record below zero; a weight is zero or more")
            }
            Fault::ShareNoWeight => format!(
                "{kind} `{name}` has an amount to share in this record's group, but no member with a weight above zero"
            ),
            Fault::MissingKey => format!(
                "{kind} `{name}` needs a value this record (or a member of its group) does not have, to order or weigh it; leave such records out with `where known(...)`"
            ),
            Fault::NoVersion => "no version of the rules was in force on the first day of the record's month; check the month, or add a version in force from an earlier date".to_string(),
            Fault::Missing | Fault::Internal => {
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
    fn a_key_as_written_reads_as_its_values() {
        let counted =
            Ruleset::compile("ruleset t\nkey id\ninput id count\ninput n count\noutput o = n")
                .unwrap();
        for written in ["007", " 7 ", "7.0", "7"] {
            assert_eq!(counted.key_values(written), "7", "{written}");
        }
        assert_eq!(counted.key_values("E07"), "E07");
        let monthly = Ruleset::compile(
            "ruleset t\nkey id, month\ninput id text\ninput month month\ninput n count\noutput o = n",
        )
        .unwrap();
        assert_eq!(monthly.key_values(" 007 , 2026-03 "), "007,2026-03");
        assert_eq!(monthly.key_values("007"), "007");
    }

    #[test]
    fn a_ruleset_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Ruleset>();
    }

    #[test]
    fn an_input_value_reads_as_the_data_file_gives_it() {
        let ruleset = Ruleset::compile(
            "ruleset t\ncurrency CNY\nkey id\ninput id text\ninput team text\ninput rate percent\n\
             input day date\ninput bonus money optional\ninput n count\noutput o = n",
        )
        .unwrap();
        let record = ruleset
            .record(&[
                ("id", "E1"),
                ("team", "班组 1"),
                ("rate", "94.5%"),
                ("day", "2026-11-15"),
                ("bonus", ""),
                ("n", "007"),
            ])
            .unwrap();
        let value = |name| ruleset.input_value(&record, name);
        assert_eq!(value("id").as_deref(), Some("E1"));
        assert_eq!(value("team").as_deref(), Some("班组 1"));
        assert_eq!(value("rate").as_deref(), Some("94.5%"));
        assert_eq!(value("day").as_deref(), Some("2026-11-15"));
        assert_eq!(value("bonus").as_deref(), Some(""));
        assert_eq!(value("n").as_deref(), Some("7"));
        assert_eq!(value("o"), None);
    }

    #[test]
    fn grade_labels_are_listed_in_the_order_of_the_rows() {
        let ruleset = Ruleset::compile(
            "ruleset t\nkey id\ninput id text\ninput s number\n\
             grade level by s\n  >= 90 : S coefficient 1.2\n  >= 80 : A coefficient 1\n\
             else : D coefficient 0\noutput g = level\noutput c = level.coefficient",
        )
        .unwrap();
        let labels: Vec<&str> = ruleset
            .grade_labels("g")
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(labels, ["S", "A", "D"]);
        assert_eq!(ruleset.grade_labels("c"), None);
        assert_eq!(ruleset.grade_labels("level"), None);
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
    fn a_small_value_of_many_places_blames_the_rounding_not_the_data() {
        // 12.5 halved forty times is exact, with more places than an output holds.
        let halves = " / 2".repeat(40);
        let source =
            format!("ruleset t\nkey id\ninput id text\ninput x number\noutput o = x{halves}");
        let error = score(&source, &[("id", "E1"), ("x", "12.5")]).unwrap_err();
        assert_eq!(error.fault, Fault::TooManyPlaces);
        assert_eq!(
            error.message,
            format!(
                "output `o` = x{halves} has more decimal places than an output can carry (28 digits in all); round it, as in round(x, 2, half_up)"
            )
        );
        let rounded = source.replace(
            &format!("x{halves}"),
            &format!("round(x{halves}, 12, half_up)"),
        );
        let outcome = score(&rounded, &[("id", "E1"), ("x", "12.5")]).unwrap();
        assert_eq!(outcome.values[0].to_string(), "0.000000000011");
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScoreError {
    /// The record's key.
    pub key: String,
    /// The item or output that failed; serialised as `item`.
    #[serde(rename = "item")]
    pub name: String,
    /// What went wrong; serialised as its `code`.
    #[serde(rename = "code")]
    pub fault: Fault,
    /// A sentence saying what went wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key.is_empty() {
            // An error that is not of one record, such as asking past the last.
            true => f.write_str(&self.message),
            false => write!(f, "record {}: {}", self.key, self.message),
        }
    }
}

impl std::error::Error for ScoreError {}
