//! The command line as scripts use it: exit codes, stdout, stderr.

use std::process::{Command, Output};

fn kpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .output()
        .expect("kpi runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn eval_prints_the_scenario_exactly() {
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let expected = std::fs::read_to_string("tests/scenarios/agent_monthly/expected.csv").unwrap();
    assert_eq!(text(&out.stdout), expected);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn one_bad_cell_fails_that_record_only() {
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_one_bad_cell.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "tests/fixtures/data/agent_monthly_one_bad_cell.csv: line 4 (E03), column qa_score, \
         value \"7O.5\": expected a number such as 87.5\n"
    );
    let stdout = text(&out.stdout);
    let expected = std::fs::read_to_string("tests/scenarios/agent_monthly/expected.csv").unwrap();
    let without_e03: String = expected
        .lines()
        .filter(|l| !l.starts_with("E03,"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(stdout, without_e03);
}

#[test]
fn a_missing_column_is_a_data_error_with_no_output() {
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_missing_column.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("line 1: the header has no column for calls_answered"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn json_in_json_out() {
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_first5.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn jsonl_in_jsonl_out() {
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_first5.jsonl",
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[3],
        r#"{"agent_id":"E04","score":"62.00","grade":"C","payout":"620.03"}"#
    );
}

#[test]
fn check_points_at_a_misspelt_name_and_suggests_the_right_one() {
    let out = kpi(&["check", "tests/fixtures/cli/misspelt.kpi"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn check_passes_on_every_shipped_ruleset() {
    for entry in std::fs::read_dir("rulesets").unwrap() {
        let path = entry.unwrap().path();
        let out = kpi(&["check", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(kpi(&["eval"]).status.code(), Some(2));
    let out = kpi(&["eval", "rulesets/agent_monthly.kpi", "data.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: data.txt: unknown data format; name the file .csv, .json or .jsonl\n"
    );
    assert_eq!(kpi(&["check", "no/such/file.kpi"]).status.code(), Some(2));
}

#[test]
fn explain_shows_every_step_of_e04() {
    let out = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
        "--key",
        "E04",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn explain_shows_the_veto_and_the_cap() {
    for key in ["E05", "E06"] {
        let out = kpi(&[
            "explain",
            "rulesets/agent_monthly.kpi",
            "tests/scenarios/agent_monthly/metrics.csv",
            "--key",
            key,
        ]);
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("explain_{key}"), text(&out.stdout));
    }
}

#[test]
fn explain_an_unknown_key_fails() {
    let out = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
        "--key",
        "NOPE",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no record has the key \"NOPE\""));
}

#[test]
fn a_failed_run_leaves_an_existing_output_file_alone() {
    let out_path = std::env::temp_dir().join(format!("kpi-keep-{}.csv", std::process::id()));
    std::fs::write(&out_path, "precious\n").unwrap();
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_missing_column.csv",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "precious\n");
    std::fs::remove_file(&out_path).unwrap();
}

#[test]
fn a_count_key_is_printed_as_written() {
    let dir = std::env::temp_dir().join(format!("kpi-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("k.kpi");
    let data = dir.join("k.csv");
    std::fs::write(
        &rules,
        "ruleset k\nkey id\ninput id count\ninput n count\noutput twice = n * 2\n",
    )
    .unwrap();
    std::fs::write(&data, "id,n\n007,3\n").unwrap();
    let out = kpi(&["eval", rules.to_str().unwrap(), data.to_str().unwrap()]);
    assert_eq!(text(&out.stdout), "id,twice\n007,6\n");
    let out = kpi(&[
        "explain",
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--key",
        "007",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
