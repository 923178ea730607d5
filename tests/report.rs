//! `kpi report`: the workbook of a run, read back.

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::{kpi, text};
use rust_decimal::Decimal;

fn cell(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    range
        .get((row, col))
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[test]
fn the_workbook_holds_results_totals_grades_charts_and_nothing_left_out() {
    let dir = std::env::temp_dir().join(format!("kpi-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.xlsx");
    let (rules, data) = (
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
    );
    let out = kpi(&["report", rules, data, "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}: 60 records scored, 0 not\n", path.display())
    );
    // What `kpi eval` pays, to compare with.
    let eval = text(&kpi(&["eval", rules, data]).stdout);
    let rows: Vec<Vec<&str>> = eval
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let total: Decimal = rows.iter().map(|r| r[3].parse::<Decimal>().unwrap()).sum();
    let grade_s = rows.iter().filter(|r| r[2] == "S").count();

    let mut book = open_workbook_auto(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "结果 Results",
            "汇总 Summary",
            "分布 Distribution",
            "未计分 Not scored"
        ]
    );
    let results = book.worksheet_range("结果 Results").unwrap();
    assert_eq!(results.height(), 61);
    assert_eq!(
        (0..4).map(|c| cell(&results, 0, c)).collect::<Vec<_>>(),
        ["agent_id", "score", "grade", "payout"]
    );
    assert_eq!(cell(&results, 1, 0), "E01");
    assert_eq!(cell(&results, 1, 3), rows[0][3].trim_end_matches(".00"));

    let summary = book.worksheet_range("汇总 Summary").unwrap();
    assert_eq!(cell(&summary, 0, 1), "60");
    assert_eq!(cell(&summary, 1, 1), "0");
    assert_eq!(cell(&summary, 3, 3), "payout");
    let summed: f64 = cell(&summary, 4, 3).parse().unwrap();
    assert_eq!(format!("{summed:.2}"), total.to_string());
    assert_eq!(cell(&summary, 6, 0), "按 grade / By grade");
    assert_eq!(
        (cell(&summary, 7, 0), cell(&summary, 7, 1)),
        ("S".into(), grade_s.to_string())
    );

    let histogram = book.worksheet_range("分布 Distribution").unwrap();
    let counted: usize = (1..=10)
        .map(|r| cell(&histogram, r, 2).parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, 60);
    let left_out = book.worksheet_range("未计分 Not scored").unwrap();
    assert_eq!(left_out.height(), 1);

    // Both charts are in the file.
    let bytes = std::fs::read(&path).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("xl/charts/chart1.xml") && has("xl/charts/chart2.xml"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn records_that_cannot_be_scored_are_listed_with_why() {
    let dir = std::env::temp_dir().join(format!("kpi-report-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.xlsx");
    let out = kpi(&[
        "report",
        "rulesets/agent_monthly.kpi",
        "tests/fixtures/data/agent_monthly_one_bad_cell.csv",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let mut book = open_workbook_auto(&path).unwrap();
    let left_out = book.worksheet_range("未计分 Not scored").unwrap();
    assert_eq!(cell(&left_out, 1, 0), "E03");
    assert!(cell(&left_out, 1, 1).contains("column qa_score, value \"7O.5\""));
    let results = book.worksheet_range("结果 Results").unwrap();
    assert_eq!(results.height(), 60);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A directory of its own for one test, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The page refers to nothing outside itself and runs nothing.
fn assert_self_contained(page: &str) {
    for outside in [
        "<script", "http://", "https://", "<link", "src=", "url(", "@import",
    ] {
        assert!(!page.contains(outside), "the page holds {outside}");
    }
}

#[test]
fn the_page_holds_results_totals_grades_charts_and_nothing_from_outside() {
    let dir = scratch("html");
    let path = dir.join("report.html");
    let (rules, data) = (
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
    );
    // agent_monthly reads no team column; praise_cases is the input to group by.
    let out = kpi(&[
        "report",
        rules,
        data,
        "--by",
        "praise_cases",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}: 60 records scored, 0 not\n", path.display())
    );
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&page);

    // What `kpi eval` pays, to compare with: agent_id, score, grade, payout.
    let eval = text(&kpi(&["eval", rules, data]).stdout);
    let rows: Vec<Vec<&str>> = eval
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let sum = |rows: &[&Vec<&str>], column: usize| -> Decimal {
        rows.iter()
            .map(|r| r[column].parse::<Decimal>().unwrap())
            .sum()
    };
    let all: Vec<&Vec<&str>> = rows.iter().collect();
    let total = sum(&all, 3);
    assert!(page.contains("<dt>记录 / Records scored</dt><dd>60</dd>"));
    assert!(page.contains("<dt>未计分 / Not scored</dt><dd>0</dd>"));
    assert!(
        page.contains(&format!("<dt>payout</dt><dd>{total}</dd>")),
        "no total payout {total}"
    );
    for grade in ["S", "A", "B", "C", "D"] {
        let graded: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == grade).collect();
        // Only amounts are totalled: a sum of scores means nothing.
        let row = format!(
            "<tr><th scope=\"row\">{grade}</th><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            graded.len(),
            sum(&graded, 3)
        );
        assert!(page.contains(&row), "no row {row}");
    }
    // Every record with its outputs as `kpi eval` prints them.
    for r in &rows {
        let row = format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            r[0], r[1], r[2], r[3]
        );
        assert!(page.contains(&row), "no row {row}");
    }
    // The records by praise cases, counted from the data file.
    let metrics = std::fs::read_to_string(data).unwrap();
    let mut by_praise = std::collections::BTreeMap::<&str, usize>::new();
    for line in metrics.lines().skip(1) {
        *by_praise
            .entry(line.split(',').nth(9).unwrap())
            .or_default() += 1;
    }
    assert!(page.contains("<h3>按 praise_cases / By praise_cases</h3>"));
    for (cases, records) in &by_praise {
        let row = format!("<tr><th scope=\"row\">{cases}</th><td class=\"n\">{records}</td>");
        assert!(page.contains(&row), "no row {row}");
    }

    // Two charts: the grades, five bars; the payout, ten, from the least payout.
    let charts: Vec<&str> = page
        .split("<svg")
        .skip(1)
        .map(|c| c.split("</svg>").next().unwrap())
        .collect();
    assert_eq!(charts.len(), 2);
    assert_eq!(charts[0].matches("class=\"bar\"").count(), 5);
    assert_eq!(charts[1].matches("class=\"bar\"").count(), 10);
    let least = rows.iter().map(|r| r[3].parse::<Decimal>().unwrap()).min();
    assert!(charts[1].contains(&format!(">{} – ", least.unwrap())));
    let counted: usize = charts[1]
        .lines()
        .filter_map(|l| l.strip_prefix("<g><title>"))
        .map(|l| l.split("</title>").next().unwrap())
        .map(|l| l.rsplit(": ").next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, 60);
    assert!(page.contains("<h2>未计分 / Not scored</h2>\n<p>无 / None</p>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_page_lists_every_record_not_scored_with_why_escaped() {
    let dir = scratch("html-bad");
    let metrics = std::fs::read_to_string("tests/scenarios/agent_monthly/metrics.csv").unwrap();
    // Two bad cells: a letter O for a zero, and markup where a number belongs.
    let bad = metrics
        .replace(
            "E03,坐席E03,T1,10000,9499,20,18,4,3,0,0,75,",
            "E03,坐席E03,T1,10000,9499,20,18,4,3,0,0,7O.5,",
        )
        .replace(
            "E04,坐席E04,T1,1000,900,10,8,0,0,2,1,60,70,1000.05\n",
            "E04,坐席E04,T1,1000,900,10,8,0,0,2,1,60,70,<b>1000</b>\n",
        );
    assert_ne!(bad, metrics);
    let data = dir.join("metrics.csv");
    std::fs::write(&data, bad).unwrap();
    let path = dir.join("report.htm");
    let out = kpi(&[
        "report",
        "rulesets/agent_monthly.kpi",
        data.to_str().unwrap(),
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}: 58 records scored, 2 not\n", path.display())
    );
    let page = std::fs::read_to_string(&path).unwrap();
    assert_self_contained(&page);
    assert!(page.contains("<dt>记录 / Records scored</dt><dd>58</dd>"));
    assert!(page.contains("<dt>未计分 / Not scored</dt><dd>2</dd>"));
    let failed = page
        .split("<section id=\"not-scored\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    for (key, line, column, value) in [
        ("E03", 4, "qa_score", "&quot;7O.5&quot;"),
        (
            "E04",
            5,
            "base_bonus",
            "&quot;&lt;b&gt;1000&lt;/b&gt;&quot;",
        ),
    ] {
        let row =
            format!("<tr><td>{key}</td><td>line {line} ({key}), column {column}, value {value}:");
        assert!(failed.contains(&row), "no {row} in {failed}");
    }
    assert!(!page.contains("<b>"));
    // Neither is among the results.
    let results = page.split("<section id=\"results\">").nth(1).unwrap();
    assert!(!results.contains("<td>E03</td>") && !results.contains("<td>E04</td>"));
    assert!(results.contains("<td>E05</td>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn format_names_what_is_written_whatever_the_extension() {
    let dir = scratch("format");
    let write = |format: &str, name: &str| {
        let path = dir.join(name);
        let out = kpi(&[
            "report",
            "rulesets/agent_monthly.kpi",
            "tests/fixtures/data/agent_monthly_first5.json",
            "--format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        std::fs::read(&path).unwrap()
    };
    assert!(write("html", "report.xlsx").starts_with(b"<!DOCTYPE html>"));
    // A workbook is a zip archive.
    assert!(write("xlsx", "report.html").starts_with(b"PK"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_small_report_page() {
    let dir = scratch("snapshot");
    let scores = std::fs::read_to_string("tests/scenarios/forced_distribution/scores.csv").unwrap();
    let first: Vec<&str> = scores.lines().take(13).collect();
    let data = dir.join("scores.csv");
    std::fs::write(&data, first.join("\n") + "\n").unwrap();
    let path = dir.join("report.html");
    let out = kpi(&[
        "report",
        "rulesets/forced_distribution.kpi",
        data.to_str().unwrap(),
        "--by",
        "team",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    insta::assert_snapshot!(std::fs::read_to_string(&path).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
