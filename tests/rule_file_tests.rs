//! The test cases written inside rule files: every shipped ruleset's pass, and each
//! kind of expectation can fail.

use kpi::explain::Lang;
use kpi::{CaseResult, Ruleset};

#[test]
fn every_shipped_ruleset_has_cases_and_they_pass() {
    let mut counts = Vec::new();
    for name in ["agent_monthly", "thresholds", "team_leader_quarterly"] {
        let text = std::fs::read_to_string(format!("rulesets/{name}.kpi")).unwrap();
        let ruleset = Ruleset::compile(&text).unwrap_or_else(|d| panic!("{d}"));
        let reports = ruleset.run_tests(Lang::En);
        for report in &reports {
            assert!(
                report.passed(),
                "{name} {}: {:?}",
                report.name,
                report.result
            );
        }
        counts.push((name, reports.len()));
    }
    assert_eq!(
        counts,
        [
            ("agent_monthly", 16),
            ("thresholds", 3),
            ("team_leader_quarterly", 7)
        ]
    );
}

const RULES: &str = r#"
ruleset t
currency CNY
key id
input id     text
input team   text
input sold   count
input ok     bool
let   team_name = team
let   qualified = ok and sold > 2
let   rate      = 1 / sold, when zero error
grade level by sold
  >= 10 : A
  else  : B
output paid  = if qualified then 10 CNY else 0 CNY
output shown = team_name
"#;

fn results(cases: &str) -> Vec<CaseResult> {
    let ruleset = Ruleset::compile(&format!("{RULES}{cases}")).unwrap_or_else(|d| panic!("{d}"));
    ruleset
        .run_tests(Lang::En)
        .into_iter()
        .map(|r| r.result)
        .collect()
}

fn failed_names(result: &CaseResult) -> Vec<(String, String, String)> {
    match result {
        CaseResult::Failed(m) => m
            .iter()
            .map(|m| (m.name.clone(), m.expected.clone(), m.actual.clone()))
            .collect(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn text_truth_grades_and_amounts_are_compared_exactly() {
    let cases = r#"
fixture base
  team = "T1"
  sold = 3
  ok   = true

test right from base
  expect team_name = "T1"
  expect qualified = true
  expect level     = B
  expect paid      = 10
  expect shown     = "T1"

test wrong from base
  sold = 12
  expect team_name = "T2"
  expect qualified = false
  expect level     = "B"
  expect paid      = 10.01 CNY
"#;
    let results = results(cases);
    assert_eq!(results[0], CaseResult::Passed);
    assert_eq!(
        failed_names(&results[1]),
        [
            ("team_name".into(), "\"T2\"".into(), "T1".into()),
            ("qualified".into(), "false".into(), "true".into()),
            ("level".into(), "\"B\"".into(), "A".into()),
            ("paid".into(), "10.01 CNY".into(), "10".into()),
        ]
    );
}

#[test]
fn a_record_the_rules_cannot_score_is_reported_not_passed() {
    let ruleset = Ruleset::compile(&format!(
        "{RULES}\ntest nothing_sold\n  team = \"T1\"\n  sold = 0\n  ok = true\n  expect rate = 1\n"
    ))
    .unwrap_or_else(|d| panic!("{d}"));
    let reports = ruleset.run_tests(Lang::En);
    let CaseResult::NotScored(message) = &reports[0].result else {
        panic!("{:?}", reports[0].result);
    };
    assert!(message.contains("rate"), "{message}");
    assert!(!reports[0].passed());
}

#[test]
fn a_yes_or_no_is_written_as_a_data_file_writes_it() {
    let source = |expected: &str| {
        format!(
            "ruleset yn\nkey id\ninput id text\ninput on_leave bool\nlet flagged = not on_leave\noutput flagged = flagged\n\
             test chinese\n  on_leave = 是\n  expect flagged = {expected}\n\
             test english\n  on_leave = no\n  expect flagged = yes\n\
             test digits\n  on_leave = 1\n  expect flagged = 0\n"
        )
    };
    let passing = Ruleset::compile(&source("否")).unwrap_or_else(|d| panic!("{d}"));
    let reports = passing.run_tests(Lang::En);
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| r.passed()), "{reports:?}");
    let failing = Ruleset::compile(&source("是")).unwrap_or_else(|d| panic!("{d}"));
    assert!(!failing.run_tests(Lang::En)[0].passed());
}
