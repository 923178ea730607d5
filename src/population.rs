//! Records scored together: the front door for rulesets whose items read other
//! records (group items, ranks, forced distributions).

use rayon::prelude::*;

use crate::eval::columns::{self, BATCH, Columns};
use crate::eval::population::{self, PopulationRun};
use crate::eval::{EvalError, Fault, NoTrace, SlotRead};
use crate::explain::{Explanation, PopulationInfo};
use crate::input::Record;
use crate::outcome::{Outcome, OutputValue};
use crate::ruleset::{Ruleset, ScoreError};

/// A population of records scored together: every group item, rank and distribution
/// worked out over them once. Ask it for each record's outcome or explanation.
///
/// ```
/// let ruleset = kpi::Ruleset::compile(r#"
/// ruleset t
/// key id
/// input id    text
/// input team  text
/// input calls count
/// let team_calls over team = sum(calls)
/// let place = rank calls highest first within team, ties shared
/// output team_calls = team_calls
/// output place = place
/// "#).unwrap();
/// let records: Vec<kpi::Record> = [["A", "T1", "10"], ["B", "T1", "30"], ["C", "T2", "5"]]
///     .iter()
///     .map(|values| ruleset.record_in_order(values).unwrap())
///     .collect();
/// let population = ruleset.score_together(&records);
/// let b = population.outcome(1).unwrap();
/// assert_eq!(b.get("team_calls").unwrap().to_string(), "40");
/// assert_eq!(b.get("place").unwrap().to_string(), "1");
/// ```
#[derive(Debug, Clone)]
pub struct Population<'a> {
    ruleset: &'a Ruleset,
    records: &'a [Record],
    run: PopulationRun,
}

