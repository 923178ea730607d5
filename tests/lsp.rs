//! `kpi lsp` driven over stdio as an editor drives it: framed JSON-RPC messages in,
//! the exact answers out.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

/// A rule file with one misspelt name, on line 10 (index 9), column 39 (index 38).
const TYPO: &str = "ruleset demo
currency CNY
key agent_id

input agent_id       text
input calls_offered  count \"呼入量 / Calls offered\"
input calls_answered count \"接通量 / Calls answered\"

# 接通率
let answer_rate \"接通率 / Answer rate\" = calls_answred / calls_offered, when zero 100%

output rate = answer_rate
";

const URI: &str = "file:///rules/demo.kpi";

fn fixed() -> String {
    TYPO.replace("calls_answred", "calls_answered")
}

/// A running `kpi lsp`.
struct Editor {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications received while waiting for a response.
    notifications: Vec<Value>,
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("kpi lsp starts");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut editor = Editor {
            child,
            input,
            output,
            next_id: 0,
            notifications: Vec::new(),
        };
        let initialized = editor.request("initialize", json!({"capabilities": {}}));
        let capabilities = &initialized["capabilities"];
        for provider in [
            "hoverProvider",
            "definitionProvider",
            "referencesProvider",
            "documentFormattingProvider",
            "codeActionProvider",
        ] {
            assert_eq!(capabilities[provider], true, "{provider}");
        }
        assert_eq!(capabilities["textDocumentSync"], 1);
        assert_eq!(initialized["serverInfo"]["name"], "kpi");
        editor.notify("initialized", json!({}));
        editor
    }

    fn write(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.output.read_line(&mut line).unwrap() > 0,
                "kpi lsp ended"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.read();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Value {
        if self.notifications.is_empty() {
            let message = self.read();
            self.notifications.push(message);
        }
        let message = self.notifications.remove(0);
        assert_eq!(message["method"], "textDocument/publishDiagnostics");
        assert_eq!(message["params"]["uri"], URI);
        message["params"]["diagnostics"].clone()
    }

    fn at(&mut self, method: &str, line: u32, character: u32, more: Value) -> Value {
        let mut params = json!({
            "textDocument": {"uri": URI},
            "position": {"line": line, "character": character},
        });
        if let (Some(params), Some(more)) = (params.as_object_mut(), more.as_object()) {
            params.extend(more.clone());
        }
        self.request(method, params)
    }

    fn change(&mut self, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"text": text}],
            }),
        );
    }
}

fn range(line: u32, from: u32, to: u32) -> Value {
    json!({"start": {"line": line, "character": from}, "end": {"line": line, "character": to}})
}

#[test]
fn a_misspelt_name_is_diagnosed_as_typed_and_fixed_by_its_quick_fix() {
    let mut editor = Editor::start();
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "kpi", "version": 1, "text": TYPO}}),
    );
    let typo = range(9, 38, 51);
    assert_eq!(
        editor.diagnostics(),
        json!([{
            "range": typo,
            "severity": 1,
            "code": "E0201",
            "source": "kpi",
            "message": "unknown name `calls_answred`\nhint: did you mean `calls_answered`?",
        }])
    );
    let actions = editor.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": URI},
            "range": range(9, 40, 40),
            "context": {"diagnostics": []},
        }),
    );
    assert_eq!(
        actions,
        json!([{
            "title": "Change to `calls_answered`",
            "kind": "quickfix",
            "isPreferred": true,
            "edit": {"changes": {URI: [{"range": typo, "newText": "calls_answered"}]}},
        }])
    );
    editor.change(2, &fixed());
    assert_eq!(editor.diagnostics(), json!([]));
    let none = editor.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": range(9, 40, 40), "context": {"diagnostics": []}}),
    );
    assert_eq!(none, json!([]));
}

