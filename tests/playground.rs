//! The playground (playground/index.html) in headless Chromium, opened as a file:
//! the page loads and scores its first example with a clean console; then a harness
//! page drives it through a frame as a person would: a workbook opened as data is
//! read into the data pane, a threshold edited in the editor changes a payout in the
//! table (checked against the library itself), a record's statement opens, a typo
//! shows its problem under the rules, and every example reproduces its scenario.
//! The deepest nesting the limits accept compiles in the module, on the browser's
//! stack.
//!
//! Needs Chromium and the module built by `bindings/wasm/build.sh`; without either the
//! suite is skipped with one line, unless `KPI_REQUIRE_ALL_SUITES` is set.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;
use serde_json::Value;

/// The browser: `KPI_CHROMIUM`, or the first Chromium on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KPI_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser", "google-chrome"];
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Skips with one line on stderr, or fails when `KPI_REQUIRE_ALL_SUITES` is set.
fn skip_unless_required(how_to_enable: &str) {
    let line = format!("skipped tests/playground.rs (the playground in Chromium): {how_to_enable}");
    if std::env::var_os("KPI_REQUIRE_ALL_SUITES").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{line} (KPI_REQUIRE_ALL_SUITES is set, so no suite may be skipped)");
    }
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn playground() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("playground")
}