impl<'a> Population<'a> {
    pub(crate) fn new(ruleset: &'a Ruleset, records: &'a [Record]) -> Population<'a> {
        let run = population::run(ruleset.program(), records);
        Population {
            ruleset,
            records,
            run,
        }
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records, in the order given.
    pub fn records(&self) -> &'a [Record] {
        self.records
    }

    /// The outputs of record `index`.
    pub fn outcome(&self, index: usize) -> Result<Outcome, ScoreError> {
        let mut outcome = Outcome {
            names: self.ruleset.shared_output_names(),
            values: vec![OutputValue::Bool(false); self.ruleset.program().outputs.len()],
        };
        self.outcome_into(index, &mut outcome)?;
        Ok(outcome)
    }

    /// The outputs of record `index`, written into `outcome` (an empty one, or one
    /// filled before), reusing the memory it holds: for going through every record
    /// without an allocation each.
    pub fn outcome_into(&self, index: usize, outcome: &mut Outcome) -> Result<(), ScoreError> {
        let record = self.record(index)?;
        if let Some(error) = self.run.errors[index] {
            return Err(self.error(error, index));
        }
        self.fit(outcome);
        self.ruleset.store_outputs(
            record,
            &self.run.slots.row(self.records, index),
            &mut NoTrace,
            &mut outcome.values,
        )
    }

    /// The outcomes of the records in `range`, one per record in order, into
    /// `outcomes`, reusing the memory they hold; a record past the last gets an
    /// error. The outputs are computed a batch of records at a time (in parallel
    /// within the thread pool it is called in): faster than
    /// [`Population::outcome_into`] for each record, with identical outcomes.
    ///
    /// ```
    /// # let ruleset = kpi::Ruleset::compile(r#"
    /// # ruleset t
    /// # key id
    /// # input id    text
    /// # input team  text
    /// # input calls count
    /// # let team_calls over team = sum(calls)
    /// # output team_calls = team_calls
    /// # "#).unwrap();
    /// # let records: Vec<kpi::Record> = [["A", "T1", "10"], ["B", "T1", "30"], ["C", "T2", "5"]]
    /// #     .iter()
    /// #     .map(|values| ruleset.record_in_order(values).unwrap())
    /// #     .collect();
    /// let population = ruleset.score_together(&records);
    /// let mut outcomes = Vec::new();
    /// population.outcomes_into(0..3, &mut outcomes);
    /// let totals: Vec<String> = outcomes
    ///     .iter()
    ///     .map(|o| o.as_ref().unwrap().get("team_calls").unwrap().to_string())
    ///     .collect();
    /// assert_eq!(totals, ["40", "40", "5"]);
    /// ```
    pub fn outcomes_into(
        &self,
        range: std::ops::Range<usize>,
        outcomes: &mut Vec<Result<Outcome, ScoreError>>,
    ) {
        let count = range.end.saturating_sub(range.start);
        outcomes.truncate(count);
        if count == 0 {
            return;
        }
        while outcomes.len() < count {
            outcomes.push(Ok(self.ruleset.blank_outcome()));
        }
        let program = self.ruleset.program();
        let held = range.start.min(self.records.len())..range.end.min(self.records.len());
        let (of_held, past) = outcomes.split_at_mut(held.len());
        for (index, outcome) in (held.end..range.end).zip(past) {
            self.outcome_result_into(index, outcome);
        }
        let Some(kernel) = &program.output_kernel else {
            for (index, outcome) in held.zip(of_held) {
                self.outcome_result_into(index, outcome);
            }
            return;
        };
        let width = self.run.slots.width();
        (
            self.records[held.clone()].par_chunks(BATCH),
            of_held.par_chunks_mut(BATCH),
        )
            .into_par_iter()
            .enumerate()
            .for_each_init(
                || Columns::new(kernel),
                |columns, (batch, (chunk, outcomes))| {
                    let first = held.start + batch * BATCH;
                    let items = self.run.slots.rows(first, chunk.len());
                    columns::run_over(program, kernel, chunk, (items, width), columns);
                    for (i, (record, outcome)) in chunk.iter().zip(outcomes).enumerate() {
                        let index = first + i;
                        let done = self.run.errors[index].is_none()
                            && self.fresh(outcome).is_some_and(|o| {
                                columns::outputs(program, kernel, columns, i, record, &mut o.values)
                            });
                        if !done {
                            self.outcome_result_into(index, outcome);
                        }
                    }
                },
            );
    }

    /// The outcome of record `index`, or its error, into `outcome`.
    fn outcome_result_into(&self, index: usize, outcome: &mut Result<Outcome, ScoreError>) {
        if let Some(o) = self.fresh(outcome)
            && let Err(e) = self.outcome_into(index, o)
        {
            *outcome = Err(e);
        }
    }

    /// `outcome` as an outcome of this ruleset's outputs, to be written over.
    fn fresh<'o>(&self, outcome: &'o mut Result<Outcome, ScoreError>) -> Option<&'o mut Outcome> {
        if outcome.is_err() {
            *outcome = Ok(self.ruleset.blank_outcome());
        }
        let outcome = outcome.as_mut().ok()?;
        self.fit(outcome);
        Some(outcome)
    }

    /// Makes `outcome` one of this ruleset's outputs, keeping its memory.
    fn fit(&self, outcome: &mut Outcome) {
        let names = self.ruleset.shared_output_names();
        if !std::sync::Arc::ptr_eq(&outcome.names, &names) {
            outcome.names = names;
        }
        let outputs = self.ruleset.program().outputs.len();
        outcome.values.resize(outputs, OutputValue::Bool(false));
    }

    /// The outputs of record `index` and how each value arose: a group item shows how
    /// many members counted, a rank the place and the neighbours, a distributed grade
    /// the slots and any tie at a boundary.
    pub fn explain(&self, index: usize) -> Result<(Outcome, Explanation), ScoreError> {
        self.explain_with(index, false)
    }

    /// As [`Population::explain`], with each member's part in every aggregate: its
    /// value and whether it counted.
    pub fn explain_with_members(&self, index: usize) -> Result<(Outcome, Explanation), ScoreError> {
        self.explain_with(index, true)
    }

    fn explain_with(
        &self,
        index: usize,
        with_members: bool,
    ) -> Result<(Outcome, Explanation), ScoreError> {
        let record = self.record(index)?;
        if let Some(error) = self.run.errors[index] {
            return Err(self.error(error, index));
        }
        let program = self.ruleset.program();
        let (outcome, mut explanation) = self.ruleset.explain_given(record, |step| {
            self.run.given(program, self.records, index, step)
        })?;
        for (step, item) in explanation.items.iter_mut().enumerate() {
            if let Some(decision) = crate::explain::group_decision(
                self.ruleset,
                self.records,
                &self.run,
                index,
                step,
                with_members,
            ) {
                item.decision = Some(decision);
            }
        }
        let depended_on = self.run.depended_on(program, self.records, index);
        let fingerprints = depended_on
            .iter()
            .map(|&r| crate::explain::fingerprint_of(&program.model, &self.records[r]))
            .collect();
        explanation.population = Some(PopulationInfo {
            records: depended_on.len(),
            fingerprint: crate::explain::population_fingerprint(fingerprints),
        });
        Ok((outcome, explanation))
    }

    /// The finished slots of record `index`: its inputs, then its items.
    pub(crate) fn slots(&self, index: usize) -> Result<Vec<crate::eval::Value>, ScoreError> {
        self.record(index)?;
        match self.run.errors[index] {
            Some(error) => Err(self.error(error, index)),
            None => {
                let row = self.run.slots.row(self.records, index);
                let width = self.ruleset.program().model.inputs.len() + row.items.len();
                Ok((0..width)
                    .map(|slot| row.slot(slot).unwrap_or(crate::eval::Value::Missing))
                    .collect())
            }
        }
    }

    fn record(&self, index: usize) -> Result<&'a Record, ScoreError> {
        self.records.get(index).ok_or_else(|| ScoreError {
            key: String::new(),
            name: self.ruleset.name().to_string(),
            fault: Fault::Internal,
            message: format!(
                "there is no record {index} in a population of {}",
                self.records.len()
            ),
        })
    }

    /// The error for record `r`, naming the record it depends on.
    fn error(&self, error: EvalError, r: usize) -> ScoreError {
        self.ruleset
            .population_error(error, self.records, r, self.run.blamed[r])
    }
}
