//! Hostile input: data and rule files as they arrive from the field (a comma left in
//! an amount, a quote never closed, `95` for 95%, a key given twice, endless input, a
//! directory, a byte order mark, a file in GBK, semicolons, a header of near-misses).
//! Nothing may be lost or silently wrong: each is scored right or reported with its
//! place and how to fix it.
//!
//! Each folder in `tests/fixtures/hostile/` is one class. Its `args` file holds one
//! `kpi` command a line (words split at spaces, `"..."` kept whole); they run in
//! order, in a copy of the folder beside the shared `pay.kpi`, and their exit codes,
//! stdout and stderr are kept as one insta snapshot. A `make` file adds what cannot be
//! committed: `zero NAME` links NAME to `/dev/zero`, `dir NAME` makes a directory.
//! Update the snapshots with `INSTA_UPDATE=always cargo test --test hostile` and read
//! the diff.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{kpi, text};

/// A fresh directory of its own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The words of one line of `args`: split at spaces, a `"quoted phrase"` kept whole.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `kpi` with `args`, run in `dir`: the command, its exit code, stdout and stderr.
fn run_in(dir: &Path, args: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("kpi runs");
    let shown: Vec<String> = args
        .iter()
        .map(|a| match a.contains(' ') {
            true => format!("\"{a}\""),
            false => a.clone(),
        })
        .collect();
    format!(
        "$ kpi {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        shown.join(" "),
        out.status.code().map_or("killed".into(), |c| c.to_string()),
        text(&out.stdout),
        text(&out.stderr)
    )
}

#[test]
fn hostile_input_is_read_right_or_reported() {
    insta::glob!("fixtures/hostile/*/args", |args| {
        let fixture = args.parent().unwrap();
        let name = fixture.file_name().unwrap().to_str().unwrap();
        let dir = scratch(name);
        std::fs::copy(
            fixture.parent().unwrap().join("pay.kpi"),
            dir.join("pay.kpi"),
        )
        .unwrap();
        for entry in std::fs::read_dir(fixture).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        let make = std::fs::read_to_string(fixture.join("make")).unwrap_or_default();
        for line in make.lines() {
            match line.split_once(' ') {
                Some(("zero", file)) => std::os::unix::fs::symlink("/dev/zero", dir.join(file)),
                Some(("dir", file)) => std::fs::create_dir(dir.join(file)),
                _ => panic!("{name}/make: unknown line {line:?}"),
            }
            .unwrap();
        }
        let runs: Vec<String> = std::fs::read_to_string(args)
            .unwrap()
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| run_in(&dir, &words(line)))
            .collect();
        insta::assert_snapshot!(runs.join("\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

/// A header that lacks thousands of declared columns, each named with a letter
/// missing, is answered at once: suggestions for the first twenty, a count of the
/// rest. (Suggesting for every one took over half a minute.)
#[test]
fn a_header_missing_thousands_of_columns_is_answered_at_once() {
    const N: usize = 4000;
    let dir = scratch("thousands");
    let mut rules = String::from("ruleset wide\nkey agent_id\ninput agent_id text\n");
    for i in 0..N {
        rules.push_str(&format!("input metric_{i:04}_value count\n"));
    }
    rules.push_str("output first = metric_0000_value\n");
    let names: Vec<String> = (0..N).map(|i| format!("metric_{i:04}_valu")).collect();
    let data = format!(
        "agent_id,{}\nA01,{}\n",
        names.join(","),
        vec!["1"; N].join(",")
    );
    std::fs::write(dir.join("wide.kpi"), rules).unwrap();
    std::fs::write(dir.join("data.csv"), data).unwrap();
    let (rules, data) = (dir.join("wide.kpi"), dir.join("data.csv"));
    let started = Instant::now();
    let out = kpi(&["eval", rules.to_str().unwrap(), data.to_str().unwrap()]);
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    let error = stderr.lines().last().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        error.starts_with(&format!(
            "error: {}: line 1: the header has no column for metric_0000_value (is `metric_0000_valu` meant to be `metric_0000_value`?), ",
            data.display()
        )),
        "{error}"
    );
    assert!(
        error.ends_with(
            "metric_0019_value (is `metric_0019_valu` meant to be `metric_0019_value`?) and 3980 more; add the column, since the ruleset declares it as an input"
        ),
        "{error}"
    );
    // Generous for a debug build on a busy machine; the hints for every column took minutes.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
