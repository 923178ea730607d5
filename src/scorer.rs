//! Scoring many records with one set of buffers: the fast path a payroll run uses.

use crate::eval::columns::{self, BATCH, Columns};
use crate::eval::{self, EvalError, NoTrace, Value};
use crate::input::Record;
use crate::outcome::{Outcome, OutputValue};
use crate::ruleset::{Ruleset, ScoreError};

/// Scores records on the fast path, reusing its memory: once the first records are
/// scored, scoring more allocates nothing (unless a text output outgrows the string
/// it is kept in).
///
/// [`Scorer::score_all`] scores many records by the ruleset's compiled kernel,
/// column by column over batches of records; a record the kernel cannot finish (a
/// missing value, a division by zero, a value too long to print) is scored again on
/// the reference path, which [`Scorer::score`] and explanations use, so the two
/// never disagree.
///
/// ```
/// # let ruleset = kpi::Ruleset::compile(
/// #     "ruleset t\nkey id\ninput id text\ninput n count\noutput twice = n * 2",
/// # ).unwrap();
/// let mut scorer = ruleset.scorer();
/// for n in ["1", "2"] {
///     let record = ruleset.record(&[("id", "A"), ("n", n)]).unwrap();
///     let outcome = scorer.score(&record).unwrap();
///     println!("{}", outcome.values[0]);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Scorer<'r> {
    ruleset: &'r Ruleset,
    slots: Vec<Value>,
    outcome: Outcome,
    /// The outcomes of the last [`Scorer::score_all`].
    outcomes: Vec<Result<Outcome, ScoreError>>,
    /// The kernel's registers, with the address of the program they were made for
    /// (a ruleset's versions each have their own).
    columns: Option<(usize, Box<Columns>)>,
}

impl<'r> Scorer<'r> {
    pub(crate) fn new(ruleset: &'r Ruleset) -> Scorer<'r> {
        let program = ruleset.program();
        Scorer {
            ruleset,
            slots: Vec::with_capacity(program.model.inputs.len() + program.steps.len()),
            outcome: ruleset.blank_outcome(),
            outcomes: Vec::new(),
            columns: None,
        }
    }

    /// Scores `record`. The outcome is valid until the next call. A ruleset that
    /// [reads the population](Ruleset::reads_population) cannot score records one
    /// at a time: each is an error saying so; use [`Ruleset::evaluate_all`].
    pub fn score(&mut self, record: &Record) -> Result<&Outcome, ScoreError> {
        if !self.ruleset.scores_by_period() {
            return self.score_with(self.ruleset, record);
        }
        // The version in force for the record's month, over its rolled-up rows.
        let record = &*self.ruleset.rolled(record)?;
        let ruleset = self.ruleset.in_force(record)?;
        self.score_with(ruleset, record)
    }

    /// Scores every record of `records`, as [`Scorer::score`] scores each: one
    /// result per record, in order, valid until the next call. Scoring many records
    /// at once lets the kernel run each instruction over a batch of them.
    pub fn score_all(&mut self, records: &[Record]) -> &[Result<Outcome, ScoreError>] {
        let ruleset = self.ruleset;
        self.outcomes.truncate(records.len());
        while self.outcomes.len() < records.len() {
            self.outcomes.push(Ok(ruleset.blank_outcome()));
        }
        let batched = !ruleset.scores_by_period() && ruleset.program().kernel.is_some();
        if !batched {
            for (i, record) in records.iter().enumerate() {
                let scored = self.score(record).map(|_| ());
                store(&mut self.outcomes[i], ruleset, scored, &self.outcome.values);
            }
            return &self.outcomes;
        }
        for (at, outcomes) in self.outcomes.chunks_mut(BATCH).enumerate() {
            let from = records.get(at * BATCH..).unwrap_or_default();
            let chunk = &from[..from.len().min(BATCH)];
            let columns = run_kernel(&mut self.columns, ruleset, from);
            for (i, (record, outcome)) in chunk.iter().zip(outcomes).enumerate() {
                if outcome.is_err() {
                    *outcome = Ok(ruleset.blank_outcome());
                }
                let Ok(Outcome { values, .. }) = outcome else {
                    continue;
                };
                let program = ruleset.program();
                let done = (columns.zip(program.kernel.as_ref()))
                    .is_some_and(|(c, k)| columns::outputs(program, k, c, i, record, values));
                if !done && let Err(e) = reference(ruleset, record, &mut self.slots, values) {
                    *outcome = Err(e);
                }
            }
        }
        &self.outcomes
    }

    fn score_with(&mut self, ruleset: &Ruleset, record: &Record) -> Result<&Outcome, ScoreError> {
        let program = ruleset.program();
        if program.reads_population() {
            return Err(ruleset.needs_population(record));
        }
        // One record alone is scored faster on the reference path than by running
        // every instruction of the kernel for it.
        reference(ruleset, record, &mut self.slots, &mut self.outcome.values)?;
        Ok(&self.outcome)
    }
}

/// Runs `ruleset`'s kernel over the first batch of `records` (fetching the next's
/// into the cache) in the registers kept in `kept` (made anew for another program);
/// `None` when it has no kernel.
fn run_kernel<'c>(
    kept: &'c mut Option<(usize, Box<Columns>)>,
    ruleset: &Ruleset,
    records: &[Record],
) -> Option<&'c Columns> {
    let program = ruleset.program();
    let kernel = program.kernel.as_ref()?;
    let address = std::ptr::from_ref(program) as usize;
    if kept.as_ref().is_none_or(|(a, _)| *a != address) {
        *kept = Some((address, Box::new(Columns::new(kernel))));
    }
    let (_, columns) = kept.as_mut()?;
    columns::run(program, kernel, records, columns);
    Some(columns)
}

