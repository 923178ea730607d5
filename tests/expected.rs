//! `kpi test --data --expected`: a data file checked against the results HR worked
//! out by hand, kept as CSV or in a workbook.

mod common;

use std::path::{Path, PathBuf};

use common::{kpi, text};

const RULES: &str = "rulesets/agent_monthly.kpi";
const METRICS: &str = "tests/scenarios/agent_monthly/metrics.csv";
const EXPECTED: &str = "tests/scenarios/agent_monthly/expected.csv";

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-expected-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `kpi test RULES --data DATA --expected EXPECTED` with `extra` options.
fn check(rules: &str, data: &str, expected: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "test",
        rules,
        "--data",
        data,
        "--expected",
        expected.to_str().unwrap(),
    ];
    args.extend(extra);
    kpi(&args)
}

/// The agent scenario's expected results with `from` replaced by `to`, in a file of
/// `dir`.
fn changed(dir: &Path, from: &str, to: &str) -> PathBuf {
    let original = std::fs::read_to_string(EXPECTED).unwrap();
    let changed = original.replace(from, to);
    assert_ne!(changed, original, "{from} is not in {EXPECTED}");
    let path = dir.join("expected.csv");
    std::fs::write(&path, changed).unwrap();
    path
}

#[test]
fn every_scenario_passes_against_its_expected_results() {
    let scenarios: &[(&str, &str, &str, &[&str], usize)] = &[
        ("agent_monthly", "metrics.csv", "expected.csv", &[], 60),
        ("team_monthly", "members.csv", "expected.csv", &[], 8),
        ("thresholds", "metrics.csv", "expected.csv", &[], 40),
        ("forced_distribution", "scores.csv", "expected.csv", &[], 86),
        (
            "feel_daily",
            "daily.csv",
            "expected.csv",
            &["--period", "2026-11"],
            14,
        ),
        (
            "feel_daily",
            "more/daily.csv",
            "more/expected.csv",
            &["--period", "2026-11"],
            39,
        ),
        ("dated_proration", "monthly.csv", "expected.csv", &[], 89),
        (
            "mtd_warning",
            "mtd.csv",
            "expected.csv",
            &["--as-of", "2026-11-15"],
            10,
        ),
        (
            "mtd_warning",
            "more/mtd.csv",
            "more/expected_30.csv",
            &["--as-of", "2026-11-30"],
            40,
        ),
    ];
    for &(scenario, data, expected, options, rows) in scenarios {
        let dir = format!("tests/scenarios/{scenario}");
        let out = check(
            &format!("rulesets/{scenario}.kpi"),
            &format!("{dir}/{data}"),
            Path::new(&format!("{dir}/{expected}")),
            options,
        );
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{scenario}: {stdout}{}",
            text(&out.stderr)
        );
        let (cases, summary) = stdout.split_once("\n\n").unwrap();
        assert_eq!(summary, format!("{rows} passed, 0 failed\n"), "{scenario}");
        assert_eq!(cases.lines().count(), rows, "{scenario}");
        assert!(cases.lines().all(|l| l.starts_with("ok      ")), "{stdout}");
    }
}

