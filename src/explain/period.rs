//! What an explanation says of time: the month a record was scored for, the rows it
//! was rolled up from, the days of an item computed for each week or day, and where a
//! month-to-date warning stands.

use super::model::{Decision, PeriodShown, RowsShown};
use super::show::value;
use crate::Ruleset;
use crate::check::model::Item;
use crate::check::types::Type;
use crate::compile::Op;
use crate::eval::{NoTrace, Texts, Value, pace_figures};
use crate::input::Record;
use crate::syntax::ast::Slicing;
use crate::time::{first_day, show_date, show_month, week_days};

/// The record's month, as of its as-of date.
pub(super) fn shown(record: &Record) -> Option<PeriodShown> {
    let period = record.period?;
    let days = period.days()?;
    Some(PeriodShown {
        month: show_month(period.month),
        as_of: show_date(period.as_of),
        days: i64::from(days.count()),
        elapsed: i64::from(days.elapsed),
        remaining: i64::from(days.remaining),
    })
}

/// The daily rows the record was rolled up from.
pub(super) fn rows(record: &Record) -> Option<RowsShown> {
    let rows = record.rows.as_ref()?;
    Some(RowsShown {
        count: rows.count,
        from: show_date(rows.days.0),
        to: show_date(rows.days.1),
    })
}

/// ` (2026-11-02 – 2026-11-08)` after the name of an item computed for each week or
/// day: the days of the record's month it covers; nothing for another item.
pub(super) fn slice_days(item: &Item, record: &Record) -> String {
    let (Some(slice), Some(period)) = (item.slice, record.period) else {
        return String::new();
    };
    let days = match slice.by {
        Slicing::Week => week_days(period.month, slice.index),
        Slicing::Day => first_day(period.month).map(|d| {
            let day = d + slice.index as i32;
            (day, day)
        }),
    };
    match days {
        Some((from, to)) if from == to => format!(" ({})", show_date(from)),
        Some((from, to)) => format!(" ({} – {})", show_date(from), show_date(to)),
        None => String::new(),
    }
}

/// Where the warning at item position `index` stands, worked out again over the
/// record's finished values; `None` for any other item.
pub(super) fn warning(
    ruleset: &Ruleset,
    index: usize,
    texts: Texts<'_>,
    slots: &[Value],
) -> Option<Decision> {
    let program = ruleset.program();
    // The status's step says it; what it would take a day is its value.
    let Op::Pace(pace) = &program.steps.get(index)?.op else {
        return None;
    };
    pace.words?;
    let figures = pace_figures(pace, texts, slots, &mut NoTrace).ok()?;
    let remaining = texts.record().period()?.days()?.remaining;
    let model = &program.model;
    // The projection is an estimate: two places say enough of it.
    let number = |r: &crate::number::Rational| match crate::number::decimal_places(r) {
        Some(places) if places <= 2 => value(model, texts, &Value::Num(r.clone()), Type::Number),
        _ => crate::number::round(r, 2, crate::number::RoundingMode::HalfUp)
            .map(|r| crate::number::shown_with_places(&r, 2))
            .unwrap_or_else(|_| value(model, texts, &Value::Num(r.clone()), Type::Number)),
    };
    let percent =
        |r: &crate::number::Rational| value(model, texts, &Value::Num(r.clone()), Type::Percent);
    Some(Decision::Warning {
        status: figures.status.word().to_string(),
        rate: percent(&figures.rate),
        target: percent(&pace.target),
        daily: number(&figures.daily),
        projected: number(&figures.projected),
        remaining: i64::from(remaining),
        needed: figures.needed.as_ref().map(number),
    })
}
