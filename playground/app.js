// The playground: a rule file and its data in, every record's outputs, the tests'
// results and a record's statement out, recomputed as either changes. Everything
// runs in the page; nothing is sent anywhere.
"use strict";

const $ = (selector) => document.querySelector(selector);

const state = {
  ruleset: null, // the rules that last compiled
  description: null,
  saved: null, // key -> row, as the saved rules scored the data
  savedSource: null,
  lang: "zh",
  picked: null, // the key whose statement is shown
  example: null,
};

let editor;

/** Calls `f` once `ms` have passed without another call. */
function debounced(f, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}

/** The problems a thrown answer carries, or one made of its message. */
function problemsOf(error) {
  try {
    return JSON.parse(error.message).problems;
  } catch {
    return [{ code: "", severity: "error", message: String(error.message || error) }];
  }
}

function problemText(p) {
  const where = [];
  if (p.line) where.push(p.column ? `line ${p.line}:${p.column}` : `line ${p.line}`);
  if (p.record) where.push(`record ${p.record}`);
  if (p.key) where.push(p.key);
  if (p.field) where.push(p.field);
  const place = where.length ? `${where.join(", ")}: ` : "";
  return `${p.code} ${place}${p.message}${p.hint ? ` (${p.hint})` : ""}`;
}

function listProblems(list, problems, reveal) {
  list.innerHTML = "";
  for (const p of problems) {
    const li = document.createElement("li");
    li.className = p.severity;
    li.textContent = problemText(p);
    if (reveal && p.line) {
      li.tabIndex = 0;
      li.addEventListener("click", () => editor.reveal(p.line, p.column || 1));
    }
    list.append(li);
  }
}

/** The query for the data: a month to date for rules that add up daily rows. */
function query() {
  const month = $("#period").value.trim();
  if (!month) return "";
  return /^\d{4}-\d{2}$/.test(month) ? `period=${month}` : `as_of=${month}`;
}

/** The latest date in the data's date columns, for rules that add up daily rows. */
function latestDate(description, csv) {
  const dates = description.inputs.filter((i) => i.type === "date").map((i) => i.name);
  const lines = csv.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length || !dates.length) return "";
  const header = lines[0].split(",").map((h) => h.trim());
  const columns = dates.map((d) => header.indexOf(d)).filter((c) => c >= 0);
  let latest = "";
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    for (const c of columns) {
      const value = (cells[c] || "").trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && value > latest) latest = value;
    }
  }
  return latest;
}

/** Scores the data with the rules in force; the rows, or null after showing why. */
function score() {
  const data = $("#data").value;
  const problems = $("#data-problems");
  if (!state.ruleset) return null;
  try {
    const answer = JSON.parse(state.ruleset.evaluateCsv(data, query()));
    listProblems(problems, answer.problems, false);
    return answer.outcomes;
  } catch (error) {
    listProblems(problems, problemsOf(error), false);
    return null;
  }
}

function rowsByKey(rows) {
  const keys = state.description.keys;
  return new Map(rows.filter(Boolean).map((r) => [keys.map((k) => r[k]).join(","), r]));
}

function showResults() {
  const rows = score();
  const table = $("#results");
  if (!rows) {
    table.innerHTML = "";
    return;
  }
  kpiTable(table, state.description, rows, state.saved, pick);
  $("#results-note").textContent = state.saved
    ? "Each value beside its change from the saved rules. Choose a record for its statement."
    : "Choose a record for its statement.";
  if (state.picked) showStatement();
}

function showTests() {
  const list = $("#tests");
  list.innerHTML = "";
  const answer = JSON.parse(state.ruleset.runTests(state.lang));
  for (const c of answer.cases) {
    const li = document.createElement("li");
    li.className = c.status;
    const mark = c.status === "passed" ? "ok" : c.status === "failed" ? "FAILED" : "ERROR";
    li.textContent = `${mark}  ${c.name}${c.label ? "  " + c.label : ""}`;
    for (const m of c.mismatches) {
      const detail = document.createElement("pre");
      detail.textContent = `${m.name} (line ${m.line}): expected ${m.expected}, got ${m.actual}\n${m.explanation}`;
      li.append(detail);
    }
    if (c.message) {
      const detail = document.createElement("pre");
      detail.textContent = c.message;
      li.append(detail);
    }
    list.append(li);
  }
  $("#tests-summary").textContent = answer.cases.length
    ? `${answer.passed} passed, ${answer.failed} failed`
    : "no tests in this file";
}

/** Compiles the editor's text and shows its problems; on success, scores and tests
 * with it. */
