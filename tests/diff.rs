//! `kpi diff`: a rule change scored against the rules as they are, checked against
//! what each rule file gives on its own and against the data itself.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calamine::{Reader, open_workbook_auto};
use common::{kpi, text};
use rust_decimal::Decimal;
use serde_json::Value;

const RULES: &str = "rulesets/agent_monthly.kpi";
const DATA: &str = "tests/scenarios/agent_monthly/metrics.csv";

/// A folder of this test's own.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-diff-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes the folder of a rule file `folder` made.
fn remove(rules: &Path) {
    if let Some(dir) = rules.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The shipped rules with `from` replaced by `to`, which must occur exactly once.
fn changed_rules(name: &str, from: &str, to: &str) -> PathBuf {
    let rules = std::fs::read_to_string(RULES).unwrap();
    assert_eq!(rules.matches(from).count(), 1, "{from:?} must occur once");
    let path = folder(name).join("new.kpi");
    std::fs::write(&path, rules.replace(from, to)).unwrap();
    path
}

/// The rules with the top row of the answer-score tier table scoring 110, not 100.
fn richer_top_tier(name: &str) -> PathBuf {
    changed_rules(
        name,
        "tiers answer_rate\n  >= 95% : 100\n",
        "tiers answer_rate\n  >= 95% : 110\n",
    )
}

/// The data file's rows, as maps from column to cell.
fn data_rows() -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(DATA).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            header
                .iter()
                .cloned()
                .zip(row.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn decimal(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a decimal: {e}"))
}

/// Each agent's `score` and `payout` as `kpi eval` gives them with `rules` on its own.
fn eval_outputs(rules: &Path) -> Vec<(String, Decimal, Decimal)> {
    let out = kpi(&["eval", rules.to_str().unwrap(), DATA]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (key, score, payout) = (column("agent_id"), column("score"), column("payout"));
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (
                row[key].to_string(),
                decimal(&row[score]),
                decimal(&row[payout]),
            )
        })
        .collect()
}

/// The totals of `score` and `payout` that `kpi eval` gives with `rules` on its own.
fn eval_totals(rules: &Path) -> (Decimal, Decimal) {
    sums(&eval_outputs(rules))
}

/// The sums of `score` and `payout` over some agents.
fn sums(outputs: &[(String, Decimal, Decimal)]) -> (Decimal, Decimal) {
    outputs.iter().fold(
        (Decimal::ZERO, Decimal::ZERO),
        |(s, p), (_, score, payout)| (s + score, p + payout),
    )
}

fn diff_json(new: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    diff_json_over(DATA, new, extra)
}

/// `kpi diff --format json` of the shipped rules and `new` over `data`: the exit
/// status, the comparison and stderr.
fn diff_json_over(data: &str, new: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec![
        "diff",
        RULES,
        new.to_str().unwrap(),
        data,
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = kpi(&args);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), json, text(&out.stderr))
}

/// The agents whose answer rate is at least 95% (no calls offered counting as 100%).
fn top_tier_agents() -> BTreeSet<String> {
    data_rows()
        .into_iter()
        .filter(|row| {
            let offered = decimal(&row["calls_offered"]);
            let answered = decimal(&row["calls_answered"]);
            offered.is_zero() || answered * Decimal::from(100) >= offered * Decimal::from(95)
        })
        .map(|row| row["agent_id"].clone())
        .collect()
}

/// The agents the QA veto zeroes: a QA score below 60.
fn vetoed_agents() -> BTreeSet<String> {
    data_rows()
        .into_iter()
        .filter(|row| decimal(&row["qa_score"]) < Decimal::from(60))
        .map(|row| row["agent_id"].clone())
        .collect()
}

/// The agents a richer top tier should pay more points.
fn top_tier_agents_without_veto() -> BTreeSet<String> {
    &top_tier_agents() - &vetoed_agents()
}

