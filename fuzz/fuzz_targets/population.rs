//! Arbitrary rosters scored together by the shipped rulesets that read the
//! population: no roster makes `evaluate_all` or `explain` panic; the outcome of each
//! record does not depend on the order of the records; the traced path agrees with the
//! fast one on every record it explains, and every explanation renders.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use kpi::explain::{Format, Lang};
use kpi::{InputType, Record, Ruleset};
use libfuzzer_sys::fuzz_target;

static RULESETS: OnceLock<[Ruleset; 2]> = OnceLock::new();

fn rulesets() -> &'static [Ruleset; 2] {
    RULESETS.get_or_init(|| {
        [
            include_str!("../../rulesets/team_monthly.kpi"),
            include_str!("../../rulesets/forced_distribution.kpi"),
        ]
        .map(|text| Ruleset::compile(text).expect("a shipped ruleset compiles"))
    })
}

/// One member: small values, so that teams, ties and zero denominators are common.
#[derive(Arbitrary, Debug)]
struct Member {
    team: u8,
    role: bool,
    numbers: [u16; 8],
}

fn record(ruleset: &Ruleset, index: usize, member: &Member) -> Option<Record> {
    let values: Vec<String> = ruleset
        .inputs()
        .enumerate()
        .map(|(i, input)| {
            let n = member.numbers[i % member.numbers.len()];
            match (input.name(), input.input_type()) {
                ("team", _) => format!("T{}", member.team % 4),
                ("role", _) => if member.role { "leader" } else { "agent" }.to_string(),
                (_, InputType::Text) => format!("E{index:03}"),
                (_, InputType::Money) => format!("{}.{:02}", n / 10, n % 100),
                (_, InputType::Number) => format!("{}", n % 101),
                _ => (n % 60).to_string(),
            }
        })
        .collect();
    ruleset.record_in_order(&values).ok()
}

fn run(u: &mut Unstructured) -> Result<()> {
    let rulesets = rulesets();
    let ruleset = &rulesets[usize::from(u.arbitrary::<u8>()?) % rulesets.len()];
    let members: Vec<Member> = u.arbitrary_iter()?.take(24).collect::<Result<_>>()?;
    let records: Vec<Record> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| record(ruleset, i, m))
        .collect();
    let forward = ruleset.evaluate_all(&records);
    let mut reversed_records = records.clone();
    reversed_records.reverse();
    let mut backward = ruleset.evaluate_all(&reversed_records);
    backward.reverse();
    for (f, b) in forward.iter().zip(&backward) {
        match (f, b) {
            (Ok(f), Ok(b)) => assert_eq!(f, b, "the order of the records changed an outcome"),
            (Err(f), Err(b)) => {
                let _ = (f.to_string(), b.to_string());
            }
            _ => panic!("the order of the records decided whether one was scored"),
        }
    }
    let population = ruleset.score_together(&records);
    for (i, outcome) in forward.iter().enumerate().take(4) {
        match (outcome, population.explain(i)) {
            (Ok(outcome), Ok((traced, explanation))) => {
                assert_eq!(outcome, &traced, "evaluate_all and explain disagree");
                for lang in [Lang::Zh, Lang::En] {
                    let _ = explanation.render(Format::Text, lang);
                    let _ = explanation.render(Format::Html, lang);
                }
                let _ = explanation.render(Format::Json, Lang::En);
            }
            (Err(_), Err(_)) => {}
            (fast, traced) => panic!("one path failed: {fast:?} / {:?}", traced.map(|t| t.0)),
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