/// Scores `record` on the reference path into `values`.
fn reference(
    ruleset: &Ruleset,
    record: &Record,
    slots: &mut Vec<Value>,
    values: &mut [OutputValue],
) -> Result<(), ScoreError> {
    eval::run(ruleset.program(), record, slots, &mut NoTrace)
        .map_err(|e: EvalError| ruleset.score_error(e, record))?;
    ruleset.store_outputs(record, slots, &mut NoTrace, values)
}

/// Puts a record's values (`values`, when it was scored), or its error, into
/// `outcome`, reusing its memory.
fn store(
    outcome: &mut Result<Outcome, ScoreError>,
    ruleset: &Ruleset,
    scored: Result<(), ScoreError>,
    values: &[OutputValue],
) {
    match (outcome, scored) {
        (Ok(outcome), Ok(())) if outcome.values.len() == values.len() => {
            outcome.values.clone_from_slice(values)
        }
        (Ok(outcome), Ok(())) => outcome.values = values.to_vec(),
        (outcome, Ok(())) => {
            *outcome = Ok(Outcome {
                names: ruleset.shared_output_names(),
                values: values.to_vec(),
            })
        }
        (outcome, Err(e)) => *outcome = Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"ruleset t
key id
input id   text
input team text
input n    count
let vip = team == "VIP"
grade level by n
  >= 10 : gold
  else  : plain
output who   = if vip then id else team
output level = level
output twice = n * 2"#;

    fn shown(outcome: &Outcome) -> Vec<String> {
        outcome.values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn a_reused_scorer_gives_each_record_its_own_outcome() {
        let ruleset = Ruleset::compile(SOURCE).unwrap();
        let mut scorer = ruleset.scorer();
        let rows = [
            (["E01", "VIP", "12"], ["E01", "gold", "24"]),
            (["E02", "north", "3"], ["north", "plain", "6"]),
            (["E0345678", "VIP", "0"], ["E0345678", "plain", "0"]),
        ];
        for (values, expected) in rows {
            let record = ruleset.record_in_order(&values).unwrap();
            let outcome = scorer.score(&record).unwrap();
            assert_eq!(shown(outcome), expected);
            assert_eq!(*outcome, ruleset.evaluate(&record).unwrap());
        }
    }

    #[test]
    fn a_failed_record_does_not_spoil_the_next() {
        let source = "ruleset t\nkey id\ninput id text\ninput a count\ninput b count\n\
                      output o = a / b";
        let ruleset = Ruleset::compile(source).unwrap();
        let mut scorer = ruleset.scorer();
        let zero = ruleset.record_in_order(&["E1", "1", "0"]).unwrap();
        let error = scorer.score(&zero).unwrap_err();
        assert_eq!(error.key, "E1");
        let half = ruleset.record_in_order(&["E2", "1", "2"]).unwrap();
        assert_eq!(shown(scorer.score(&half).unwrap()), ["50%"]);
    }
}
