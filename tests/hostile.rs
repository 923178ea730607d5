//! Hostile input: data and rule files as they arrive from the field. Nothing may be
//! lost or silently wrong: each is scored right or reported with its place and how
//! to fix it.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{kpi, text};

/// A fresh directory of its own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kpi-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