/// The page's DOM once it has settled, and the browser's log.
fn dump(browser: &Path, profile: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=60000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn console(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// The sum of the payouts the library gives for `source` over the scenario's data.
fn total_payout(source: &str) -> Decimal {
    let ruleset = kpi::Ruleset::compile(source).unwrap();
    let data = std::fs::read("tests/scenarios/agent_monthly/metrics.csv").unwrap();
    ruleset
        .read_csv(&data[..])
        .unwrap()
        .map(|r| {
            let outcome = ruleset.evaluate(&r.unwrap()).unwrap();
            outcome
                .get("payout")
                .unwrap()
                .to_string()
                .parse::<Decimal>()
                .unwrap()
        })
        .sum()
}

/// The deepest nesting the limits accept, each with the value it gives.
fn deepest() -> Vec<(String, &'static str)> {
    let file = |formula: String| {
        format!("ruleset t\nkey id\ninput id text\ninput a bool\nlet x = {formula}\noutput o = x")
    };
    vec![
        (file(format!("{}1{}", "(".repeat(64), ")".repeat(64))), "1"),
        (file(format!("{}1", "if a then 1 else ".repeat(64))), "1"),
        (
            file(format!(
                "{}1{}",
                "round(".repeat(64),
                ", 2, half_up)".repeat(64)
            )),
            "1",
        ),
        (
            file(format!("((1{}){})", " + 1".repeat(127), " + 1".repeat(128))),
            "256",
        ),
        (
            file(format!("if {}a then 1 else 0", "not ".repeat(200))),
            "1",
        ),
    ]
}

/// The scenario's metrics as a workbook, as Excel keeps them: numbers as binary
/// floats (1000.05 among them), the rest as text.
fn workbook() -> Vec<u8> {
    let text = std::fs::read_to_string("tests/scenarios/agent_monthly/metrics.csv").unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The harness: the playground in a frame, driven step by step; what it saw is
/// written as JSON into `#result`.
fn harness(deepest: &[(String, &str)]) -> String {
    let texts: Vec<&str> = deepest.iter().map(|(t, _)| t.as_str()).collect();
    let page = format!("file://{}", playground().join("index.html").display());
    format!(
        r###"<!DOCTYPE html><meta charset="utf-8"><title>harness</title>
<iframe id="page" src="{page}" style="width:1280px;height:900px"></iframe>
<pre id="result"></pre>
<script>
const deepest = {texts};
const workbook = {workbook};
const out = {{}};
const frame = document.getElementById("page");
const doc = () => frame.contentDocument;
const text = (selector) => {{ const e = doc().querySelector(selector); return e ? e.textContent : null; }};
const payout = (where) => ({{
  value: text(`${{where}} td[data-output="payout"] .value`),
  change: text(`${{where}} td[data-output="payout"] .change`),
}});
function edit(from, to) {{
  const source = doc().querySelector("#source");
  source.value = source.value.replace(from, to);
  source.dispatchEvent(new Event("input"));
}}
const steps = [
  () => {{
    out.ready = doc().body.dataset.ready === "true";
    // The scenario's records again, opened as a workbook (what the page does with
    // a file once the browser has read it).
    frame.contentWindow.openBytes("metrics.xlsx", new Uint8Array(workbook));
  }},
  () => {{
    out.data_name = text("#data-name");
    out.data = doc().querySelector("#data").value;
    out.before = payout('#results tr[data-key="E04"]');
    out.total_before = payout("#results tfoot");
    edit(">= 60 : C", ">= 65 : C");
  }},
  () => {{
    out.after = payout('#results tr[data-key="E04"]');
    out.total_after = payout("#results tfoot");
    doc().querySelector('#results tr[data-key="E04"]').click();
  }},
  () => {{
    out.statement_zh = doc().querySelector("#statement").srcdoc;
    doc().querySelector('[data-lang="en"]').click();
  }},
  () => {{
    out.statement_en = doc().querySelector("#statement").srcdoc;
    edit("= calls_answered / calls_offered", "= calls_answerd / calls_offered");
  }},
  () => {{
    out.problems = [...doc().querySelectorAll("#rule-problems li")].map((li) => li.textContent);
    out.lenses = [...doc().querySelectorAll(".editor .lens")].map((l) => l.textContent.trim());
    out.stale = !doc().querySelector("#stale").hidden;
    const kpi = frame.contentWindow.kpi;
    out.deepest = deepest.map((source) => {{
      const problems = JSON.parse(kpi.check(source)).problems.filter((p) => p.severity === "error");
      if (problems.length) return problems;
      const row = JSON.parse(kpi.Ruleset.compile(source).evaluate('{{"id": "E1", "a": true}}'));
      return row.o;
    }});
    examples(0);
  }},
];
// Each bundled example in turn: what its table and lists show once loaded. The
// month-to-date example is then run as of its scenario's day, 2026-11-15.
out.examples = [];
const rows = () => [doc().querySelector("#results thead tr"), ...doc().querySelectorAll("#results tbody tr")].map((tr) =>
  [...tr.querySelectorAll("th, td")]
    .map((cell) => {{ const v = cell.querySelector(".value") || cell; return v.textContent === "—" ? "" : v.textContent; }})
    .join(","));
function examples(i) {{
  const select = doc().querySelector("#example");
  if (i === select.options.length) return;
  select.value = String(i);
  select.dispatchEvent(new Event("change"));
  const seen = {{
    name: select.options[i].text,
    rows: rows(),
    rule_problems: [...doc().querySelectorAll("#rule-problems li.error")].map((li) => li.textContent),
    data_problems: [...doc().querySelectorAll("#data-problems li")].map((li) => li.textContent),
    tests: text("#tests-summary"),
    period: doc().querySelector("#period").value,
  }};
  out.examples.push(seen);
  if (seen.name !== "mtd_warning") return examples(i + 1);
  const period = doc().querySelector("#period");
  period.value = "2026-11-15";
  period.dispatchEvent(new Event("input"));
  setTimeout(() => {{ seen.rows = rows(); seen.period = period.value; examples(i + 1); }}, 1000);
}}
function run(i) {{
  if (i === steps.length) {{
    document.getElementById("result").textContent = JSON.stringify(out);
    return;
  }}
  try {{ steps[i](); }} catch (e) {{ out.error = String(e.stack || e); steps.length = i + 1; }}
  setTimeout(() => run(i + 1), 1500);
}}
frame.addEventListener("load", () => setTimeout(() => run(0), 1500));
</script>"###,
        texts = serde_json::to_string(&texts).unwrap(),
        workbook = serde_json::to_string(&workbook()).unwrap(),
    )
}

/// The scenario's expected results, each record a line of the columns it names
/// (`columns`, from its header), sorted.
fn expected(name: &str) -> (Vec<String>, Vec<String>) {
    let path = format!("tests/scenarios/{name}/expected.csv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines = text.lines().map(String::from);
    let columns = lines
        .next()
        .map_or(Vec::new(), |h| h.split(',').map(String::from).collect());
    let mut lines: Vec<String> = lines.collect();
    lines.sort();
    (columns, lines)
}

/// The table's rows (its header first) as lines of `columns`, sorted.
fn projected(table: &[String], columns: &[String]) -> Vec<String> {
    let header: Vec<&str> = table[0].split(',').collect();
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == c)
                .expect("a column the scenario names")
        })
        .collect();
    let mut lines: Vec<String> = table[1..]
        .iter()
        .map(|row| {
            let cells: Vec<&str> = row.split(',').collect();
            at.iter().map(|&i| cells[i]).collect::<Vec<_>>().join(",")
        })
        .collect();
    lines.sort();
    lines
}

/// Every bundled example loads with its rules clean, its tests passing, and its
/// scenario's results in the table to the cent.
fn check_examples(examples: &Value) {
    let names: Vec<&str> = examples
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let mut shipped: Vec<String> = std::fs::read_dir("rulesets")
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    shipped.sort();
    assert_eq!(names, shipped, "every shipped rule file is an example");
    for example in examples.as_array().unwrap() {
        let name = example["name"].as_str().unwrap();
        assert_eq!(example["rule_problems"], serde_json::json!([]), "{name}");
        let tests = example["tests"].as_str().unwrap();
        assert!(tests.ends_with(" passed, 0 failed"), "{name}: {tests}");
        let table: Vec<String> = example["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        let (columns, want) = expected(name);
        match name {
            // No scenario: twenty made-up records.
            "team_leader_quarterly" => assert_eq!(table.len(), 1 + 20),
            // The scenario checks the team leaders' rows only.
            "team_monthly" => {
                let rows = projected(&table, &columns);
                assert_eq!(rows.len(), 83);
                let leaders: Vec<String> = rows.into_iter().filter(|r| want.contains(r)).collect();
                assert_eq!(leaders, want, "{name}");
            }
            _ => assert_eq!(projected(&table, &columns), want, "{name}"),
        }
        let data_problems = example["data_problems"].as_array().unwrap();
        match name {
            // The two records of a month before the first version, by line.
            "dated_proration" => assert_eq!(data_problems.len(), 2, "{data_problems:#?}"),
            _ => assert!(data_problems.is_empty(), "{name}: {data_problems:#?}"),
        }
    }
}

#[test]
fn the_playground_scores_edits_and_reports_problems_in_chromium() {
    let Some(browser) = chromium() else {
        skip_unless_required(
            "install Chromium (apt-get install chromium) or point KPI_CHROMIUM at a Chrome",
        );
        return;
    };
    if !playground().join("pkg/kpi_wasm_bytes.js").is_file() {
        skip_unless_required("build the module first with bindings/wasm/build.sh");
        return;
    }
    let dir = std::env::temp_dir().join(format!("kpi-playground-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let profile = dir.join("profile");

    // Opened as a file, without any flag: it loads, scores and stays quiet.
    let (dom, log) = dump(&browser, &profile, &playground().join("index.html"), &[]);
    assert!(dom.contains(r#"data-ready="true""#), "{dom}");
    assert!(dom.contains(r#"<tr data-key="E04""#), "{dom}");
    assert!(console(&log).is_empty(), "{:#?}", console(&log));

    // Driven through a frame, which reading another file's frame needs a flag for.
    let deepest = deepest();
    let page = dir.join("harness.html");
    std::fs::write(&page, harness(&deepest)).unwrap();
    let (dom, log) = dump(
        &browser,
        &profile,
        &page,
        &["--allow-file-access-from-files"],
    );
    let start = dom.find(r#"<pre id="result">"#).expect("the harness ran") + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let seen: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(seen["error"], Value::Null, "{seen:#}");
    assert_eq!(seen["ready"], true);

    // The workbook's cells as the data pane shows them, 1000.05 as written.
    assert_eq!(seen["data_name"], "metrics.xlsx");
    let data = seen["data"].as_str().unwrap();
    assert!(
        data.contains("\nE04,坐席E04,T1,1000,900,10,8,0,0,2,1,60,70,1000.05\n"),
        "{data}"
    );

    // E04 scores 62: grade C (coefficient 0.5) pays 1000.05 × 0.5 + 100 + 20 =
    // 620.03; at a C line of 65 it is a D (0), and only the 120 of bonuses is left.
    assert_eq!(seen["before"]["value"], "620.03");
    assert_eq!(seen["after"]["value"], "120.00");
    assert_eq!(seen["after"]["change"], "-500.03");
    let original = std::fs::read_to_string("rulesets/agent_monthly.kpi").unwrap();
    let edited = original.replacen(">= 60 : C", ">= 65 : C", 1);
    let (before, after) = (total_payout(&original), total_payout(&edited));
    assert_eq!(seen["total_before"]["value"], before.to_string());
    assert_eq!(seen["total_after"]["value"], after.to_string());
    assert_eq!(
        seen["total_after"]["change"],
        (after - before).to_string(),
        "the total's change"
    );

    // The record's statement, in Chinese and then in English.
    let zh = seen["statement_zh"].as_str().unwrap();
    let en = seen["statement_en"].as_str().unwrap();
    assert!(
        zh.contains("<dd>120.00</dd>") && zh.contains(r#"<html lang="zh""#),
        "{zh}"
    );
    assert!(
        en.contains("<dd>120.00</dd>") && en.contains(r#"<html lang="en""#),
        "{en}"
    );

    // The typo: its problem is listed with its place, and written on its line.
    let problems = seen["problems"].as_array().unwrap();
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .starts_with("E0201 line 23:51: unknown name `calls_answerd`"),
        "{problems:#?}"
    );
    assert!(
        seen["lenses"][0]
            .as_str()
            .unwrap()
            .starts_with("E0201 unknown name"),
        "{seen:#}"
    );
    assert_eq!(seen["stale"], true);

    // The deepest nesting accepted, compiled and scored in the module.
    let values: Vec<&str> = deepest.iter().map(|(_, v)| *v).collect();
    assert_eq!(seen["deepest"], serde_json::json!(values), "{seen:#}");
    assert!(console(&log).is_empty(), "{:#?}", console(&log));
    check_examples(&seen["examples"]);

    std::fs::remove_dir_all(&dir).unwrap();
}
