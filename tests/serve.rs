//! `kpi serve` driven with real HTTP requests on the loopback interface, and over
//! JSON Lines with `--stdio`: correct answers, malformed and oversized requests, many
//! clients at once, and reloads.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use common::{kpi, text};
use serde_json::{Value, json};

/// A running `kpi serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: BufReader<ChildStderr>,
}

impl Server {
    fn start(ruleset: &str, options: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
            .args(["serve", ruleset, "--port", "0"])
            .args(options)
            .stderr(Stdio::piped())
            .spawn()
            .expect("kpi serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server {
            child,
            port,
            stderr,
        }
    }

    /// Sends raw bytes and returns the status and body of the answer.
    fn raw(&self, request: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8(answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, body.to_string())
    }

    fn send(&self, method: &str, target: &str, body: &str) -> (u16, String) {
        let request = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        self.raw(request.as_bytes())
    }

    fn json(&self, method: &str, target: &str, body: &str) -> (u16, Value) {
        let (status, body) = self.send(method, target, body);
        let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, value)
    }

    fn hang_up(&self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-HUP", &pid]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CSV file's rows as JSON objects of text, as a caller would send them.
fn records(path: &str) -> Vec<Value> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            Value::Object(
                headers
                    .iter()
                    .zip(row.iter())
                    .map(|(h, v)| (h.to_string(), Value::from(v)))
                    .collect(),
            )
        })
        .collect()
}