#[test]
fn a_richer_top_tier_gains_exactly_the_agents_there_and_totals_as_each_file_alone() {
    let new = richer_top_tier("gainers");
    let (code, json, stderr) = diff_json(&new, &["--top", "3"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json["old"], RULES);
    assert_eq!(json["new"], new.to_str().unwrap());

    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), 60);
    let change = |record: &Value, output: &str| {
        decimal(record["outputs"][output]["change"].as_str().unwrap())
    };
    let gainers: BTreeSet<String> = records
        .iter()
        .filter(|r| change(r, "score") > Decimal::ZERO)
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    let expected = top_tier_agents_without_veto();
    assert_eq!(gainers, expected);
    // The sets are not trivial: some agents are in the top tier, some are not, and
    // some in it are vetoed and gain nothing.
    assert!(expected.len() > 5 && expected.len() < 55, "{expected:?}");
    let vetoed_at_the_top = &top_tier_agents() & &vetoed_agents();
    assert!(!vetoed_at_the_top.is_empty());
    assert!(gainers.is_disjoint(&vetoed_at_the_top));
    // Each gainer gains 10 points at a weight of 35%.
    for record in records {
        let key = record["key"].as_str().unwrap();
        let expected_change = if gainers.contains(key) { "3.5" } else { "0" };
        assert_eq!(change(record, "score"), decimal(expected_change), "{key}");
        assert_eq!(record["error"], Value::Null);
        assert!(record["outputs"]["grade"].get("change").is_none());
    }

    let summary = &json["summary"];
    assert_eq!(summary["score"]["gainers"], gainers.len());
    assert_eq!(summary["score"]["changed"], gainers.len());
    assert_eq!(summary["score"]["losers"], 0);
    assert_eq!(summary["payout"]["losers"], 0);
    assert!(summary.get("grade").is_none());

    let (score_before, payout_before) = eval_totals(Path::new(RULES));
    let (score_after, payout_after) = eval_totals(&new);
    let totals = |output: &str, before: Decimal, after: Decimal| {
        assert_eq!(summary[output]["before"], before.to_string(), "{output}");
        assert_eq!(summary[output]["after"], after.to_string(), "{output}");
        assert_eq!(
            summary[output]["change"],
            (after - before).to_string(),
            "{output}"
        );
    };
    totals("score", score_before, score_after);
    totals("payout", payout_before, payout_after);
    assert_eq!(
        score_after - score_before,
        Decimal::new(35, 1) * Decimal::from(gainers.len())
    );

    // Grouped by the new grade, the groups cover every record and add up to the whole.
    let grades = json["by_grade"]["grade"].as_object().unwrap();
    let labels: Vec<&str> = grades.keys().map(String::as_str).collect();
    assert_eq!(labels, ["S", "A", "B", "C", "D"]);
    let records_in_groups: u64 = grades
        .values()
        .map(|g| g["payout"]["records"].as_u64().unwrap())
        .sum();
    assert_eq!(records_in_groups, 60);
    let payout_change: Decimal = grades
        .values()
        .map(|g| decimal(g["payout"]["change"].as_str().unwrap()))
        .sum();
    assert_eq!(payout_change, payout_after - payout_before);
    assert_eq!(json["by_column"], serde_json::json!({}));

    // The largest changes of payout: three, largest first, the largest of all first.
    let largest = json["largest"]["payout"].as_array().unwrap();
    assert_eq!(largest.len(), 3);
    let changes: Vec<Decimal> = largest
        .iter()
        .map(|l| decimal(l["change"].as_str().unwrap()))
        .collect();
    assert!(
        changes.windows(2).all(|w| w[0].abs() >= w[1].abs()),
        "{changes:?}"
    );
    let most = records
        .iter()
        .map(|r| change(r, "payout").abs())
        .max()
        .unwrap();
    assert_eq!(changes[0].abs(), most);
    remove(&new);
}

