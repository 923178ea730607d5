//! Rolling a record up from its rows: the daily rows of one key in one month become
//! one record, holding the values the rows agree on and every reduction the rules
//! make over the rows (the month's, each week's, each day's).

use super::reduce::Reduction;
use super::{Fault, NoTrace, Texts, Value, eval, load_inputs, or_missing};
use crate::check::model::Slice;
use crate::compile::{Program, RowAggregate};
use crate::input::{DataError, DataErrorKind, Location, Record};
use crate::period::Period;
use crate::syntax::ast::Slicing;

/// The record of `key` for `period`, rolled up from `rows` (at least one, each placed
/// in `period` already): the values of the first row, which every row must share for
/// the inputs read as the record's, and each reduction over the rows; or what is wrong
/// with the rows.
pub(crate) fn roll_up(
    program: &Program,
    key: &str,
    period: Period,
    rows: &[&Record],
) -> Result<Record, DataError> {
    let first = rows
        .first()
        .ok_or_else(|| DataError::new(DataErrorKind::RowsDisagree, Location::Given, "no rows"))?;
    let inputs = &program.model.inputs;
    for (i, input) in inputs.iter().enumerate() {
        if !program.record_inputs.get(i).copied().unwrap_or(false) {
            continue;
        }
        if let Some(other) = rows.iter().find(|r| r.values[i] != first.values[i]) {
            let (a, b) = (first.values[i].to_string(), other.values[i].to_string());
            return Err(DataError::new(
                DataErrorKind::RowsDisagree,
                Location::Given,
                format!(
                    "the rows of one month disagree on it ({a} and {b}); the rules read it as one value for the month, so every row must give the same"
                ),
            )
            .at(&input.name, Some(&b))
            .with_key(Some(key.to_string())));
        }
    }
    // Each row as evaluation sees it: its own values, in the record's month.
    let mut slots = Vec::with_capacity(inputs.len());
    let mut reductions: Vec<Reduction> = program
        .row_aggregates
        .iter()
        .map(|a| Reduction::new(a.func))
        .collect();
    // The first and last day among the rows.
    let mut days: Option<(i32, i32)> = None;
    for row in rows {
        load_inputs(row, &mut slots);
        let texts = Texts::new(program, row);
        let day = row.date_at(program.model.period);
        if let Some(d) = day {
            days = Some(days.map_or((d, d), |(first, last)| (first.min(d), last.max(d))));
        }
        for (aggregate, reduction) in program.row_aggregates.iter().zip(&mut reductions) {
            counted(aggregate, texts, &slots, day, period, reduction).map_err(|fault| {
                DataError::new(
                    DataErrorKind::RowsDisagree,
                    Location::Given,
                    fault_message(fault),
                )
                .with_key(Some(key.to_string()))
            })?;
        }
    }
    let rolled = program
        .row_aggregates
        .iter()
        .zip(reductions)
        .map(
            |(aggregate, reduction)| match reduction.finish(&aggregate.when_empty) {
                Ok(Value::Num(r)) => Ok(Some(r)),
                Ok(_) => Ok(None),
                Err(fault) => Err(DataError::new(
                    DataErrorKind::RowsDisagree,
                    Location::Given,
                    fault_message(fault),
                )
                .with_key(Some(key.to_string()))),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let fingerprints = rows
        .iter()
        .map(|r| crate::explain::fingerprint_of(&program.model, r))
        .collect();
    Ok(Record {
        key: key.into(),
        values: first.values.clone(),
        period: Some(period),
        rolled: rolled.into(),
        rows: Some(Box::new(crate::input::Rows {
            count: rows.len(),
            days: days.unwrap_or_default(),
            fingerprint: crate::explain::population_fingerprint(fingerprints),
        })),
        location: first.location.clone(),
    })
}

/// Adds one row to a reduction, if it is of the reduction's week or day and passes
/// its filter.
fn counted(
    aggregate: &RowAggregate,
    texts: Texts<'_>,
    slots: &[Value],
    day: Option<i32>,
    period: Period,
    reduction: &mut Reduction,
) -> Result<(), Fault> {
    if let Some(slice) = aggregate.slice
        && !in_slice(slice, day, period)
    {
        return Ok(());
    }
    if let Some(filter) = &aggregate.filter
        && !or_missing(eval(filter, texts, slots, &mut NoTrace))?.bool()?
    {
        return Ok(());
    }
    let value = match &aggregate.value {
        Some(v) => Some(or_missing(eval(v, texts, slots, &mut NoTrace))?),
        None => None,
    };
    reduction.add(value)
}

/// Whether a row of `day` is in the week or day `slice` of the period's month.
fn in_slice(slice: Slice, day: Option<i32>, period: Period) -> bool {
    let Some(day) = day else {
        return false;
    };
    match slice.by {
        Slicing::Week => crate::time::week_of_month(day, period.month) == Some(slice.index),
        Slicing::Day => crate::time::first_day(period.month)
            .is_some_and(|first| usize::try_from(day - first).ok() == Some(slice.index)),
    }
}

/// What went wrong reducing the rows, for the data error.
fn fault_message(fault: Fault) -> String {
    match fault {
        Fault::EmptyGroup => "a reduction over the rows has no row to reduce; add `, when empty VALUE` inside it to say what that gives".into(),
        Fault::Overflow => "a reduction over the rows needs a value of more digits than any real figure; look for a misplaced digit in the rows".into(),
        Fault::DivisionByZero => "division by zero in a value reduced over the rows".into(),
        _ => "the rows could not be reduced".into(),
    }
}