function rulesChanged() {
  const source = editor.value;
  const name = state.example ? state.example.file : "ruleset.kpi";
  let compiled = null;
  let problems;
  try {
    compiled = kpi.Ruleset.compile(source, name);
    problems = JSON.parse(compiled.warnings()).problems;
  } catch (error) {
    problems = problemsOf(error);
  }
  editor.show(problems);
  listProblems($("#rule-problems"), problems, true);
  $("#stale").hidden = compiled !== null || !state.ruleset;
  if (!compiled) return;
  if (state.ruleset) state.ruleset.free();
  state.ruleset = compiled;
  state.description = JSON.parse(state.ruleset.describe());
  $("#fingerprint").textContent = state.description.fingerprint.slice(0, 19) + "…";
  $("#period-field").hidden = !state.ruleset.rollsUpRows;
  showTests();
  showResults();
}

function save() {
  const rows = score();
  state.saved = rows ? rowsByKey(rows) : null;
  state.savedSource = editor.value;
  $("#saved").textContent = `saved ${new Date().toLocaleTimeString()}`;
  showResults();
}

function pick(key) {
  state.picked = key;
  for (const tr of document.querySelectorAll("#results tbody tr")) {
    tr.classList.toggle("picked", tr.dataset.key === key);
  }
  showStatement();
}

function showStatement() {
  const frame = $("#statement");
  const q = [query(), `key=${encodeURIComponent(state.picked)}`, `lang=${state.lang}`, "format=html"]
    .filter(Boolean)
    .join("&");
  try {
    frame.srcdoc = state.ruleset.explainCsv($("#data").value, q);
    $("#statement-problems").innerHTML = "";
  } catch (error) {
    frame.srcdoc = "";
    listProblems($("#statement-problems"), problemsOf(error), false);
  }
  $("#statement-panel").hidden = false;
}

function decode(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function loadExample(index) {
  const example = KPI_EXAMPLES[index];
  state.example = example;
  state.saved = null;
  state.picked = null;
  $("#statement-panel").hidden = true;
  if (state.ruleset) state.ruleset.free();
  state.ruleset = null;
  editor.value = decode(example.source);
  $("#data").value = example.data ? decode(example.data) : "";
  $("#data-name").textContent = example.data_file || "made-up records";
  $("#period").value = "";
  rulesChanged();
  if (!state.ruleset) return;
  if (!example.data) {
    // No scenario ships with these rules: records made up for their inputs.
    $("#data").value = state.ruleset.sampleCsv(20, 1);
  }
  if (state.ruleset.rollsUpRows) $("#period").value = latestDate(state.description, $("#data").value);
  showResults();
  save();
}

async function openFile(file) {
  openBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}

/** Puts the file `name` of `bytes` in the data pane: a workbook's first sheet as
 * CSV, any other file as UTF-8 text. */
function openBytes(name, bytes) {
  try {
    $("#data").value = /\.(xlsx|xlsm|xlsb|xls|ods)$/i.test(name)
      ? kpi.workbookToCsv(bytes)
      : new TextDecoder().decode(bytes);
    $("#data-name").textContent = name;
    showResults();
  } catch (error) {
    listProblems($("#data-problems"), problemsOf(error), false);
  }
}

function setLang(lang) {
  state.lang = lang;
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  }
  if (state.ruleset) {
    showTests();
    if (state.picked) showStatement();
  }
}

function start() {
  kpi.initSync({ module: kpiModuleBytes() });
  // The module, for the console (and the tests): `kpi.check(text)` and so on.
  window.kpi = kpi;
  editor = new KpiEditor($("#source"), debounced(rulesChanged, 120));
  const select = $("#example");
  KPI_EXAMPLES.forEach((e, i) => select.add(new Option(e.name, String(i))));
  select.addEventListener("change", () => loadExample(Number(select.value)));
  $("#data").addEventListener("input", debounced(showResults, 200));
  $("#period").addEventListener("input", debounced(showResults, 300));
  $("#save").addEventListener("click", save);
  $("#open").addEventListener("change", (e) => e.target.files[0] && openFile(e.target.files[0]));
  $("#sample").addEventListener("click", () => {
    if (!state.ruleset) return;
    $("#data").value = state.ruleset.sampleCsv(20, Date.now() % 100000);
    $("#data-name").textContent = "made-up records";
    showResults();
  });
  $("#close-statement").addEventListener("click", () => {
    state.picked = null;
    $("#statement-panel").hidden = true;
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => setLang(b.dataset.lang));
  }
  $("#version").textContent = `kpi ${kpi.version()}`;
  loadExample(0);
  document.body.dataset.ready = "true";
}

start();
