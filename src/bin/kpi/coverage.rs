//! `kpi coverage`: how many records reach each tier row, grade band and veto, so that
//! a row no record reaches (a dead threshold, a typo in a boundary) shows before the
//! rules ship.

use std::path::Path;

use kpi::Ruleset;
use kpi::explain::{Decision, Explanation, RowResult, StepKind};
use unicode_width::UnicodeWidthStr;

use crate::period::PeriodArgs;
use crate::{FAILED, Failure, data, load, say};

/// One row of a table or scale, a band handed out by share, or a veto, and how many
/// records reached it.
struct Reached {
    /// The item, with its line: `answer_score (line 30)`.
    item: String,
    /// The row as written, `veto "…"`, or a grade handed out.
    row: String,
    /// The records that reached it.
    records: usize,
}

/// Counts, over every record of `data`, the rows each record's values matched and the
/// vetoes that fired; prints the rows no record reached first, then every row.
pub fn run(path: &Path, data: &Path, period: &PeriodArgs) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let period = period.resolve(&ruleset)?;
    let Some(selected) = data::read_selected(&ruleset, data, period, None, None)? else {
        return Ok(FAILED);
    };
    let records = &selected.records[..selected.scored];
    let population = ruleset
        .reads_population()
        .then(|| ruleset.score_together(&selected.records));
    let mut reached: Vec<Reached> = Vec::new();
    let mut failed = 0;
    for (i, record) in records.iter().enumerate() {
        let explained = match &population {
            Some(population) => population.explain(i),
            None => ruleset.explain(record),
        };
        match explained {
            Ok((_, explanation)) => count(&explanation, &mut reached),
            Err(e) => {
                failed += 1;
                crate::problems::score(data, &e, record.location());
            }
        }
    }
    say(&report(&ruleset, &reached, records.len() - failed))?;
    Ok(if failed > 0 { FAILED } else { 0 })
}

/// Adds what one record reached to `reached`, keeping every row of every table in
/// the order written (a row no record reaches is counted 0).
fn count(explanation: &Explanation, reached: &mut Vec<Reached>) {
    for step in &explanation.items {
        let item = format!("{} (line {})", step.name, step.line);
        let mut add = |row: &str, hit: bool| {
            let found = reached.iter_mut().find(|r| r.item == item && r.row == row);
            match found {
                Some(r) => r.records += usize::from(hit),
                None => reached.push(Reached {
                    item: item.clone(),
                    row: row.to_string(),
                    records: usize::from(hit),
                }),
            }
        };
        match &step.decision {
            Some(Decision::Rows { rows, .. }) => {
                for row in rows {
                    add(&row.row, row.result == RowResult::Matched);
                }
            }
            Some(Decision::Distributed { .. }) if step.kind == StepKind::Grade => {
                add(&format!("grade {}", step.value), true);
            }
            _ => {}
        }
        for veto in &step.vetoes {
            add(&format!("veto \"{}\"", veto.reason), veto.fired);
        }
    }
}

/// The report: the rows no record reached, then every row with its count.
fn report(ruleset: &Ruleset, reached: &[Reached], scored: usize) -> String {
    let mut out = format!("{}: {scored} records scored\n", ruleset.name());
    let never: Vec<&Reached> = reached.iter().filter(|r| r.records == 0).collect();
    if never.is_empty() {
        out.push_str("\nevery row and veto was reached by at least one record\n");
    } else {
        out.push_str("\nreached by no record:\n");
        out.push_str(&table(never.iter().copied(), scored));
    }
    out.push_str("\nevery row and veto:\n");
    out.push_str(&table(reached.iter(), scored));
    out
}

/// Rows aligned in columns: item, row, records and their share of those scored (to
/// a tenth of a percent, rounded half up).
fn table<'r>(rows: impl Iterator<Item = &'r Reached>, scored: usize) -> String {
    let rows: Vec<&Reached> = rows.collect();
    let item_w = rows.iter().map(|r| r.item.width()).max().unwrap_or(0);
    let row_w = rows.iter().map(|r| r.row.width()).max().unwrap_or(0);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
    let mut out = String::new();
    for r in rows {
        let tenths = (r.records * 2000)
            .checked_div(scored)
            .unwrap_or(0)
            .div_ceil(2);
        out.push_str(&format!(
            "  {}  {}  {:>6}  {:>3}.{}%\n",
            pad(&r.item, item_w),
            pad(&r.row, row_w),
            r.records,
            tenths / 10,
            tenths % 10
        ));
    }
    out
}
