//! The shipped rulesets against the scenarios' independently computed results, to
//! the cent: every record's every output.

use std::fs;
use std::path::Path;

use kpi::{Ruleset, SourceFile};

fn compile(path: &str) -> Ruleset {
    let text = fs::read_to_string(path).unwrap();
    Ruleset::compile_source(SourceFile::new(path, text)).unwrap_or_else(|d| panic!("{d}"))
}

/// Scores `metrics` and compares every output with `expected`, a CSV whose first
/// column is the key and whose other columns are outputs.
fn assert_matches(ruleset: &str, metrics: &str, expected: &str) -> usize {
    let ruleset = compile(ruleset);
    let mut expected_rows = csv::Reader::from_path(expected).unwrap();
    let header: Vec<String> = expected_rows
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let expected: Vec<Vec<String>> = expected_rows
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let file = fs::File::open(metrics).unwrap();
    let records: Vec<_> = ruleset
        .read_csv(file)
        .unwrap()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    assert_eq!(records.len(), expected.len(), "record count");
    for (record, want) in records.iter().zip(&expected) {
        let key = record.key();
        assert_eq!(key, want[0], "records out of order");
        let outcome = ruleset.evaluate(record).unwrap_or_else(|e| panic!("{e}"));
        for (column, value) in header.iter().zip(want).skip(1) {
            let got = outcome
                .get(column)
                .unwrap_or_else(|| panic!("no output {column}"));
            assert_eq!(&got.to_string(), value, "{key}: {column}");
        }
    }
    expected.len()
}

#[test]
fn agent_monthly_pays_every_agent_to_the_cent() {
    let n = assert_matches(
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
        "tests/scenarios/agent_monthly/expected.csv",
    );
    assert_eq!(n, 60);
}

#[test]
fn thresholds_pay_the_boundary_grades_exactly() {
    let n = assert_matches(
        "rulesets/thresholds.kpi",
        "tests/scenarios/thresholds/metrics.csv",
        "tests/scenarios/thresholds/expected.csv",
    );
    assert_eq!(n, 40);
}

#[test]
fn every_eval_fixture_matches_its_expected_results() {
    let root = Path::new("tests/fixtures/eval");
    let mut checked = 0;
    for entry in fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let ruleset = format!("rulesets/{name}.kpi");
        assert_matches(
            &ruleset,
            dir.join("metrics.csv").to_str().unwrap(),
            dir.join("expected.csv").to_str().unwrap(),
        );
        checked += 1;
    }
    assert!(checked > 0, "no eval fixtures found");
}
