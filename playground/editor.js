// The rule editor: a plain textarea over a highlighted copy of its text. The copy
// holds exactly the same characters on the same lines, so every token lies under
// the character it colours; problems are underlined in it and their messages
// written after the end of their line, where they shift nothing.
"use strict";

const KPI_WORDS = {
  statement: "ruleset version currency unit key period input let score bonus deduction warning veto grade output fixture test expect",
  clause: "tiers linear weighted from to per when zero error cap floor by over within where rank percentile share remainder distribute slots under members coefficient optional better higher lower highest lowest first then ties shared dense strict excluded empty week day month end",
  operator: "and or not if then else",
  literal: "true false none",
  type: "count number percent money points text bool date",
};

const KPI_KIND_OF_WORD = (() => {
  const kinds = new Map();
  for (const [kind, words] of Object.entries(KPI_WORDS)) {
    for (const word of words.split(" ")) if (!kinds.has(word)) kinds.set(word, kind);
  }
  return kinds;
})();

// One token at a time: comments, strings, numbers (with %, ¥ or a currency code),
// words, anything else. Unicode letters make words, as the language allows.
const KPI_TOKEN = /(#[^\n]*)|("[^"\n]*"?)|([¥￥]?\d+(?:\.\d+)?%?(?: ?[A-Z]{3}\b)?)|([\p{L}_][\p{L}\p{N}_]*)|(\s+|.)/gu;

function kpiEscape(text) {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);
}

/** One line of source as highlighted HTML. */
function kpiHighlightLine(line) {
  let html = "";
  for (const m of line.matchAll(KPI_TOKEN)) {
    const [text, comment, string, number, word] = m;
    let kind = null;
    if (comment) kind = "comment";
    else if (string) kind = "string";
    else if (number) kind = "number";
    else if (word) kind = KPI_KIND_OF_WORD.get(word) || null;
    html += kind ? `<span class="tok-${kind}">${kpiEscape(text)}</span>` : kpiEscape(text);
  }
  return html;
}

/** Highlights line `text` with the columns [from, to) of each mark underlined. */
function kpiMarkedLine(text, marks) {
  if (marks.length === 0) return kpiHighlightLine(text);
  // Columns count characters (code points), as problems give them.
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const m of marks) {
    cuts.add(Math.min(m.from, chars.length));
    cuts.add(Math.min(Math.max(m.to, m.from + 1), chars.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  let html = "";
  for (let i = 0; i + 1 < points.length; i++) {
    const piece = chars.slice(points[i], points[i + 1]).join("");
    const over = marks.find((m) => m.from <= points[i] && points[i] < Math.max(m.to, m.from + 1));
    const inner = kpiHighlightLine(piece);
    html += over ? `<span class="mark-${over.severity}">${inner}</span>` : inner;
  }
  return html;
}

class KpiEditor {
  /** Wraps `textarea`, whose `.editor` parent also holds the `pre` copy. */
  constructor(textarea, onChange) {
    this.textarea = textarea;
    this.copy = textarea.parentElement.querySelector("pre code");
    this.problems = [];
    textarea.addEventListener("input", () => {
      this.render();
      onChange(textarea.value);
    });
    textarea.addEventListener("scroll", () => this.follow());
    textarea.addEventListener("keydown", (e) => {
      // Tab indents, as rule files are indented, rather than leaving the editor.
      if (e.key === "Tab" && !e.shiftKey) {
        e.preventDefault();
        document.execCommand("insertText", false, "  ");
      }
    });
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.problems = [];
    this.render();
  }

  /** Shows `problems` (the module's Problem objects) on their lines. */
  show(problems) {
    this.problems = problems.filter((p) => p.line);
    this.render();
  }

  render() {
    const lines = this.textarea.value.split("\n");
    const byLine = new Map();
    for (const p of this.problems) {
      const at = p.line - 1;
      if (!byLine.has(at)) byLine.set(at, []);
      byLine.get(at).push(p);
    }
    const html = lines.map((line, i) => {
      const here = byLine.get(i) || [];
      const marks = [];
      for (const p of this.problems) {
        const first = p.line - 1;
        const last = (p.end_line || p.line) - 1;
        if (i < first || i > last) continue;
        const from = i === first ? p.column - 1 : 0;
        const to = i === last ? (p.end_column || p.column + 1) - 1 : Array.from(line).length;
        marks.push({ from, to, severity: p.severity });
      }
      let out = kpiMarkedLine(line, marks);
      for (const p of here) {
        out += `<span class="lens lens-${p.severity}">  ${kpiEscape(p.code)} ${kpiEscape(p.message)}</span>`;
      }
      return out;
    });
    // A final newline needs a line of its own to be seen in the copy.
    this.copy.innerHTML = html.join("\n") + "\n";
    this.follow();
  }

  follow() {
    const pre = this.copy.parentElement;
    pre.scrollTop = this.textarea.scrollTop;
    pre.scrollLeft = this.textarea.scrollLeft;
  }

  /** Puts the caret at line `line`, column `column` (both from 1). */
  reveal(line, column) {
    const lines = this.textarea.value.split("\n");
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    const chars = Array.from(lines[line - 1] || "").slice(0, column - 1).join("");
    offset += chars.length;
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
  }
}
