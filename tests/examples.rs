//! The embedding example pays what the scenario expects, and keeps going past a bad
//! record.

#[path = "../examples/payroll.rs"]
mod payroll;

use rust_decimal::Decimal;

fn expected_total(path: &str) -> (usize, Decimal) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let payouts: Vec<Decimal> = reader
        .records()
        .map(|r| r.unwrap()[3].parse().unwrap())
        .collect();
    (payouts.len(), payouts.iter().sum())
}

#[test]
fn pays_the_bundled_month_exactly() {
    let run = payroll::run("rulesets/agent_monthly.kpi", "examples/agent_metrics.csv").unwrap();
    let (count, total) = expected_total("tests/scenarios/agent_monthly/expected.csv");
    assert!(run.rejected.is_empty(), "{:?}", run.rejected);
    assert_eq!(run.paid.len(), count);
    assert_eq!(run.total(), total);
}

#[test]
fn rejects_the_bad_record_and_pays_the_rest() {
    let run = payroll::run(
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_one_bad_cell.csv",
    )
    .unwrap();
    assert_eq!(run.rejected.len(), 1);
    assert!(run.rejected[0].contains("line 4 (E03), column qa_score, value \"7O.5\""));
    assert_eq!(run.paid.len(), 59);
    assert!(run.paid.iter().all(|(agent, _)| agent != "E03"));
}