#[test]
fn the_records_of_a_scenario_that_cannot_be_scored_are_on_stderr_and_fail_only_if_expected() {
    let data = "tests/scenarios/dated_proration/monthly.csv";
    let out = check(
        "rulesets/dated_proration.kpi",
        data,
        Path::new("tests/scenarios/dated_proration/expected.csv"),
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("record P0001,2026-09: no version of the rules"),
        "{stderr}"
    );
    assert!(
        stderr.contains("record P0002,2026-09: no version of the rules"),
        "{stderr}"
    );

    let dir = scratch("unscored");
    let expected = dir.join("expected.csv");
    std::fs::write(&expected, "agent_id,month,payout\nP0002,2026-09,0.00\n").unwrap();
    let out = check("rulesets/dated_proration.kpi", data, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "ERROR   P0002,2026-09\n    {} line 2: the record P0002,2026-09 of {data} could not be scored: no version of the rules was in force on the first day of the record's month; check the month, or add a version in force from an earlier date\n\n0 passed, 1 failed\n",
            expected.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The rows of a CSV file as a workbook sheet, as Excel keeps them: numbers as
/// binary floats, the rest as text. A first sheet of notes comes before it.
fn workbook(csv: &str, sheet: &str, path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "期望结果由人事部手工计算")
        .unwrap();
    let results = book.add_worksheet();
    results.set_name(sheet).unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => results.write_number(r, c, n).map(|_| ()),
                _ => results.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn an_expected_workbook_passes_as_its_csv_does() {
    let dir = scratch("workbook");
    let book = dir.join("expected.xlsx");
    let csv = std::fs::read_to_string(EXPECTED).unwrap();
    // Excel keeps 1000.05 and 98.00 as the floats 1000.05 and 98.
    assert!(csv.contains("E01,98.00,S,1200.00\n"));
    workbook(&csv, "期望结果", &book);
    let out = check(RULES, METRICS, &book, &["--expected-sheet", "期望结果"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with("\n\n60 passed, 0 failed\n"));

    // Without naming the sheet, the first is read: notes, not results.
    let out = check(RULES, METRICS, &book, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the header names 期望结果由人事部手工计算"));

    // A wrong payout in the workbook fails as in a CSV file.
    workbook(
        &csv.replace("E04,62.00,C,620.03", "E04,62.00,C,620.3"),
        "期望结果",
        &book,
    );
    let out = check(RULES, METRICS, &book, &["--expected-sheet", "期望结果"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAILED  E04\n    payout: expected 620.3, got 620.03\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n\n59 passed, 1 failed\n"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_changed_payout_fails_with_both_values_and_the_working() {
    let dir = scratch("changed");
    let expected = changed(&dir, "E04,62.00,C,620.03", "E04,62.00,C,620.00");
    let out = check(RULES, METRICS, &expected, &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let failure: String = stdout
        .lines()
        .skip_while(|l| !l.starts_with("FAILED"))
        .take_while(|l| !l.starts_with("ok"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        failure,
        "FAILED  E04
    payout: expected 620.00, got 620.03
      Payout payout  (output, line 60)
        Formula       round(base_bonus * level.coefficient + praise + grievance, 2, half_up)
        With numbers  round(1000.05 × 0.5 + 100.00 + 20.00, 2, half_up)
          - rounded half_up to 2 places: 620.025 → 620.03
        Value         620.03
"
    );
    assert!(stdout.ends_with("\n\n59 passed, 1 failed\n"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_record_scored_with_others_is_explained_when_it_differs() {
    let dir = scratch("population");
    let original = std::fs::read_to_string("tests/scenarios/feel_daily/expected.csv").unwrap();
    assert!(original.contains("F1,四组,100.00,,,false,2,285.72\n"));
    let expected = dir.join("expected.csv");
    std::fs::write(
        &expected,
        original.replace(
            "F1,四组,100.00,,,false,2,285.72",
            "F1,四组,100.00,,,false,1,285.72",
        ),
    )
    .unwrap();
    let out = check(
        "rulesets/feel_daily.kpi",
        "tests/scenarios/feel_daily/daily.csv",
        &expected,
        &["--period", "2026-11", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("FAILED  F1\n    team_rank: expected 1, got 2\n      Improvement rank team_rank  (output, line 58)\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n\n13 passed, 1 failed\n"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn numbers_compare_as_exact_decimals_and_an_empty_cell_is_not_checked() {
    let dir = scratch("exact");
    let expected = dir.join("expected.csv");
    std::fs::write(
        &expected,
        "payout,agent_id,grade\n620.030,E04,\n\"1,200\",E01,S\n,E02,\n620.025,E04 ,C\n0,E05,\n",
    )
    .unwrap();
    let out = check(RULES, METRICS, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..3], ["ok      E04", "ok      E01", "ok      E02"]);
    assert_eq!(lines[3], "ERROR   E04");
    assert_eq!(
        lines[4],
        format!(
            "    {} line 5: the key E04 was given before, at line 2; give each record's expected results once",
            expected.display()
        )
    );
    assert_eq!(lines[5..], ["ok      E05", "", "4 passed, 1 failed"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn percentages_compare_in_the_form_eval_writes_or_as_fractions() {
    let dir = scratch("percent");
    let rules = dir.join("p.kpi");
    std::fs::write(
        &rules,
        "ruleset p\nkey id\ninput id text\ninput answered count\ninput offered count\n\
         input praised bool\noutput rate = answered / offered\noutput praised_ok = praised\n",
    )
    .unwrap();
    let data = dir.join("p.csv");
    std::fs::write(
        &data,
        "id,answered,offered,praised\nA,19,20,true\nB,1,3,false\n",
    )
    .unwrap();
    let expected = dir.join("expected.csv");
    let rules = rules.to_str().unwrap();
    let data_path = data.to_str().unwrap();
    for (rate, passes) in [
        ("95%", true),
        ("95.00 %", true),
        ("0.95", true),
        ("0.950", true),
        ("95", false),
        ("9.5%", false),
    ] {
        std::fs::write(&expected, format!("id,rate,praised_ok\nA,{rate},TRUE\n")).unwrap();
        let out = check(rules, data_path, &expected, &[]);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(if passes { 0 } else { 1 }),
            "{rate}: {stdout}"
        );
        if !passes {
            assert!(
                stdout.contains(&format!("    rate: expected {rate}, got 95%\n")),
                "{stdout}"
            );
        }
    }
    // B's rate has no exact decimal: the record cannot be scored.
    std::fs::write(&expected, "id,praised_ok\nB,false\nC,true\n").unwrap();
    let out = check(rules, data_path, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    let at = expected.display();
    assert_eq!(
        text(&out.stdout),
        format!(
            "ERROR   B\n    {at} line 2: the record B of {data_path} could not be scored: output `rate` = answered / offered has no exact decimal value; round it, as in round(x, 2, half_up)\n\
             ERROR   C\n    {at} line 3: no record of {data_path} has the key C\n\n0 passed, 2 failed\n"
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_column_that_is_neither_key_nor_output_is_refused_naming_it() {
    let dir = scratch("columns");
    let expected = dir.join("expected.csv");
    std::fs::write(
        &expected,
        "agent_id,payot,calls_offered,notes\nE04,620.03,1000,\n",
    )
    .unwrap();
    let out = check(RULES, METRICS, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {}: the header names payot (did you mean payout?), calls_offered (an input: remove the column), notes, which are neither the key nor an output of ruleset `agent_monthly`; its key is agent_id and its outputs are score, grade, payout\n",
            expected.display()
        )
    );
    std::fs::write(&expected, "payout\n620.03\n").unwrap();
    let out = check(RULES, METRICS, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("the header has no column for agent_id, the key of ruleset `agent_monthly`"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_key_the_data_lacks_fails_naming_the_file_line_and_key() {
    let dir = scratch("absent");
    let expected = dir.join("expected.csv");
    std::fs::write(&expected, "agent_id,payout\nE04,620.03\nE99,100.00\n").unwrap();
    let out = check(RULES, METRICS, &expected, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "ok      E04\nERROR   E99\n    {} line 3: no record of {METRICS} has the key E99\n\n1 passed, 1 failed\n",
            expected.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn expected_results_saved_by_chinese_excel_are_read_as_gbk() {
    let dir = scratch("gbk");
    let expected = dir.join("expected.csv");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode("agent_id,team,grade\nL01,班组01,A\n");
    assert!(!unmappable);
    std::fs::write(&expected, &gbk).unwrap();
    let out = check(
        "rulesets/team_monthly.kpi",
        "tests/scenarios/team_monthly/members.csv",
        &expected,
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok      L01\n\n1 passed, 0 failed\n");
    assert!(text(&out.stderr).contains("read as GB18030 (GBK)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_and_expected_go_together_and_the_rule_files_cases_run_without_them() {
    let out = kpi(&["test", RULES, "--data", METRICS]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--expected <EXPECTED>"));
    let out = kpi(&["test", RULES, "--expected", EXPECTED]);
    assert_eq!(out.status.code(), Some(2));
    let out = kpi(&["test", RULES, "--period", "2026-11"]);
    assert_eq!(out.status.code(), Some(2));
    let out = kpi(&["test", RULES, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).ends_with("\n16 passed, 0 failed\n"));
    let out = check(RULES, METRICS, Path::new("expected.txt"), &[]);
    assert_eq!(out.status.code(), Some(2));
}
