//! Real output checked against the JSON Schemas in `schemas/`: every scenario's
//! outcomes and explanations, an appeal, and problems of every family.

mod common;

use std::path::Path;

use common::{kpi, text};
use serde_json::Value;

/// The committed schema `file`, ready to validate with.
fn validator(file: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(file);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// Each scenario: its ruleset, data and the options its month needs.
const SCENARIOS: [(&str, &str, &[&str]); 7] = [
    ("agent_monthly", "agent_monthly/metrics.csv", &[]),
    ("thresholds", "thresholds/metrics.csv", &[]),
    ("team_monthly", "team_monthly/members.csv", &[]),
    ("forced_distribution", "forced_distribution/scores.csv", &[]),
    ("dated_proration", "dated_proration/monthly.csv", &[]),
    (
        "feel_daily",
        "feel_daily/daily.csv",
        &["--period", "2026-11"],
    ),
    (
        "mtd_warning",
        "mtd_warning/mtd.csv",
        &["--as-of", "2026-11-15"],
    ),
];

fn run(command: &str, ruleset: &str, data: &str, options: &[&str], more: &[&str]) -> String {
    let ruleset = format!("rulesets/{ruleset}.kpi");
    let data = format!("tests/scenarios/{data}");
    let mut args = vec![command, ruleset.as_str(), data.as_str()];
    args.extend(options);
    args.extend(more);
    let out = kpi(&args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn every_scenario_s_outcomes_fit_the_outcome_schema() {
    let schema = validator("outcome.schema.json");
    for (ruleset, data, options) in SCENARIOS {
        let rows = run("eval", ruleset, data, options, &["--format", "jsonl"]);
        assert!(rows.lines().count() >= 5, "{ruleset}");
        for row in rows.lines() {
            assert_valid(&schema, &serde_json::from_str(row).unwrap(), ruleset);
        }
    }
}

#[test]
fn every_scenario_s_explanations_fit_the_explanation_schema() {
    let schema = validator("explanation.schema.json");
    let dir = std::env::temp_dir().join(format!("kpi-schemas-{}", std::process::id()));
    for (ruleset, data, options) in SCENARIOS {
        let out = dir.join(ruleset);
        let out_arg = out.display().to_string();
        run(
            "explain",
            ruleset,
            data,
            options,
            &["--all", "--format", "json", "-o", &out_arg],
        );
        let mut checked = 0;
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let mut explanation: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_valid(&schema, &explanation, &path.display().to_string());
            checked += 1;
            // The schema has teeth: a step without its value is refused.
            explanation["outputs"][0]
                .as_object_mut()
                .unwrap()
                .remove("value");
            assert!(!schema.is_valid(&explanation), "{}", path.display());
        }
        assert!(checked >= 5, "{ruleset}: {checked} explanations");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_appeal_fits_the_appeal_schema() {
    let appeal = run(
        "explain",
        "agent_monthly",
        "agent_monthly/metrics.csv",
        &[],
        &["--key", "E04", "--set", "qa_score=95", "--format", "json"],
    );
    let appeal: Value = serde_json::from_str(&appeal).unwrap();
    assert!(!appeal["changes"].as_array().unwrap().is_empty());
    assert_valid(&validator("appeal.schema.json"), &appeal, "appeal");
}

#[test]
fn problems_of_every_family_fit_the_problem_schema() {
    let schema = validator("problem.schema.json");
    let runs: [&[&str]; 4] = [
        &["check", "tests/fixtures/check_errors/better_on_text.kpi"],
        &["check", "tests/fixtures/check_warnings/floor_above_cap.kpi"],
        &[
            "eval",
            "rulesets/agent_monthly.kpi",
            "tests/fixtures/data/agent_monthly_one_bad_cell.csv",
        ],
        &[
            "eval",
            "tests/fixtures/error_format/zero_calls.kpi",
            "tests/fixtures/error_format/zero_calls.csv",
        ],
    ];
    let mut codes = Vec::new();
    for args in runs {
        let mut args = args.to_vec();
        args.extend(["--error-format", "json"]);
        let out = kpi(&args);
        for line in text(&out.stderr).lines() {
            let problem: Value = serde_json::from_str(line).unwrap();
            assert_valid(&schema, &problem, line);
            codes.push(problem["code"].as_str().unwrap().to_string());
            let mut unplaced = problem.clone();
            unplaced["line"] = Value::from("four");
            assert!(!schema.is_valid(&unplaced), "{line}");
        }
    }
    assert_eq!(codes, ["E0508", "W0504", "D0302", "S0101"]);
}
