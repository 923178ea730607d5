//! The module's answers, computed natively: the scenarios' expected results to the
//! cent, and the service's shapes for problems.

use kpi_wasm::service::{self, Data};
use serde_json::Value;

fn repo(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn ruleset(name: &str) -> kpi::Ruleset {
    let path = format!("rulesets/{name}.kpi");
    kpi_wasm::compile_source(&repo(&path), Some(&path)).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// Each outcome as a CSV line of its values, as expected.csv holds them; records
/// that could not be scored are left out.
fn lines(outcomes: &Value) -> Vec<String> {
    outcomes
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| !o.is_null())
        .map(|o| {
            let values: Vec<&str> = o
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_str().unwrap_or(""))
                .collect();
            values.join(",")
        })
        .collect()
}

fn expected(path: &str) -> Vec<String> {
    repo(path).lines().skip(1).map(String::from).collect()
}

#[test]
fn csv_records_score_to_the_cent() {
    let ruleset = ruleset("agent_monthly");
    let data = repo("tests/scenarios/agent_monthly/metrics.csv");
    let answer = json(&service::evaluate(&ruleset, Data::Csv(&data), "").unwrap());
    assert_eq!(answer["problems"], json("[]"));
    assert_eq!(
        lines(&answer["outcomes"]),
        expected("tests/scenarios/agent_monthly/expected.csv")
    );
}

#[test]
fn daily_rows_roll_up_to_the_month_to_date() {
    let ruleset = ruleset("mtd_warning");
    let data = repo("tests/scenarios/mtd_warning/mtd.csv");
    let answer = service::evaluate(&ruleset, Data::Csv(&data), "as_of=2026-11-15").unwrap();
    // One record a key, in the order the keys first appear in the rows.
    let mut got = lines(&json(&answer)["outcomes"]);
    let mut want = expected("tests/scenarios/mtd_warning/expected.csv");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Without a month, daily rows cannot be scored: the service's answer.
    let refused = json(&service::evaluate(&ruleset, Data::Csv(&data), "").unwrap_err());
    assert_eq!(refused["problems"][0]["code"], "D0402");
}

#[test]
fn one_json_record_answers_its_row() {
    let ruleset = ruleset("agent_monthly");
    let record = r#"{"agent_id": "E04", "calls_offered": 1000, "calls_answered": 900,
        "spot_tests_total": 10, "spot_tests_passed": 8, "complaints": 0,
        "complaints_resolved": 0, "praise_cases": 2, "grievance_cases": 1,
        "qa_score": 60, "experience_score": 70, "base_bonus": 1000.05}"#;
    let answer = json(&service::evaluate(&ruleset, Data::Json(record), "").unwrap());
    assert_eq!(answer["agent_id"], "E04");
    assert_eq!(answer["grade"], "C");
    assert_eq!(answer["payout"], "620.03");
}

#[test]
fn a_statement_explains_one_record_among_the_others() {
    let ruleset = ruleset("agent_monthly");
    let data = repo("tests/scenarios/agent_monthly/metrics.csv");
    let html = service::explain(&ruleset, Data::Csv(&data), "key=E04&lang=en&format=html").unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<dd>620.03</dd>"), "{html}");
    let missing = json(&service::explain(&ruleset, Data::Csv(&data), "key=E99").unwrap_err());
    assert_eq!(missing["problems"][0]["code"], "U0001");
    assert_eq!(
        missing["problems"][0]["message"],
        "no record has the key \"E99\""
    );
}

#[test]
fn bad_data_is_placed_by_line() {
    let ruleset = ruleset("thresholds");
    let mut data = repo("tests/scenarios/thresholds/metrics.csv");
    data = data.replacen(",69.37,", ",sixty,", 1);
    let answer = json(&service::evaluate(&ruleset, Data::Csv(&data), "").unwrap());
    let problem = &answer["problems"][0];
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["field"], "qa_score");
    assert_eq!(problem["value"], "sixty");
    assert_eq!(answer["outcomes"][0], Value::Null);
    assert_eq!(answer["outcomes"].as_array().unwrap().len(), 40);
}

#[test]
fn an_unknown_parameter_is_refused() {
    let ruleset = ruleset("thresholds");
    let refused =
        json(&service::evaluate(&ruleset, Data::Json("[]"), "month=2026-11").unwrap_err());
    assert_eq!(refused["problems"][0]["code"], "U0001");
}

#[test]
fn a_typo_is_a_problem_with_its_place() {
    let text = repo("rulesets/agent_monthly.kpi").replacen(
        "= calls_answered / calls_offered",
        "= calls_answerd / calls_offered",
        1,
    );
    let answer = json(&kpi_wasm::check_source(&text, Some("agent_monthly.kpi")));
    let problem = &answer["problems"][0];
    assert_eq!(problem["code"], "E0201");
    assert_eq!(problem["file"], "agent_monthly.kpi");
    assert_eq!(
        (problem["line"].as_u64(), problem["column"].as_u64()),
        (Some(23), Some(51))
    );
    assert_eq!(problem["hint"], "did you mean `calls_answered`?");
    let clean = json(&kpi_wasm::check_source(
        &repo("rulesets/agent_monthly.kpi"),
        None,
    ));
    assert_eq!(clean["problems"], json("[]"));
}

#[test]
fn the_tests_in_the_file_run() {
    let answer = json(&kpi_wasm::cases::run(
        &ruleset("agent_monthly"),
        kpi::explain::Lang::En,
    ));
    assert_eq!(answer["failed"], 0);
    assert_eq!(answer["passed"], answer["cases"].as_array().unwrap().len());
    assert_eq!(answer["cases"][0]["name"], "E01");
    assert_eq!(answer["cases"][0]["status"], "passed");
}

#[test]
fn made_up_records_score() {
    let ruleset = ruleset("team_leader_quarterly");
    let data = kpi_wasm::sample(&ruleset, 12, 7);
    assert_eq!(
        data,
        kpi_wasm::sample(&ruleset, 12, 7),
        "the seed fixes them"
    );
    let answer = json(&service::evaluate(&ruleset, Data::Csv(&data), "").unwrap());
    assert_eq!(answer["outcomes"].as_array().unwrap().len(), 12);
}

#[test]
fn each_month_is_scored_by_the_version_in_force() {
    let ruleset = ruleset("dated_proration");
    let data = repo("tests/scenarios/dated_proration/monthly.csv");
    let answer = json(&service::evaluate(&ruleset, Data::Csv(&data), "").unwrap());
    let mut got = lines(&answer["outcomes"]);
    let mut want = expected("tests/scenarios/dated_proration/expected.csv");
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The records of a month before the first version, as errors.txt names them.
    let refused: Vec<String> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["key"].as_str().unwrap(),
                p["code"].as_str().unwrap()
            )
        })
        .collect();
    // In the order of their lines.
    assert_eq!(refused, ["P0002,2026-09 S0502", "P0001,2026-09 S0502"]);
}
