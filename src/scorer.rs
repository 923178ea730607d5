//! Scoring many records with one set of buffers: the fast path a payroll run uses.

use crate::eval::{self, NoTrace, Value};
use crate::input::Record;
use crate::outcome::{Outcome, OutputValue};
use crate::ruleset::{Ruleset, ScoreError};

/// Scores records one after another on the fast path, reusing its memory: once the
/// first record is scored, scoring another allocates nothing (unless a text output
/// outgrows the string it is kept in).
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
}

impl<'r> Scorer<'r> {
    pub(crate) fn new(ruleset: &'r Ruleset) -> Scorer<'r> {
        let program = ruleset.program();
        Scorer {
            ruleset,
            slots: Vec::with_capacity(program.model.inputs.len() + program.steps.len()),
            outcome: Outcome {
                names: ruleset.shared_output_names(),
                values: vec![OutputValue::Bool(false); program.outputs.len()],
            },
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

    fn score_with(&mut self, ruleset: &Ruleset, record: &Record) -> Result<&Outcome, ScoreError> {
        let program = ruleset.program();
        if program.reads_population() {
            return Err(ruleset.needs_population(record));
        }
        eval::run(program, record, &mut self.slots, &mut NoTrace)
            .map_err(|e| ruleset.score_error(e, record))?;
        ruleset.store_outputs(record, &self.slots, &mut NoTrace, &mut self.outcome.values)?;
        Ok(&self.outcome)
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
