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