#[test]
fn hover_definition_and_references_follow_the_names() {
    let mut editor = Editor::start();
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "kpi", "version": 1, "text": fixed()}}),
    );
    assert_eq!(editor.diagnostics(), json!([]));
    // `answer_rate` as used by the output, line 12.
    let hover = editor.at("textDocument/hover", 11, 16, json!({}));
    assert_eq!(
        hover["contents"],
        json!({
            "kind": "markdown",
            "value": "**answer_rate** — 接通率 / Answer rate\n\n`let` · line 10\n\n```kpi\nlet answer_rate \"接通率 / Answer rate\" = calls_answered / calls_offered, when zero 100%\n```",
        })
    );
    let definition = editor.at("textDocument/definition", 11, 16, json!({}));
    assert_eq!(definition, json!([{"uri": URI, "range": range(9, 4, 15)}]));
    let references = editor.at(
        "textDocument/references",
        5,
        8,
        json!({"context": {"includeDeclaration": true}}),
    );
    assert_eq!(
        references,
        json!([
            {"uri": URI, "range": range(5, 6, 19)},
            {"uri": URI, "range": range(9, 55, 68)},
        ])
    );
    let uses = editor.at(
        "textDocument/references",
        5,
        8,
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(uses, json!([{"uri": URI, "range": range(9, 55, 68)}]));
    // A keyword, a comment and a label are not names.
    assert_eq!(
        editor.at("textDocument/hover", 9, 1, json!({})),
        Value::Null
    );
    assert_eq!(
        editor.at("textDocument/hover", 8, 3, json!({})),
        Value::Null
    );
    assert_eq!(
        editor.at("textDocument/definition", 9, 20, json!({})),
        json!([])
    );
}

#[test]
fn completion_offers_the_file_s_names_functions_and_keywords() {
    let mut editor = Editor::start();
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "kpi", "version": 1, "text": fixed()}}),
    );
    let items = editor.at("textDocument/completion", 11, 14, json!({}));
    let items = items.as_array().unwrap();
    let find = |label: &str| {
        items
            .iter()
            .find(|i| i["label"] == label)
            .unwrap_or_else(|| panic!("no {label}"))
            .clone()
    };
    assert_eq!(
        find("answer_rate"),
        json!({"label": "answer_rate", "kind": 6, "detail": "let · 接通率 / Answer rate"})
    );
    assert_eq!(
        find("calls_offered"),
        json!({"label": "calls_offered", "kind": 5, "detail": "input count · 呼入量 / Calls offered"})
    );
    assert_eq!(find("rate")["kind"], 10);
    assert_eq!(find("round")["kind"], 3);
    assert_eq!(find("tiers")["kind"], 14);
    let names = items
        .iter()
        .filter(|i| i["kind"] != 3 && i["kind"] != 14)
        .count();
    assert_eq!(names, 5);
}

#[test]
fn formatting_gives_what_kpi_fmt_writes_and_nothing_for_a_formatted_file() {
    let mut editor = Editor::start();
    let messy = fixed().replace("output rate = answer_rate", "output   rate=answer_rate");
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "kpi", "version": 1, "text": messy}}),
    );
    let options =
        json!({"options": {"tabSize": 2, "insertSpaces": true}, "textDocument": {"uri": URI}});
    let edits = editor.request("textDocument/formatting", options.clone());
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 12, "character": 0}});
    assert_eq!(edits, json!([{"range": whole, "newText": fixed()}]));
    editor.change(2, &fixed());
    assert_eq!(
        editor.request("textDocument/formatting", options.clone()),
        json!([])
    );
    editor.change(3, "ruleset demo\ninput x count\nlet = 1\n");
    assert_eq!(
        editor.request("textDocument/formatting", options),
        Value::Null
    );
}

#[test]
fn shutdown_then_exit_ends_the_server_cleanly() {
    let mut editor = Editor::start();
    assert_eq!(editor.request("shutdown", Value::Null), Value::Null);
    editor.notify("exit", Value::Null);
    let status = editor.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
