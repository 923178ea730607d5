//! `--error-format json`: every problem on standard error as one JSON object a line,
//! with its stable code and place.

mod common;

use common::{kpi, text};
use serde_json::{Value, json};

/// Standard error read as JSON Lines.
fn problems(stderr: &[u8]) -> Vec<Value> {
    text(stderr)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn a_rule_file_s_problem_has_its_code_line_column_and_hint() {
    let file = "tests/fixtures/check_errors/better_on_text.kpi";
    let out = kpi(&["check", file, "--error-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        problems(&out.stderr),
        [json!({
            "code": "E0508",
            "severity": "error",
            "file": file,
            "line": 6,
            "column": 16,
            "end_line": 6,
            "end_column": 20,
            "message": "`better` marks an input with numbers to move, and `team` is text",
            "hint": "mark a count, number, percent, money or points input, such as `input calls_answered count better higher`"
        })]
    );
}

#[test]
fn a_bad_value_names_its_line_key_field_and_value_and_the_rest_is_scored() {
    let file = "tests/fixtures/data/agent_monthly_one_bad_cell.csv";
    let out = kpi(&[
        "eval",
        "--error-format",
        "json",
        "rulesets/agent_monthly.kpi",
        file,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        problems(&out.stderr),
        [json!({
            "code": "D0302",
            "severity": "error",
            "file": file,
            "line": 4,
            "key": "E03",
            "field": "qa_score",
            "value": "7O.5",
            "message": "expected a number such as 87.5"
        })]
    );
    // The header and every record but the bad one.
    assert_eq!(text(&out.stdout).lines().count(), 1 + 59);
}

#[test]
fn a_missing_column_stops_the_file_with_its_own_code() {
    let file = "tests/fixtures/data/agent_monthly_missing_column.csv";
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        file,
        "--error-format=json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        problems(&out.stderr),
        [json!({
            "code": "D0201",
            "severity": "error",
            "file": file,
            "line": 1,
            "message": "the header has no column for calls_answered; add the column, since the ruleset declares it as an input"
        })]
    );
}

#[test]
fn a_record_that_cannot_be_scored_names_the_item() {
    let out = kpi(&[
        "eval",
        "tests/fixtures/error_format/zero_calls.kpi",
        "tests/fixtures/error_format/zero_calls.csv",
        "--error-format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "agent_id,rate\nE01,95.0000%\n");
    assert_eq!(
        problems(&out.stderr),
        [json!({
            "code": "S0101",
            "severity": "error",
            "file": "tests/fixtures/error_format/zero_calls.csv",
            "line": 3,
            "key": "E02",
            "item": "answer_rate",
            "message": "division by zero in item `answer_rate` = calls_answered / calls_offered; add `, when zero VALUE` to say what it should be when the denominator is 0"
        })]
    );
}

#[test]
fn a_usage_error_is_an_object_too() {
    let out = kpi(&["check", "no/such/file.kpi", "--error-format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let found = problems(&out.stderr);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], "U0001");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot read no/such/file.kpi: "),
        "{found:?}"
    );
}

#[test]
fn warnings_come_as_objects_and_the_run_goes_on() {
    let file = "tests/fixtures/check_warnings/floor_above_cap.kpi";
    let out = kpi(&["check", "--error-format", "json", file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let found = problems(&out.stderr);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|p| p["severity"] == "warning" && p["file"] == file)
    );
}
