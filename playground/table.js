// The table of every record's outputs, each beside its change from the saved version
// of the rules, and a total row. Only amounts, counts, numbers and points are added
// up; a grade or text that changed shows what it was.
"use strict";

const SUMMED = new Set(["money", "count", "number", "points"]);

/**
 * Fills `table` with `rows` (the module's outcome objects, null for a record that
 * could not be scored), described by `description`; `saved` maps a key to the row the
 * saved rules gave. `onPick(key)` is called when a record is chosen.
 */
function kpiTable(table, description, rows, saved, onPick) {
  const keys = description.keys;
  const outputs = description.outputs;
  const head = [...keys, ...outputs.map((o) => o.name)]
    .map((name) => `<th scope="col">${kpiEscape(name)}</th>`)
    .join("");
  const totals = outputs.map(() => "0");
  const savedTotals = outputs.map(() => "0");
  let body = "";
  for (const row of rows) {
    if (!row) continue;
    const key = keys.map((k) => row[k]).join(",");
    const before = saved ? saved.get(key) : undefined;
    let cells = keys.map((k) => `<th scope="row">${kpiEscape(row[k] ?? "")}</th>`).join("");
    outputs.forEach((o, i) => {
      const value = row[o.name];
      const was = before ? before[o.name] : undefined;
      if (SUMMED.has(o.type) && value !== null) {
        totals[i] = decAdd(totals[i], value) ?? totals[i];
        if (was != null) savedTotals[i] = decAdd(savedTotals[i], was) ?? savedTotals[i];
      }
      cells += `<td data-output="${kpiEscape(o.name)}">${kpiCell(o, value, was, saved)}</td>`;
    });
    body += `<tr data-key="${kpiEscape(key)}" tabindex="0">${cells}</tr>`;
  }
  const totalCells = outputs
    .map((o, i) => {
      if (!SUMMED.has(o.type)) return "<td></td>";
      return `<td data-output="${kpiEscape(o.name)}">${kpiCell(o, totals[i], saved ? savedTotals[i] : undefined, saved)}</td>`;
    })
    .join("");
  const label = `<th scope="row" colspan="${keys.length}">Σ</th>`;
  table.innerHTML =
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>` +
    `<tfoot><tr class="total">${label}${totalCells}</tr></tfoot>`;
  for (const tr of table.querySelectorAll("tbody tr")) {
    const pick = () => onPick(tr.dataset.key);
    tr.addEventListener("click", pick);
    tr.addEventListener("keydown", (e) => e.key === "Enter" && pick());
  }
}

/** A cell: the value, and what changed since the saved rules. */
function kpiCell(output, value, was, saved) {
  const shown = value === null ? "—" : kpiEscape(value);
  if (!saved || was === undefined || was === value) return `<span class="value">${shown}</span>`;
  if (SUMMED.has(output.type) && value !== null && was !== null) {
    const change = decSub(value, was);
    const sign = decSign(change);
    const text = sign > 0 ? `+${change}` : change;
    const kind = sign > 0 ? "up" : sign < 0 ? "down" : "same";
    return `<span class="value">${shown}</span><span class="change ${kind}">${kpiEscape(text)}</span>`;
  }
  const before = was === null ? "—" : kpiEscape(was);
  return `<span class="value">${shown}</span><span class="change was">from ${before}</span>`;
}
