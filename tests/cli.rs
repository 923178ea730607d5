//! The command line as scripts use it: exit codes, stdout, stderr.

mod common;

use common::{kpi, text};

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
fn a_json_file_broken_part_way_keeps_the_records_before_the_fault() {
    let whole = std::fs::read_to_string("tests/fixtures/data/agent_monthly_first5.json").unwrap();
    // Cut the file inside the third record.
    let cut = whole
        .match_indices("\"agent_id\": \"E03\"")
        .next()
        .unwrap()
        .0
        + 20;
    let dir = std::env::temp_dir().join(format!("kpi-broken-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, &whole[..cut]).unwrap();
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        broken.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{}", text(&out.stdout));
    assert!(
        lines[1].starts_with(r#"{"agent_id":"E02","#),
        "{}",
        lines[1]
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: ")
            && stderr.ends_with(
                "broken.json: the file is not valid JSON (line 36, column 1): EOF while parsing a value\n"
            ),
        "{stderr}"
    );
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
        "error: data.txt: unknown data format; name the file .csv, .json, .jsonl, .xlsx, .xls or .ods\n"
    );
    assert_eq!(kpi(&["check", "no/such/file.kpi"]).status.code(), Some(2));
}

const AGENTS: &str = "tests/scenarios/agent_monthly/metrics.csv";

/// A fresh directory for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn explain_prints_the_library_s_explanation_in_each_language_and_format() {
    for (lang, format, snapshot) in [
        ("zh", "text", "E04.zh.txt"),
        ("en", "text", "E04.en.txt"),
        ("zh", "markdown", "E04.zh.md"),
        ("zh", "json", "E04.json"),
        ("zh", "html", "E04.zh.html"),
    ] {
        let out = kpi(&[
            "explain",
            "rulesets/agent_monthly.kpi",
            AGENTS,
            "--key",
            "E04",
            "--lang",
            lang,
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let saved =
            std::fs::read_to_string(format!("tests/snapshots/explanations/{snapshot}.snap"))
                .unwrap();
        // The snapshot's body follows its `---` header.
        let body = saved.splitn(3, "---\n").nth(2).unwrap();
        assert_eq!(text(&out.stdout).trim_end(), body.trim_end(), "{snapshot}");
    }
}

#[test]
fn explain_names_two_inputs_together_when_no_single_one_reaches_the_next_row() {
    for (lang, expected) in [
        (
            "zh",
            "    - 接通量 calls_answered 再多 13（413 → 426），同时 新业务抽测通过数 spot_tests_passed 再多 1（38 → 39），其余不变",
        ),
        (
            "en",
            "    - 13 more Calls answered calls_answered (413 → 426) together with 1 more Spot tests passed spot_tests_passed (38 → 39), all else unchanged",
        ),
    ] {
        let out = kpi(&[
            "explain",
            "rulesets/agent_monthly.kpi",
            AGENTS,
            "--key",
            "A00700007",
            "--lang",
            lang,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        // A00700007's grade A: S needs both; the pair is the only line under it.
        let lines: Vec<&str> = stdout.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == expected)
            .unwrap_or_else(|| {
                panic!("missing {expected:?} in\n{stdout}");
            });
        assert!(lines[at - 1].contains(">= 90 : S"), "{stdout}");
        assert!(lines[at + 1].is_empty(), "{stdout}");
    }
}

#[test]
fn an_appeal_shows_what_the_corrected_inputs_change() {
    let out = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        AGENTS,
        "--key",
        "E04",
        "--lang",
        "en",
        "--set",
        "calls_answered=950",
        "--set",
        "spot_tests_passed=9",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn an_appeal_names_a_wrong_input_or_value() {
    let base = [
        "explain",
        "rulesets/agent_monthly.kpi",
        AGENTS,
        "--key",
        "E04",
        "--set",
    ];
    let out = kpi(&[&base[..], &["calls_answerd=950"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with(
            "error: --set calls_answerd=950: there is no input `calls_answerd`; the inputs are agent_id, calls_offered,"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = kpi(&[&base[..], &["calls_answered=-1"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "--set: record, column calls_answered, value \"-1\": a count must be a whole number, zero or more\n"
    );
}

#[test]
fn explain_all_writes_one_statement_per_record_named_by_key() {
    let dir = scratch("statements");
    let out = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        AGENTS,
        "--all",
        "--format",
        "html",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}: 60 explanations written\n", dir.display())
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 61);
    assert_eq!(names[0], "A00700000.html");
    // Without teams the index lists every record, linked to its statement.
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert_eq!(index.matches("<tr><td><a href=").count(), 60);
    assert!(
        index.contains(
            "<tr><td><a href=\"E04.html\">E04</a></td><td class=\"n\">620.03</td>\
             <td>综合得分 62.00 · 等级 C</td></tr>"
        ),
        "{index}"
    );
    let e04 = std::fs::read_to_string(dir.join("E04.html")).unwrap();
    let saved = std::fs::read_to_string("tests/snapshots/explanations/E04.zh.html.snap").unwrap();
    assert!(
        saved.ends_with(&e04),
        "E04.html is the snapshot's statement"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_all_in_html_writes_an_index_of_teams_and_a_page_per_team() {
    let dir = scratch("explain-teams");
    let (rules, data) = (
        "rulesets/team_monthly.kpi",
        "tests/scenarios/team_monthly/members.csv",
    );
    let out = kpi(&[
        "explain",
        rules,
        data,
        "--all",
        "--format",
        "html",
        "--lang",
        "en",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Each team's head count and total payout, from what `kpi eval` pays.
    let eval = text(&kpi(&["eval", rules, data]).stdout);
    let mut teams: std::collections::BTreeMap<String, (usize, rust_decimal::Decimal)> =
        Default::default();
    let mut members: Vec<(String, String)> = Vec::new();
    for line in eval.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let team = teams.entry(cells[1].to_string()).or_default();
        team.0 += 1;
        team.1 += cells[7].parse::<rust_decimal::Decimal>().unwrap();
        members.push((cells[1].to_string(), cells[0].to_string()));
    }
    assert_eq!(teams.len(), 8);
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        index.contains("<th class=\"n\">Payout total</th>"),
        "{index}"
    );
    for (team, (count, total)) in &teams {
        let row = format!(
            "<tr><td><a href=\"_{team}.html\">{team}</a></td><td class=\"n\">{count}</td>\
             <td class=\"n\">{total}</td></tr>"
        );
        assert!(index.contains(&row), "{row} in {index}");
    }
    // Every member is on its team's page, linked to a statement that exists.
    for (team, key) in &members {
        let page = std::fs::read_to_string(dir.join(format!("_{team}.html"))).unwrap();
        let link = format!("<a href=\"{key}.html\">{key}</a>");
        assert!(page.contains(&link), "{link} on the page of {team}");
        assert!(dir.join(format!("{key}.html")).is_file());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_confirms_a_saved_explanation_and_names_tampering() {
    let dir = scratch("verify");
    let saved = dir.join("E04.json");
    let out = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        AGENTS,
        "--key",
        "E04",
        "--format",
        "json",
        "-o",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = kpi(&[
        "verify",
        "rulesets/agent_monthly.kpi",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{}: verified: the ruleset and record fingerprints match, and 13 values recompute exactly\n",
            saved.display()
        )
    );
    let json = std::fs::read_to_string(&saved).unwrap();
    assert!(json.contains("\"value\": \"620.03\""));
    std::fs::write(
        &saved,
        json.replace("\"value\": \"620.03\"", "\"value\": \"720.03\""),
    )
    .unwrap();
    let out = kpi(&[
        "verify",
        "rulesets/agent_monthly.kpi",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{0}: output payout: saved 720.03, recomputed 620.03\n{0}: not verified: 1 difference\n",
            saved.display()
        )
    );
    std::fs::write(&saved, "{ not json").unwrap();
    let out = kpi(&[
        "verify",
        "rulesets/agent_monthly.kpi",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not a saved explanation (line 1, column 3)"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
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

#[test]
fn test_runs_the_cases_written_in_the_rule_file() {
    let out = kpi(&["test", "rulesets/agent_monthly.kpi", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for case in [
        "E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08", "E09", "E10", "E11", "E12",
    ] {
        let line = format!("ok      {case} ");
        assert!(
            stdout.lines().any(|l| l.starts_with(&line)),
            "{case} missing from\n{stdout}"
        );
    }
    assert!(stdout.ends_with("\n16 passed, 0 failed\n"), "{stdout}");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_wrong_expectation_fails_with_both_values_and_the_working() {
    let ruleset = std::fs::read_to_string("rulesets/agent_monthly.kpi").unwrap();
    let wrong = ruleset.replace(
        "  expect payout           = 620.03",
        "  expect payout           = 720.03",
    );
    assert_ne!(wrong, ruleset);
    let dir = std::env::temp_dir().join(format!("kpi-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("agent_monthly.kpi");
    std::fs::write(&path, wrong).unwrap();
    let out = kpi(&["test", path.to_str().unwrap(), "--lang", "en"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let failure: String = stdout
        .lines()
        .skip_while(|l| !l.starts_with("FAILED"))
        .take_while(|l| !l.starts_with("ok"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(failure);
    assert!(stdout.ends_with("\n15 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn generate_writes_the_same_valid_records_for_the_same_seed() {
    let args = [
        "generate",
        "rulesets/agent_monthly.kpi",
        "-n",
        "50",
        "--seed",
        "9",
    ];
    let first = kpi(&args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(first.stdout, kpi(&args).stdout);
    let csv = text(&first.stdout);
    assert!(
        csv.starts_with("agent_id,calls_offered,calls_answered,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 51);
    let path = std::env::temp_dir().join(format!("kpi-generated-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap();
    let scored = kpi(&["eval", "rulesets/agent_monthly.kpi", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(scored.status.code(), Some(0), "{}", text(&scored.stderr));
    assert_eq!(text(&scored.stdout).lines().count(), 51);
}

#[test]
fn fmt_check_passes_on_shipped_files_and_fmt_rewrites_a_scrambled_copy() {
    let shipped = [
        "rulesets/agent_monthly.kpi",
        "rulesets/thresholds.kpi",
        "rulesets/team_leader_quarterly.kpi",
    ];
    let mut args = vec!["fmt", "--check"];
    args.extend(shipped);
    let out = kpi(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout), "");

    let original = std::fs::read_to_string(shipped[1]).unwrap();
    let scrambled = original
        .replace("  >= 95% : 100", ">=95%:100")
        .replace("input agent_id            text", "input   agent_id text")
        .replace("\n\nscore pass_score", "\nscore pass_score");
    assert_ne!(scrambled, original);
    let dir = std::env::temp_dir().join(format!("kpi-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("thresholds.kpi");
    std::fs::write(&path, &scrambled).unwrap();
    let file = path.to_str().unwrap();
    let check = kpi(&["fmt", "--check", file]);
    assert_eq!(check.status.code(), Some(1));
    let diff = text(&check.stdout);
    assert!(
        diff.starts_with(&format!("--- {file}\n+++ {file} (formatted)\n")),
        "{diff}"
    );
    assert!(diff.contains("\n->=95%:100\n+  >= 95% : 100\n"), "{diff}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), scrambled);
    let rewrite = kpi(&["fmt", file]);
    assert_eq!(rewrite.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_alone() {
    let dir = std::env::temp_dir().join(format!("kpi-fmt-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.kpi");
    let broken = "ruleset r\nlet a = (1 +\n";
    std::fs::write(&path, broken).unwrap();
    let out = kpi(&["fmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not formatted: fix the syntax errors first"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_writes_rows_in_file_order_on_one_thread_or_several() {
    let dir = std::env::temp_dir().join(format!("kpi-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("month.csv");
    let generated = kpi(&[
        "generate",
        "rulesets/thresholds.kpi",
        "-n",
        "10000",
        "--seed",
        "3",
        "-o",
        data.to_str().unwrap(),
    ]);
    assert_eq!(generated.status.code(), Some(0));
    let month =
        std::fs::read_to_string(&data)
            .unwrap()
            .replacen("\nG00006000,", "\nG00006000,x", 1);
    // One bad record, in the middle of the second batch.
    std::fs::write(&data, &month).unwrap();
    let run = |jobs: &str| {
        kpi(&[
            "eval",
            "rulesets/thresholds.kpi",
            data.to_str().unwrap(),
            "-j",
            jobs,
        ])
    };
    let (one, two) = (run("1"), run("2"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stderr, two.stderr);
    let rows: Vec<String> = text(&one.stdout).lines().map(String::from).collect();
    assert_eq!(rows.len(), 10_000);
    // The header, then every record but the bad one, in order.
    assert!(rows[5999].starts_with("G00005999,") && rows[6000].starts_with("G00006001,"));
    assert!(
        text(&one.stderr).contains("(G00006000)"),
        "{}",
        text(&one.stderr)
    );
}
