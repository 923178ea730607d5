//! `kpi coverage`: the records that reach each row, band and veto.

mod common;

use common::{kpi, text};

#[test]
fn every_row_of_agent_monthly_is_counted() {
    let out = kpi(&[
        "coverage",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.starts_with(
        "agent_monthly: 60 records scored\n\nevery row and veto was reached by at least one record\n"
    ));
    for line in [
        "  answer_score (line 27)      >= 95% : 100      ",
        "  level (line 48)             >= 90 : S coefficient 1.2      ",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    assert!(
        report.contains("veto \"质检一票否决 / QA veto: QA score below 60\"      11   18.3%\n")
    );
    assert!(report.contains(">= 90 : S coefficient 1.2                              4    6.7%\n"));
}

#[test]
fn a_row_no_record_reaches_is_listed_first() {
    let dir = std::env::temp_dir().join(format!("kpi-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = std::fs::read_to_string("rulesets/agent_monthly.kpi").unwrap();
    let dead = rules.replacen("  >= 95% : 100\n", "  > 100% : 120\n  >= 95% : 100\n", 1);
    assert_ne!(dead, rules);
    let path = dir.join("dead_row.kpi");
    std::fs::write(&path, dead).unwrap();
    let out = kpi(&[
        "coverage",
        path.to_str().unwrap(),
        "tests/scenarios/agent_monthly/metrics.csv",
    ]);
    let report = text(&out.stdout);
    let never = report.split("\nevery row and veto:\n").next().unwrap();
    assert!(never.contains("reached by no record:\n"), "{report}");
    assert!(
        never.contains("  answer_score (line 27)  > 100% : 120       0    0.0%\n"),
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