#[test]
fn csv_has_each_output_before_and_after_and_each_change() {
    let new = richer_top_tier("csv");
    let out = kpi(&[
        "diff",
        RULES,
        new.to_str().unwrap(),
        DATA,
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "agent_id,score_before,score_after,score_change,grade_before,grade_after,payout_before,payout_after,payout_change"
    );
    // E01 had no calls, which counts as 100%: 98 points become 101.50, still S.
    assert_eq!(lines[1], "E01,98.00,101.50,3.50,S,S,1200.00,1200.00,0.00");
    assert_eq!(lines.len(), 61);
    remove(&new);
}

#[test]
fn text_has_a_summary_line_for_payout_with_the_totals_of_each_file_alone() {
    let new = richer_top_tier("text");
    let out = kpi(&["diff", RULES, new.to_str().unwrap(), DATA]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let first = report.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{RULES} → {}", new.display())),
        "{first}"
    );
    let old_outputs = eval_outputs(Path::new(RULES));
    let new_outputs = eval_outputs(&new);
    let (_, before) = sums(&old_outputs);
    let (_, after) = sums(&new_outputs);
    let payout: Vec<&str> = report
        .lines()
        .find(|l| l.starts_with("payout "))
        .unwrap_or_else(|| panic!("no payout line in\n{report}"))
        .split_whitespace()
        .collect();
    // The agents paid more, from each file's own payouts, in the same order.
    let gainers = old_outputs
        .iter()
        .zip(&new_outputs)
        .filter(|((old_key, _, old), (new_key, _, new))| {
            assert_eq!(old_key, new_key);
            new > old
        })
        .count()
        .to_string();
    assert_eq!(
        payout,
        [
            "payout",
            &before.to_string(),
            &after.to_string(),
            &format!("+{}", after - before),
            &gainers,
            &gainers,
            "0",
        ]
    );
    assert!(report.contains("\nby grade (new rules)\n"), "{report}");
    assert!(report.contains("\nlargest changes in payout\n"), "{report}");
    assert!(!report.contains("not scored by both"), "{report}");
    remove(&new);
}

#[test]
fn rule_files_keyed_differently_are_a_usage_error() {
    let rules = std::fs::read_to_string(RULES).unwrap();
    // The test cases give no calls_offered key; they are not what is compared.
    let without_cases = &rules[..rules.find("# 测试 / Tests").unwrap()];
    let path = folder("keys").join("new.kpi");
    std::fs::write(
        &path,
        without_cases.replace("key agent_id\n", "key agent_id, calls_offered\n"),
    )
    .unwrap();
    let out = kpi(&["diff", RULES, path.to_str().unwrap(), DATA]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {RULES} identifies records by `agent_id` and {} by `agent_id, calls_offered`: the two rule files must have the same key to be compared\n",
            path.display()
        )
    );
    remove(&path);
}

#[test]
fn a_record_the_new_rules_cannot_score_is_listed_and_the_exit_is_1() {
    let new = changed_rules(
        "failing",
        "calls_answered / calls_offered, when zero 100%",
        "calls_answered / calls_offered, when zero error",
    );
    let (code, json, stderr) = diff_json(&new, &[]);
    assert_eq!(code, Some(1));
    let no_calls: BTreeSet<String> = data_rows()
        .into_iter()
        .filter(|row| row["calls_offered"] == "0")
        .map(|row| row["agent_id"].clone())
        .collect();
    assert!(no_calls.contains("E01"), "{no_calls:?}");
    let records = json["records"].as_array().unwrap();
    let failed: BTreeSet<String> = records
        .iter()
        .filter(|r| !r["error"].is_null())
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed, no_calls);
    let e01 = records.iter().find(|r| r["key"] == "E01").unwrap();
    let error = e01["error"].as_str().unwrap();
    assert!(
        error.starts_with("new: ") && error.contains("`when zero error`"),
        "{error}"
    );
    assert_eq!(e01["outputs"]["payout"]["before"], "1200.00");
    assert_eq!(e01["outputs"]["payout"]["after"], Value::Null);
    assert_eq!(e01["outputs"]["payout"]["change"], Value::Null);
    // Counted in no total; the others are unchanged.
    let summary = &json["summary"]["payout"];
    assert_eq!(summary["records"], 60 - no_calls.len());
    assert_eq!(summary["change"], "0.00");
    assert!(stderr.contains("record E01: the denominator"), "{stderr}");

    let out = kpi(&["diff", RULES, new.to_str().unwrap(), DATA]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!("\nnot scored by both ({})\n", no_calls.len())),
        "{report}"
    );
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("E01 ") && l.contains("new: the denominator")),
        "{report}"
    );
    remove(&new);
}

#[test]
fn totals_by_a_column_the_new_rules_declare() {
    // The new rules read the team column the data file already has; their test
    // cases, which give no team, are left out.
    let new = richer_top_tier("by-team");
    let rules = std::fs::read_to_string(&new).unwrap();
    let without_cases = &rules[..rules.find("# 测试 / Tests").unwrap()];
    let with_team = without_cases.replace(
        "input base_bonus ",
        "input team                text          \"班组 / Team\"\ninput base_bonus ",
    );
    std::fs::write(&new, with_team).unwrap();
    let (code, json, stderr) = diff_json(&new, &["--by", "team"]);
    assert_eq!(code, Some(0), "{stderr}");
    let gainers = top_tier_agents_without_veto();
    let teams = json["by_column"]["team"].as_object().unwrap();
    let mut expected_teams: Vec<String> =
        data_rows().into_iter().map(|r| r["team"].clone()).collect();
    expected_teams.sort();
    expected_teams.dedup();
    assert_eq!(teams.keys().cloned().collect::<Vec<_>>(), expected_teams);
    for (team, totals) in teams {
        let members: Vec<String> = data_rows()
            .into_iter()
            .filter(|r| &r["team"] == team)
            .map(|r| r["agent_id"].clone())
            .collect();
        let gaining = members.iter().filter(|m| gainers.contains(*m)).count();
        assert_eq!(totals["score"]["records"], members.len(), "{team}");
        assert_eq!(totals["score"]["gainers"], gaining, "{team}");
        assert_eq!(
            decimal(totals["score"]["change"].as_str().unwrap()),
            Decimal::new(35, 1) * Decimal::from(gaining),
            "{team}"
        );
    }

    let out = kpi(&["diff", RULES, new.to_str().unwrap(), DATA, "--by", "squad"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!(
            "error: --by squad: {} declares no input of that name",
            new.display()
        )),
        "{}",
        text(&out.stderr)
    );
    remove(&new);
}

