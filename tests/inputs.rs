//! Data as HR has it: a CSV saved by Chinese Excel (GBK), a workbook, amounts with
//! grouped thousands. Each gives what the UTF-8 CSV gives.

mod common;

use std::path::{Path, PathBuf};

use common::{kpi, text};

const RULES: &str = "rulesets/agent_monthly.kpi";
const METRICS: &str = "tests/scenarios/agent_monthly/metrics.csv";

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-inputs-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn eval(data: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["eval", RULES, data.to_str().unwrap()];
    args.extend(extra);
    kpi(&args)
}

/// Rows as a workbook, as Excel keeps them: numbers as binary floats, days as dates,
/// the rest as text.
fn workbook(rows: &[Vec<String>], path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("绩效数据").unwrap();
    let day = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let is_date = r > 0 && cell.len() == 10 && cell.as_bytes()[4] == b'-';
            if is_date {
                let date = rust_xlsxwriter::ExcelDateTime::parse_from_str(cell).unwrap();
                sheet.write_datetime_with_format(r, c, &date, &day).unwrap();
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn a_gbk_csv_saved_by_excel_scores_as_the_utf8_one() {
    let dir = scratch("gbk");
    let utf8 = std::fs::read_to_string(METRICS).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&utf8);
    assert!(!unmappable);
    let path = dir.join("metrics.csv");
    std::fs::write(&path, &gbk).unwrap();
    let want = eval(Path::new(METRICS), &[]);
    let got = eval(&path, &[]);
    assert!(got.status.success(), "{}", text(&got.stderr));
    assert_eq!(text(&got.stdout), text(&want.stdout));
    assert_eq!(
        text(&got.stderr),
        format!(
            "{}: not UTF-8; read as GB18030 (GBK), as Chinese Excel saves CSV (--encoding utf-8 refuses it)\n",
            path.display()
        )
    );
    // Named, it is read without a word; refused as UTF-8, it says so.
    let named = eval(&path, &["--encoding", "gbk"]);
    assert_eq!(text(&named.stdout), text(&want.stdout));
    assert!(text(&named.stderr).is_empty());
    let refused = eval(&path, &["--encoding", "utf-8"]);
    assert_eq!(refused.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_workbook_scores_as_the_csv_it_was_made_from() {
    let dir = scratch("xlsx");
    let path = dir.join("metrics.xlsx");
    workbook(&csv_rows(&std::fs::read_to_string(METRICS).unwrap()), &path);
    let want = eval(Path::new(METRICS), &[]);
    let got = eval(&path, &[]);
    assert!(got.status.success(), "{}", text(&got.stderr));
    assert_eq!(text(&got.stdout), text(&want.stdout));
    let named = eval(&path, &["--sheet", "绩效数据"]);
    assert_eq!(text(&named.stdout), text(&want.stdout));
    let missing = eval(&path, &["--sheet", "Sheet9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        text(&missing.stderr),
        format!(
            "error: {}: there is no sheet \"Sheet9\"; the sheets are 绩效数据\n",
            path.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_cell_of_a_workbook_names_its_sheet_row_column_and_value() {
    let dir = scratch("bad-cell");
    let path = dir.join("metrics.xlsx");
    let mut rows = csv_rows(&std::fs::read_to_string(METRICS).unwrap());
    let qa = rows[0].iter().position(|c| c == "qa_score").unwrap();
    rows[3][qa] = "7O.5".into();
    workbook(&rows, &path);
    let got = eval(&path, &[]);
    assert_eq!(got.status.code(), Some(1));
    assert_eq!(
        text(&got.stderr),
        format!(
            "{}: sheet 绩效数据, row 4 (E03), column qa_score, value \"7O.5\": expected a number such as 87.5\n",
            path.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn amounts_with_grouped_thousands_are_read_and_badly_grouped_ones_refused() {
    let dir = scratch("thousands");
    let utf8 = std::fs::read_to_string(METRICS).unwrap();
    let grouped = utf8.replace(",1000.00\n", ",\"1,000.00\"\n");
    assert_ne!(grouped, utf8);
    let path = dir.join("metrics.csv");
    std::fs::write(&path, &grouped).unwrap();
    let want = eval(Path::new(METRICS), &[]);
    assert_eq!(text(&eval(&path, &[]).stdout), text(&want.stdout));
    let wrong = utf8.replacen(",1000.00\n", ",\"10,00.00\"\n", 1);
    std::fs::write(&path, &wrong).unwrap();
    let got = eval(&path, &[]);
    assert_eq!(got.status.code(), Some(1));
    assert!(
        text(&got.stderr).contains(
            "column base_bonus, value \"10,00.00\": the digits are grouped wrongly: group thousands by three, as in 16,000.00 or 1,234,567, or write no commas"
        ),
        "{}",
        text(&got.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn date_cells_of_a_workbook_are_read_as_dates() {
    let dir = scratch("dates");
    let path = dir.join("monthly.xlsx");
    let data = "tests/scenarios/dated_proration/monthly.csv";
    workbook(&csv_rows(&std::fs::read_to_string(data).unwrap()), &path);
    let rules = "rulesets/dated_proration.kpi";
    let want = kpi(&["eval", rules, data]);
    let got = kpi(&["eval", rules, path.to_str().unwrap()]);
    assert_eq!(
        got.status.code(),
        Some(1),
        "the records of 2026-09 are refused"
    );
    assert_eq!(text(&got.stdout), text(&want.stdout));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_repeated_key_is_reported_with_both_places_and_scored_once() {
    let dir = scratch("repeated");
    let mut lines: Vec<String> = std::fs::read_to_string(METRICS)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    // Line 21 repeats E04 (line 5) with another base.
    let again = lines[4].replace(",1000.05", ",9000.00");
    lines.insert(20, again);
    let path = dir.join("metrics.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let warning = format!(
        "{}: line 21 (E04): the key was given before, at line 5; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)\n",
        path.display()
    );
    for jobs in ["1", "2"] {
        let got = eval(&path, &["-j", jobs]);
        assert_eq!(got.status.code(), Some(1));
        assert_eq!(text(&got.stderr), warning);
        let out = text(&got.stdout);
        assert_eq!(out.lines().count(), 61, "the header and each key once");
        assert_eq!(out.matches("\nE04,").count(), 1);
        assert!(out.contains("\nE04,62.00,C,620.03\n"), "{out}");
    }
    // The commands that look at a whole run leave it out too, and say why.
    let report = dir.join("report.xlsx");
    let got = kpi(&[
        "report",
        RULES,
        path.to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(got.status.code(), Some(1));
    assert!(text(&got.stderr).contains("line 21 (E04): the key was given before, at line 5"));
    assert!(text(&got.stdout).ends_with("60 records scored, 1 not\n"));
    let statements = dir.join("statements");
    let got = kpi(&[
        "explain",
        RULES,
        path.to_str().unwrap(),
        "--all",
        "-o",
        statements.to_str().unwrap(),
    ]);
    assert_eq!(got.status.code(), Some(1));
    assert_eq!(text(&got.stderr), warning);
    assert!(!statements.join("E04~2.txt").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_repeated_key_in_a_team_stops_the_whole_run() {
    let dir = scratch("repeated-team");
    let members = "tests/scenarios/team_monthly/members.csv";
    let mut lines: Vec<String> = std::fs::read_to_string(members)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.push(lines[1].clone());
    let path = dir.join("members.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let got = kpi(&["eval", "rulesets/team_monthly.kpi", path.to_str().unwrap()]);
    assert_eq!(got.status.code(), Some(1));
    let key = lines[1].split(',').next().unwrap();
    assert_eq!(
        text(&got.stderr),
        format!(
            "{0}: line {1} ({key}): the key was given before, at line 2; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)\n\
             {0}: no record was scored: ruleset `team_monthly` scores records together, and 1 record could not be read or repeats a key; correct it and run again\n",
            path.display(),
            lines.len()
        )
    );
    assert_eq!(text(&got.stdout), "");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file of some forty chunks of rows (`kpi eval` cuts a CSV file into chunks of
/// about 64 KiB): 30,000 agents, some with a name quoted across two lines, one with a
/// value that is not a number, one whose quoted name seems left open, and a key given
/// again at the end, its lines ended as `ending`.
fn many_chunks(ending: &str) -> String {
    let metrics = std::fs::read_to_string(METRICS).unwrap();
    let mut lines = metrics.lines();
    let mut file = format!("{}{ending}", lines.next().unwrap());
    let rows: Vec<&str> = lines.collect();
    for n in 0..30_000 {
        let row = rows[n % rows.len()];
        let (_, rest) = row.split_once(',').unwrap();
        let (_, rest) = rest.split_once(',').unwrap();
        let name = match n % 7 {
            // The line after the break reads as a row of its own: a quote left open.
            _ if n == 21_000 => format!("\"Agent {n}\nsecond line, with a comma\""),
            0 => format!("\"Agent {n}\nsecond line\""),
            _ => format!("Agent {n}"),
        };
        let mut rest: Vec<&str> = rest.split(',').collect();
        if n == 12_345 {
            // calls_offered, after the team.
            rest[1] = "x";
        }
        file.push_str(&format!("A{n:06},{name},{}", rest.join(",")));
        file.push_str(ending);
    }
    file.push_str(&format!(
        "A000100,again,T1,1,1,0,0,0,0,0,0,80,80,1000.00{ending}"
    ));
    file
}

#[test]
fn a_file_of_many_chunks_is_scored_alike_on_one_thread_and_two() {
    let dir = scratch("chunks");
    for (name, ending) in [("lf", "\n"), ("crlf", "\r\n")] {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, many_chunks(ending)).unwrap();
        let one = eval(&path, &["-j", "1"]);
        let two = eval(&path, &["-j", "2"]);
        assert_eq!(one.status.code(), Some(1), "{name}");
        assert_eq!(text(&two.stdout), text(&one.stdout), "{name}");
        assert_eq!(text(&two.stderr), text(&one.stderr), "{name}");
        // The header, and every agent but the two that cannot be read.
        assert_eq!(text(&one.stdout).lines().count(), 1 + 30_000 - 2, "{name}");
        // The row reader of the other commands places each problem on the same line.
        let report = dir.join(format!("{name}.xlsx"));
        let got = kpi(&[
            "report",
            RULES,
            path.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ]);
        let reasons = |stderr: &[u8]| -> Vec<String> {
            let stderr = text(stderr);
            let reasons = stderr
                .lines()
                .map(|l| l[l.find("line ").unwrap()..].to_string());
            reasons.collect()
        };
        assert_eq!(reasons(&got.stderr), reasons(&one.stderr), "{name}");
        if ending == "\n" {
            // Line 2 holds A000000; each seventh agent takes two lines.
            let line = |n: u64| 2 + n + n.div_ceil(7);
            let shown = path.display();
            assert_eq!(
                text(&one.stderr),
                format!(
                    "{shown}: line {} (A012345), column calls_offered, value \"x\": expected a whole number such as 12\n\
                     {shown}: line {} (A021000), column name, value \"Agent 21000…\": a quoted field opens here and runs on to line {next}, taking in line {next}, though line {next} (second line, with a comma,T1,0,0,0,0,0,0,0,0,88,90,1000.00) reads as a row of its own; a quote is not closed: close it, or write a quote inside a quoted field as two (\"\")\n\
                     {shown}: line {} (A000100): the key was given before, at line {}; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)\n",
                    line(12_345),
                    line(21_000),
                    line(30_000),
                    line(100),
                    next = line(21_000) + 1,
                )
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
