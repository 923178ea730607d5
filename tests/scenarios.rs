//! The shipped rulesets against the scenarios' independently computed results, to
//! the cent: every record's every output.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;

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

/// How a scenario is run through the command line.
#[derive(Clone, Copy)]
struct Run<'a> {
    ruleset: &'a str,
    /// Options after the data file, such as `--period 2026-11`.
    options: &'a [&'a str],
    /// How many leading columns make a row's key.
    key_columns: usize,
    /// The file listing the keys of the records that cannot be scored, one a line;
    /// with it the run must exit 1 and name each of them on stderr, and only them.
    errors: Option<&'a str>,
    /// Whether the expected results hold every row written (not only some).
    every_row: bool,
}

impl Run<'_> {
    fn of(ruleset: &str) -> Run<'_> {
        Run {
            ruleset,
            options: &[],
            key_columns: 1,
            errors: None,
            every_row: false,
        }
    }
}

/// `kpi eval RULESET DATA` as a user runs it: the CSV it prints, by key, as maps from
/// column to value.
fn eval_cli(run: Run<'_>, data: &Path) -> HashMap<String, HashMap<String, String>> {
    let out = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["eval", run.ruleset])
        .arg(data)
        .args(run.options)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    match run.errors {
        None => assert!(out.status.success(), "{stderr}"),
        Some(errors) => {
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            let errors = fs::read_to_string(errors).unwrap();
            let expected: Vec<&str> = errors.lines().filter(|l| !l.is_empty()).collect();
            let mut named: Vec<&str> = stderr
                .lines()
                .filter_map(|line| line.split("record ").nth(1)?.split(':').next())
                .collect();
            named.sort_unstable();
            assert_eq!(named, expected, "{stderr}");
        }
    }
    let mut rows = csv::Reader::from_reader(out.stdout.as_slice());
    let header = rows.headers().unwrap().clone();
    rows.records()
        .map(|row| {
            let row = row.unwrap();
            let fields: HashMap<String, String> = header
                .iter()
                .zip(row.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            let key: Vec<&str> = row.iter().take(run.key_columns).collect();
            (key.join(","), fields)
        })
        .collect()
}

/// Runs a scenario through the command line and asserts every column of every row of
/// its expected results (and, if they hold every row, that no other is written); returns the number of rows
/// checked. The same data with its rows in reverse order must give the same output for
/// every record.
fn assert_cli_matches(run: Run<'_>, data: &str, expected: &str) -> usize {
    let got = eval_cli(run, Path::new(data));
    let mut expected_rows = csv::Reader::from_path(expected).unwrap();
    let header = expected_rows.headers().unwrap().clone();
    let mut checked = 0;
    for row in expected_rows.records() {
        let row = row.unwrap();
        let key: Vec<&str> = row.iter().take(run.key_columns).collect();
        let key = key.join(",");
        let fields = got
            .get(&key)
            .unwrap_or_else(|| panic!("no output row for {key}"));
        for (column, want) in header.iter().zip(row.iter()).skip(run.key_columns) {
            let value = fields
                .get(column)
                .unwrap_or_else(|| panic!("no output column {column}"));
            assert_eq!(value, want, "{key}: {column}");
        }
        checked += 1;
    }
    if run.every_row {
        assert_eq!(got.len(), checked, "rows written that are not expected");
    }
    let text = fs::read_to_string(data).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    // A name of its own: tests run at once, and several data files share a name.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run_number = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let reversed = std::env::temp_dir().join(format!(
        "kpi-reversed-{}-{run_number}-{}",
        std::process::id(),
        Path::new(data).file_name().unwrap().to_str().unwrap()
    ));
    fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    assert_eq!(eval_cli(run, &reversed), got, "row order changed an output");
    fs::remove_file(&reversed).unwrap();
    checked
}

#[test]
fn team_monthly_scores_every_leader_on_the_pooled_team_through_the_cli() {
    let n = assert_cli_matches(
        Run::of("rulesets/team_monthly.kpi"),
        "tests/scenarios/team_monthly/members.csv",
        "tests/scenarios/team_monthly/expected.csv",
    );
    assert_eq!(n, 8);
}

#[test]
fn forced_distribution_grades_every_agent_by_share_through_the_cli() {
    let n = assert_cli_matches(
        Run::of("rulesets/forced_distribution.kpi"),
        "tests/scenarios/forced_distribution/scores.csv",
        "tests/scenarios/forced_distribution/expected.csv",
    );
    assert_eq!(n, 86);
}

#[test]
fn dated_proration_scores_each_month_by_its_version_and_names_the_records_before_the_first() {
    let run = Run {
        key_columns: 2,
        errors: Some("tests/scenarios/dated_proration/errors.txt"),
        every_row: true,
        ..Run::of("rulesets/dated_proration.kpi")
    };
    let n = assert_cli_matches(
        run,
        "tests/scenarios/dated_proration/monthly.csv",
        "tests/scenarios/dated_proration/expected.csv",
    );
    assert_eq!(n, 89);
}

#[test]
fn feel_daily_rolls_daily_rows_up_to_the_month_and_rewards_the_most_improved_teams() {
    let run = Run {
        options: &["--period", "2026-11"],
        every_row: true,
        ..Run::of("rulesets/feel_daily.kpi")
    };
    let n = assert_cli_matches(
        run,
        "tests/scenarios/feel_daily/daily.csv",
        "tests/scenarios/feel_daily/expected.csv",
    );
    assert_eq!(n, 14);
}

#[test]
fn mtd_warning_warns_from_the_month_to_date() {
    let run = Run {
        options: &["--as-of", "2026-11-15"],
        every_row: true,
        ..Run::of("rulesets/mtd_warning.kpi")
    };
    let n = assert_cli_matches(
        run,
        "tests/scenarios/mtd_warning/mtd.csv",
        "tests/scenarios/mtd_warning/expected.csv",
    );
    assert_eq!(n, 10);
}

/// More records made the same way as each scenario's, with edge cases the scenario's
/// rules name (ties at the award line, half fens, rates exactly on a boundary, the
/// month's last day), and results computed independently from the written rules.
#[test]
fn more_records_of_each_time_scenario_match_to_the_cent() {
    let feel = Run {
        options: &["--period", "2026-11"],
        every_row: true,
        ..Run::of("rulesets/feel_daily.kpi")
    };
    assert_cli_matches(
        feel,
        "tests/scenarios/feel_daily/more/daily.csv",
        "tests/scenarios/feel_daily/more/expected.csv",
    );
    let dated = Run {
        key_columns: 2,
        errors: Some("tests/scenarios/dated_proration/more/errors.txt"),
        every_row: true,
        ..Run::of("rulesets/dated_proration.kpi")
    };
    assert_cli_matches(
        dated,
        "tests/scenarios/dated_proration/more/monthly.csv",
        "tests/scenarios/dated_proration/more/expected.csv",
    );
    for (day, expected) in [
        ("2026-11-14", "expected_14.csv"),
        ("2026-11-30", "expected_30.csv"),
    ] {
        let mtd = Run {
            options: &["--as-of", day],
            every_row: true,
            ..Run::of("rulesets/mtd_warning.kpi")
        };
        assert_cli_matches(
            mtd,
            "tests/scenarios/mtd_warning/more/mtd.csv",
            &format!("tests/scenarios/mtd_warning/more/{expected}"),
        );
    }
}