/// What `kpi eval --format json` gives for a data file: the oracle of the service.
fn eval_json(ruleset: &str, data: &str) -> Vec<Value> {
    let out = kpi(&["eval", ruleset, data, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An expected.csv's rows by their key, the first column.
fn expected(path: &str) -> HashMap<String, Value> {
    let first = csv::Reader::from_path(path).unwrap().headers().unwrap()[0].to_string();
    records(path)
        .into_iter()
        .map(|row| (row[&first].as_str().unwrap().to_string(), row))
        .collect()
}

const AGENTS: &str = "rulesets/agent_monthly.kpi";
const AGENT_DATA: &str = "tests/scenarios/agent_monthly/metrics.csv";

#[test]
fn health_and_ruleset_describe_what_is_served() {
    let server = Server::start(AGENTS, &[]);
    let (status, health) = server.json("GET", "/health", "");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["ruleset"], "agent_monthly");
    let fingerprint = health["fingerprint"].as_str().unwrap();
    assert!(fingerprint.starts_with("sha256:") && fingerprint.len() == 7 + 64);
    let (status, ruleset) = server.json("GET", "/ruleset", "");
    assert_eq!(status, 200);
    assert_eq!(ruleset["name"], "agent_monthly");
    assert_eq!(ruleset["version"], "2026.11");
    assert_eq!(ruleset["fingerprint"], fingerprint);
    assert_eq!(ruleset["keys"], json!(["agent_id"]));
    assert_eq!(
        ruleset["inputs"][1],
        json!({"name": "calls_offered", "type": "count", "label": "呼入量 / Calls offered", "optional": false})
    );
    let outputs: Vec<&str> = ruleset["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(outputs, ["score", "grade", "payout"]);
    assert_eq!(
        ruleset["outputs"][1]["grades"],
        json!(["S", "A", "B", "C", "D"])
    );
    let types: Vec<&str> = ruleset["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["number", "grade", "money"]);
}

#[test]
fn evaluate_answers_one_record_and_an_array_to_the_cent() {
    let server = Server::start(AGENTS, &[]);
    let sent = records(AGENT_DATA);
    let oracle = eval_json(AGENTS, AGENT_DATA);
    let expected = expected("tests/scenarios/agent_monthly/expected.csv");
    let (status, one) = server.json("POST", "/evaluate", &sent[3].to_string());
    assert_eq!(status, 200);
    assert_eq!(
        one,
        json!({"agent_id": "E04", "score": "62.00", "grade": "C", "payout": "620.03"})
    );
    let (status, all) = server.json("POST", "/evaluate", &Value::from(sent).to_string());
    assert_eq!(status, 200);
    assert_eq!(all["outcomes"], Value::from(oracle));
    assert_eq!(all["problems"], json!([]));
    let rows = all["outcomes"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let want = &expected[row["agent_id"].as_str().unwrap()];
        assert_eq!(row["payout"], want["payout"]);
        assert_eq!(row["grade"], want["grade"]);
        assert_eq!(row["score"], want["score"]);
    }
}

#[test]
fn a_team_is_scored_together_and_a_bad_member_stops_the_team() {
    let ruleset = "rulesets/team_monthly.kpi";
    let data = "tests/scenarios/team_monthly/members.csv";
    let server = Server::start(ruleset, &[]);
    let sent = records(data);
    let (status, all) = server.json("POST", "/evaluate", &Value::from(sent.clone()).to_string());
    assert_eq!(status, 200);
    assert_eq!(all["outcomes"], Value::from(eval_json(ruleset, data)));
    let expected = expected("tests/scenarios/team_monthly/expected.csv");
    let mut leaders = 0;
    for row in all["outcomes"].as_array().unwrap() {
        if let Some(want) = expected.get(row["agent_id"].as_str().unwrap()) {
            leaders += 1;
            assert_eq!(row["payout"], want["payout"]);
            assert_eq!(row["rank"], want["rank"]);
        }
    }
    assert_eq!(leaders, expected.len());
    let mut broken = sent;
    broken[5]["calls_answered"] = Value::from("many");
    let (status, refused) = server.json("POST", "/evaluate", &Value::from(broken).to_string());
    assert_eq!(status, 422);
    assert_eq!(refused["problems"][0]["code"], "D0302");
    assert_eq!(refused["problems"][0]["record"], 6);
    assert_eq!(refused["problems"][0]["field"], "calls_answered");
}

#[test]
fn explain_answers_the_statement_the_command_line_prints() {
    let server = Server::start(AGENTS, &[]);
    let sent = records(AGENT_DATA);
    let (status, statement) =
        server.send("POST", "/explain?lang=en&format=text", &sent[3].to_string());
    assert_eq!(status, 200);
    let printed = kpi(&[
        "explain", AGENTS, AGENT_DATA, "--key", "E04", "--lang", "en",
    ]);
    assert_eq!(statement, text(&printed.stdout));
    let (status, explanation) = server.json("POST", "/explain", &sent[3].to_string());
    assert_eq!(status, 200);
    assert_eq!(explanation["record"]["key"], "E04");
    assert_eq!(explanation["outputs"][2]["value"], "620.03");
    let (status, refused) = server.json("POST", "/explain?lang=fr", &sent[3].to_string());
    assert_eq!(status, 400);
    assert_eq!(refused["problems"][0]["code"], "U0001");
}

#[test]
fn malformed_requests_get_4xx_with_problems_and_the_service_goes_on() {
    let server = Server::start(AGENTS, &["--max-body", "2000"]);
    let record = records(AGENT_DATA)[3].to_string();
    let cases: [(&str, &str, &str, u16, &str); 6] = [
        ("POST", "/evaluate", "{\"agent_id\": \"E01\",", 400, "D0101"),
        ("POST", "/evaluate", "42", 400, "D0102"),
        ("POST", "/evaluate", "[1, 2]", 200, "D0102"),
        ("GET", "/evaluate", "", 405, "U0001"),
        ("POST", "/payroll", &record, 404, "U0001"),
        ("POST", "/evaluate", "{\"agent_id\": \"E01\"}", 422, "D0301"),
    ];
    for (method, path, body, status, code) in cases {
        let (got, answer) = server.json(method, path, body);
        assert_eq!(got, status, "{method} {path} {body}: {answer}");
        assert_eq!(answer["problems"][0]["code"], code, "{answer}");
    }
    let big = format!("[{}]", vec![record.as_str(); 20].join(","));
    let (status, answer) = server.json("POST", "/evaluate", &big);
    assert_eq!(status, 413);
    assert_eq!(answer["problems"][0]["code"], "D0103");
    let (status, answer) = server.raw(
        b"POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\n\xff\xfe{",
    );
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("\"D0101\""), "{answer}");
    let (status, _) = server.raw(b"NONSENSE\r\n\r\n");
    assert_eq!(status, 400);
    // Still answering, and correctly.
    let (status, one) = server.json("POST", "/evaluate", &record);
    assert_eq!((status, &one["payout"]), (200, &json!("620.03")));
}

#[test]
fn a_request_slower_than_the_time_limit_is_answered_503() {
    let server = Server::start(AGENTS, &["--timeout", "1"]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    // The body never comes in full.
    stream
        .write_all(
            b"POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"agent_id\"",
        )
        .unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"U0003\""), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_thousand_concurrent_clients_each_get_their_own_record_s_answer() {
    let server = Server::start(AGENTS, &[]);
    let sent = records(AGENT_DATA);
    let oracle = eval_json(AGENTS, AGENT_DATA);
    let port = server.port;
    let clients = 1000;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let body = sent[i % sent.len()].to_string();
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::spawn(move || {
                let request = format!(
                    "POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                barrier.wait();
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.write_all(request.as_bytes()).unwrap();
                let mut answer = String::new();
                stream.read_to_string(&mut answer).unwrap();
                answer
            })
        })
        .collect();
    for (i, thread) in threads.into_iter().enumerate() {
        let answer = thread.join().unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let got: Value = serde_json::from_str(body).unwrap();
        assert_eq!(got, oracle[i % oracle.len()], "client {i}");
    }
}

#[test]
fn sighup_reloads_a_rule_file_that_compiles_and_keeps_the_rules_otherwise() {
    let dir = std::env::temp_dir().join(format!("kpi-serve-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rules.kpi");
    let original = std::fs::read_to_string(AGENTS).unwrap();
    std::fs::write(&path, &original).unwrap();
    let mut server = Server::start(path.to_str().unwrap(), &[]);
    let record = records(AGENT_DATA)[3].to_string();
    let payout = |server: &Server| server.json("POST", "/evaluate", &record).1["payout"].clone();
    assert_eq!(payout(&server), "620.03");

    let changed = original.replace("version \"2026.11\"", "version \"2026.12\"");
    assert_ne!(changed, original);
    std::fs::write(&path, &changed).unwrap();
    server.hang_up();
    let mut line = String::new();
    server.stderr.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("kpi serve: reloaded the rule file (sha256:"),
        "{line}"
    );
    assert_eq!(server.json("GET", "/ruleset", "").1["version"], "2026.12");

    std::fs::write(&path, "ruleset broken\ninput\n").unwrap();
    server.hang_up();
    let mut said = String::new();
    while !said.contains("the rules in force are kept") {
        let mut line = String::new();
        assert!(server.stderr.read_line(&mut line).unwrap() > 0, "{said}");
        said.push_str(&line);
    }
    assert!(said.contains("error[E0101]"), "{said}");
    assert_eq!(server.json("GET", "/ruleset", "").1["version"], "2026.12");
    assert_eq!(payout(&server), "620.03");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stdio_answers_json_lines_in_order() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["serve", AGENTS, "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let record = &records(AGENT_DATA)[3];
    let requests = [
        json!({"id": 1, "path": "/evaluate", "body": record}).to_string(),
        json!({"id": "two", "path": "/health"}).to_string(),
        "not json".to_string(),
        json!({"id": 4, "path": "/explain?lang=en&format=text", "body": record}).to_string(),
        json!({"id": 5, "path": "/evaluate", "body": {"agent_id": "E01"}}).to_string(),
    ];
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{}\n", requests.join("\n")).as_bytes())
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answers: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 5);
    assert_eq!(
        answers[0],
        json!({"id": 1, "status": 200, "body": {"agent_id": "E04", "score": "62.00", "grade": "C", "payout": "620.03"}})
    );
    assert_eq!(answers[1]["id"], "two");
    assert_eq!(answers[1]["body"]["status"], "ok");
    assert_eq!(answers[2]["status"], 400);
    assert_eq!(answers[2]["body"]["problems"][0]["code"], "D0101");
    let printed = kpi(&[
        "explain", AGENTS, AGENT_DATA, "--key", "E04", "--lang", "en",
    ]);
    assert_eq!(answers[3]["body"], Value::from(text(&printed.stdout)));
    assert_eq!(answers[4]["status"], 422);
}

#[test]
fn records_of_several_months_are_scored_by_the_version_in_force_in_each() {
    let ruleset = "rulesets/dated_proration.kpi";
    let data = "tests/scenarios/dated_proration/more/monthly.csv";
    let server = Server::start(ruleset, &[]);
    let sent = Value::from(records(data)).to_string();
    let (status, answer) = server.json("POST", "/evaluate", &sent);
    assert_eq!(status, 200, "{answer}");
    let out = kpi(&["eval", ruleset, data, "--format", "json"]);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scored: Vec<&Value> = answer["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| !o.is_null())
        .collect();
    assert_eq!(
        Value::from(scored.into_iter().cloned().collect::<Vec<_>>()),
        printed
    );
    // Records of months before the first version fail alike in both.
    let failed = text(&out.stderr).lines().count();
    assert_eq!(answer["problems"].as_array().unwrap().len(), failed);
}

#[test]
fn a_month_is_scored_from_its_daily_rows_as_eval_scores_it() {
    for (ruleset, data, query, option) in [
        (
            "rulesets/feel_daily.kpi",
            "tests/scenarios/feel_daily/daily.csv",
            "period=2026-11",
            ["--period", "2026-11"],
        ),
        (
            "rulesets/mtd_warning.kpi",
            "tests/scenarios/mtd_warning/mtd.csv",
            "as_of=2026-11-15",
            ["--as-of", "2026-11-15"],
        ),
        (
            "rulesets/dated_proration.kpi",
            "tests/scenarios/dated_proration/more/monthly.csv",
            "period=2026-11",
            ["--period", "2026-11"],
        ),
    ] {
        let server = Server::start(ruleset, &[]);
        let sent = Value::from(records(data)).to_string();
        let (status, answer) = server.json("POST", &format!("/evaluate?{query}"), &sent);
        assert_eq!(status, 200, "{ruleset}: {answer}");
        let out = kpi(&[
            "eval", ruleset, data, "--format", "json", option[0], option[1],
        ]);
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(printed.as_array().unwrap().len() >= 3, "{ruleset}");
        assert_eq!(answer["outcomes"], printed, "{ruleset}");
        assert_eq!(answer["problems"], json!([]), "{ruleset}");
    }
}
