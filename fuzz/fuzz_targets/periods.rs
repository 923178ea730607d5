//! Arbitrary daily rows scored by month with the shipped rulesets that read dates:
//! rows in and out of the month, dates the calendar lacks, any as-of day. No input
//! makes reading, rolling up, scoring or explaining panic; the outcome of each record
//! does not depend on the order of the rows; the traced path agrees with the fast one.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use kpi::explain::{Format, Lang};
use kpi::{InputType, Period, Record, Ruleset};
use libfuzzer_sys::fuzz_target;

static RULESETS: OnceLock<[Ruleset; 3]> = OnceLock::new();

fn rulesets() -> &'static [Ruleset; 3] {
    RULESETS.get_or_init(|| {
        [
            include_str!("../../rulesets/feel_daily.kpi"),
            include_str!("../../rulesets/mtd_warning.kpi"),
            include_str!("../../tests/fixtures/time/mtd_prorated.kpi"),
        ]
        .map(|text| Ruleset::compile(text).expect("a shipped ruleset compiles"))
    })
}

/// One daily row: small values, so that keys repeat, days collide and denominators
/// are zero often.
#[derive(Arbitrary, Debug)]
struct Row {
    agent: u8,
    team: u8,
    month: u8,
    day: u8,
    numbers: [u16; 6],
}

fn row(ruleset: &Ruleset, r: &Row) -> Option<Record> {
    // October to December 2026, and now and then a day the month lacks.
    let date = |day: u8| format!("2026-{:02}-{:02}", 10 + r.month % 3, 1 + day % 32);
    let values: Vec<String> = ruleset
        .inputs()
        .enumerate()
        .map(|(i, input)| {
            let n = r.numbers[i % r.numbers.len()];
            match (input.name(), input.input_type()) {
                ("team", _) => format!("T{}", r.team % 3),
                ("agent_id", _) => format!("A{}", r.agent % 5),
                ("date", _) => date(r.day),
                ("leave_date", _) if n % 3 == 0 => String::new(),
                (_, InputType::Date) => date((n % 40) as u8),
                (_, InputType::Money) => format!("{}.{:02}", n / 10, n % 100),
                (_, InputType::Number) => format!("{}", n % 500),
                _ => (n % 60).to_string(),
            }
        })
        .collect();
    ruleset.record_in_order(&values).ok()
}

fn run(u: &mut Unstructured) -> Result<()> {
    let rulesets = rulesets();
    let ruleset = &rulesets[usize::from(u.arbitrary::<u8>()?) % rulesets.len()];
    let as_of = format!("2026-{:02}-{:02}", 10 + u.arbitrary::<u8>()? % 3, 1 + u.arbitrary::<u8>()? % 31);
    let Ok(period) = Period::as_of(&as_of) else {
        return Ok(());
    };
    let rows: Vec<Row> = u.arbitrary_iter()?.take(40).collect::<Result<_>>()?;
    let records: Vec<Record> = rows.iter().filter_map(|r| row(ruleset, r)).collect();
    let mut reversed = records.clone();
    reversed.reverse();
    let (forward, backward) = match (
        ruleset.select(records, Some(period)),
        ruleset.select(reversed, Some(period)),
    ) {
        (Ok(f), Ok(b)) => (f, b),
        (Err(f), Err(b)) => {
            assert_eq!(f.len(), b.len(), "the order of the rows changed what was refused");
            return Ok(());
        }
        _ => panic!("the order of the rows decided whether they could be rolled up"),
    };
    let score = |selected: &kpi::Selected| -> Vec<(String, Option<kpi::Outcome>)> {
        let records = &selected.records;
        let outcomes = if ruleset.reads_population() {
            ruleset.evaluate_all(records)
        } else {
            records.iter().map(|r| ruleset.evaluate(r)).collect()
        };
        let mut scored: Vec<_> = records
            .iter()
            .zip(outcomes)
            .take(selected.scored)
            .map(|(r, o)| (r.key().to_string(), o.ok()))
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0));
        scored
    };
    let scored = score(&forward);
    assert_eq!(scored, score(&backward), "the order of the rows changed an outcome");
    let population = ruleset.score_together(&forward.records);
    for (i, (_, outcome)) in scored.iter().enumerate().take(3) {
        let record = &forward.records[i];
        let explained = match ruleset.reads_population() {
            true => population.explain(i),
            false => ruleset.explain(record),
        };
        if let Ok((traced, explanation)) = explained {
            let fast = if ruleset.reads_population() {
                population.outcome(i).ok()
            } else {
                ruleset.evaluate(record).ok()
            };
            assert_eq!(fast.as_ref(), Some(&traced), "the fast and traced paths disagree");
            let _ = outcome;
            for lang in [Lang::Zh, Lang::En] {
                let _ = explanation.render(Format::Text, lang);
                let _ = explanation.render(Format::Html, lang);
            }
            let _ = explanation.render(Format::Json, Lang::En);
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