/// The sheets of a workbook, each as rows of cells as calamine shows them (a number
/// as its shortest decimal, an empty cell as ""), without the empty cells that end a
/// row.
fn workbook(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book = open_workbook_auto(path).unwrap();
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let rows = range
                .rows()
                .map(|row| {
                    let mut cells: Vec<String> = row.iter().map(ToString::to_string).collect();
                    while cells.last().is_some_and(String::is_empty) {
                        cells.pop();
                    }
                    cells
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The rows of the sheet `name`.
fn sheet<'b>(book: &'b [(String, Vec<Vec<String>>)], name: &str) -> &'b [Vec<String>] {
    &book
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

/// The same cell, written as text by the CSV format and as a number or text in the
/// workbook: numbers compared as decimals (`1200.00` is the workbook's 1200).
fn same_cell(csv: &str, xlsx: &str) -> bool {
    match (csv.parse::<Decimal>(), xlsx.parse::<Decimal>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => csv == xlsx,
    }
}

const SHEETS: [&str; 4] = [
    "汇总 Summary",
    "记录 Records",
    "最大变化 Largest changes",
    "未比较 Not compared",
];

#[test]
fn a_workbook_holds_the_json_totals_every_record_of_the_csv_and_the_largest_changes() {
    let new = richer_top_tier("xlsx");
    let path = new.with_file_name("impact.xlsx");
    // No --format: the name of the output file chooses the workbook.
    let out = kpi(&[
        "diff",
        RULES,
        new.to_str().unwrap(),
        DATA,
        "--top",
        "3",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let (_, json, _) = diff_json(&new, &["--top", "3"]);
    let book = workbook(&path);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, SHEETS);

    // The totals: the JSON summary's figures, found by their headings.
    let summary = sheet(&book, "汇总 Summary");
    assert_eq!(summary[0], ["旧规则 / Old rules", RULES]);
    assert_eq!(summary[3], ["比较 / Compared", "60"]);
    assert_eq!(summary[4], ["未比较 / Not compared", "0"]);
    let header = summary
        .iter()
        .position(|row| row.get(3).is_some_and(|c| c == "之前 / Before"))
        .unwrap();
    assert_eq!(summary[header - 1], ["合计 / Totals"]);
    assert_eq!(
        summary[header],
        [
            "",
            "记录 / Records",
            "输出 / Output",
            "之前 / Before",
            "之后 / After",
            "变化 / Change",
            "有变化 / Changed",
            "增加 / Gainers",
            "减少 / Losers",
        ]
    );
    assert_eq!(summary[header + 1][..3], ["全部 / All", "60", "score"]);
    assert_eq!(summary[header + 2][..3], ["", "", "payout"]);
    for (row, output) in [(header + 1, "score"), (header + 2, "payout")] {
        let totals = &json["summary"][output];
        let row = &summary[row];
        for (c, figure) in [(3, "before"), (4, "after"), (5, "change")] {
            let expected = decimal(totals[figure].as_str().unwrap());
            assert_eq!(decimal(&row[c]), expected, "{output} {figure}");
        }
        for (c, count) in [(6, "changed"), (7, "gainers"), (8, "losers")] {
            assert_eq!(row[c], totals[count].to_string(), "{output} {count}");
        }
    }
    // Not a comparison of nothing: some are paid more.
    assert_ne!(json["summary"]["payout"]["gainers"], 0);

    // By grade: a group per grade in the order of its rows, its records on its first
    // line, as the JSON counts them.
    let by_grade = summary
        .iter()
        .position(|row| {
            row.first()
                .is_some_and(|c| c == "按 grade（新规则）/ By grade (new rules)")
        })
        .unwrap();
    assert_eq!(summary[by_grade + 1][0], "grade");
    let groups: Vec<(&str, &str)> = summary[by_grade + 2..]
        .iter()
        .take_while(|row| !row.is_empty())
        .filter(|row| !row[0].is_empty())
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    let expected: Vec<(String, String)> = json["by_grade"]["grade"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(grade, totals)| (grade.clone(), totals["payout"]["records"].to_string()))
        .collect();
    assert_eq!(
        groups,
        expected
            .iter()
            .map(|(g, r)| (g.as_str(), r.as_str()))
            .collect::<Vec<_>>()
    );

    // Every record, every cell as the CSV format has it.
    let csv_out = kpi(&[
        "diff",
        RULES,
        new.to_str().unwrap(),
        DATA,
        "--format",
        "csv",
    ]);
    let csv = text(&csv_out.stdout);
    let csv_rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let records = sheet(&book, "记录 Records");
    assert_eq!(records.len(), 61);
    assert_eq!(records[0], csv_rows[0]);
    assert_eq!(records[1][..4], ["E01", "98", "101.5", "3.5"]);
    for (xlsx, csv) in records.iter().zip(&csv_rows) {
        assert_eq!(xlsx.len(), csv.len(), "{csv:?}");
        for (x, c) in xlsx.iter().zip(csv) {
            assert!(same_cell(c, x), "{x:?} for {c:?} in {csv:?}");
        }
    }

    // The largest changes: the JSON's lists, output by output.
    let largest = sheet(&book, "最大变化 Largest changes");
    assert_eq!(
        largest[0],
        [
            "输出 / Output",
            "记录 / Record",
            "之前 / Before",
            "之后 / After",
            "变化 / Change"
        ]
    );
    let expected: Vec<(&str, &str, Decimal)> = ["score", "payout"]
        .into_iter()
        .flat_map(|output| {
            json["largest"][output]
                .as_array()
                .unwrap()
                .iter()
                .map(move |l| {
                    let change = decimal(l["change"].as_str().unwrap());
                    (output, l["key"].as_str().unwrap(), change)
                })
        })
        .collect();
    assert_eq!(expected.len(), 6);
    let shown: Vec<(&str, &str, Decimal)> = largest[1..]
        .iter()
        .map(|row| (row[0].as_str(), row[1].as_str(), decimal(&row[4])))
        .collect();
    assert_eq!(shown, expected);

    let not_compared = sheet(&book, "未比较 Not compared");
    assert_eq!(not_compared, [["记录 / Record", "原因 / Why"]]);
    remove(&new);
}

#[test]
fn a_workbook_lists_the_records_not_compared_and_why() {
    let data = "tests/fixtures/data/agent_monthly_one_bad_cell.csv";
    let new = richer_top_tier("xlsx-bad");
    let path = new.with_file_name("impact.xlsx");
    let out = kpi(&[
        "diff",
        RULES,
        new.to_str().unwrap(),
        data,
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let (_, json, _) = diff_json_over(data, &new, &[]);
    let book = workbook(&path);
    let e03 = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "E03")
        .unwrap();
    let why = e03["error"].as_str().unwrap();
    assert!(
        why.starts_with("old: ") && why.contains("column qa_score, value \"7O.5\""),
        "{why}"
    );
    assert_eq!(
        sheet(&book, "未比较 Not compared"),
        [["记录 / Record", "原因 / Why"], ["E03", why]]
    );
    let summary = sheet(&book, "汇总 Summary");
    assert_eq!(summary[3], ["比较 / Compared", "59"]);
    assert_eq!(summary[4], ["未比较 / Not compared", "1"]);
    // The record keeps its row, with no values.
    let records = sheet(&book, "记录 Records");
    assert_eq!(records.len(), 61);
    assert_eq!(records[3], ["E03"]);
    remove(&new);
}

#[test]
fn a_workbook_needs_an_output_file_and_a_named_format_wins_over_the_file_name() {
    let out = kpi(&["diff", RULES, RULES, DATA, "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "error: --format xlsx writes a workbook: give -o FILE.xlsx\n"
    );

    let dir = folder("formats");
    let named_xlsx = dir.join("impact.xlsx");
    let out = kpi(&[
        "diff",
        RULES,
        RULES,
        DATA,
        "--format",
        "json",
        "-o",
        named_xlsx.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&named_xlsx).unwrap();
    assert!(written.starts_with("{\n  \"old\""), "{written}");
    // Any other file name keeps the text report.
    let named_txt = dir.join("impact.txt");
    let out = kpi(&[
        "diff",
        RULES,
        RULES,
        DATA,
        "-o",
        named_txt.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&named_txt).unwrap();
    assert!(
        written.starts_with(&format!("{RULES} → {RULES}")),
        "{written}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
