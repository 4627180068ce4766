// Figures for the admin page: number formats, data tables (with grouped
// column headers or grouped rows) and small SVG bar charts that read
// without colour: every bar carries its value in words beside it, and a
// second series is hatched. Text goes in as text only.
import { el } from "./ui.js";

// --- Numbers -------------------------------------------------------------------

const decimals = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A dash for sighted readers, words for screen readers: there is nothing to divide by yet. */
export function missing() {
  return el("span", {}, el("span", { "aria-hidden": "true" }, "–"), el("span", { class: "visually-hidden" }, "none yet"));
}

export const count = (n) => decimals.format(Number(n) || 0);
export const decimal = (x) => (x === null || x === undefined ? missing() : decimals.format(x));
export const rate = (x) => (x === null || x === undefined ? missing() : `${Math.round(x * 100)}%`);

/** "Q3 2026" from "2026-Q3". */
export function quarterLabel(quarter) {
  const match = /^(\d{4})-Q([1-4])$/.exec(String(quarter ?? ""));
  return match ? `Q${match[2]} ${match[1]}` : String(quarter ?? "");
}

const MONTHS = ["January to March", "April to June", "July to September", "October to December"];

/** "Q3 2026 (July to September)", for the quarter menu. */
export function quarterLong(quarter) {
  const match = /^(\d{4})-Q([1-4])$/.exec(String(quarter ?? ""));
  return match ? `${quarterLabel(quarter)} (${MONTHS[Number(match[2]) - 1]})` : String(quarter ?? "");
}

// --- Tables --------------------------------------------------------------------

let tables = 0;

/**
 * A data table in a scrollable region that keyboards can reach.
 * `columns`: [{label, group?, numeric?}]; the first is the row headers' column.
 * Consecutive columns with the same `group` share a header above theirs.
 * `rows`: [{header, cells}] or {group: "title"}, which starts a group of rows
 * (with no header row when the title is empty). Each cell carries its
 * column's name in `data-label`, which `.data--records` shows on a phone.
 */
/** A cell's column as a phone shows it beside the value: with its group, which says whose it is. */
const cellLabel = (column) => (column?.group ? `${column.group}, ${column.label.toLowerCase()}` : column?.label);

export function dataTable({ caption, columns, rows, className = "" }) {
  const id = `table-${++tables}`;
  const grouped = columns.some((c) => c.group);
  const table = el("table", { class: `data ${className}`.trim() }, el("caption", { id }, caption));

  // Runs of columns under one group header, each a <colgroup> so scope="colgroup" has something to refer to.
  const runs = [];
  for (const column of columns) {
    const last = runs[runs.length - 1];
    if (column.group && last?.group === column.group) last.columns.push(column);
    else runs.push({ group: column.group, columns: [column] });
  }
  table.append(...runs.map((run) => el("colgroup", { span: run.columns.length })));

  const head = el("thead");
  if (grouped) {
    const top = el("tr");
    const below = el("tr");
    for (const run of runs) {
      if (run.group) {
        top.append(el("th", { scope: "colgroup", colspan: run.columns.length, class: "data__group" }, run.group));
        below.append(...run.columns.map((c) => el("th", { scope: "col", class: c.numeric ? "num" : null }, c.label)));
      } else {
        top.append(...run.columns.map((c) => el("th", { scope: "col", rowspan: 2, class: c.numeric ? "num" : null }, c.label)));
      }
    }
    head.append(top, below);
  } else {
    head.append(el("tr", {}, ...columns.map((c) => el("th", { scope: "col", class: c.numeric ? "num" : null }, c.label))));
  }
  table.append(head);

  let body = el("tbody");
  for (const row of rows) {
    if (row.group !== undefined) {
      if (body.childElementCount) table.append(body);
      body = el("tbody");
      if (row.group) body.append(el("tr", { class: "data__rowgroup" }, el("th", { scope: "rowgroup", colspan: columns.length }, row.group)));
      continue;
    }
    body.append(el("tr", {},
      el("th", { scope: "row" }, row.header),
      ...row.cells.map((cell, i) => el("td", { class: columns[i + 1]?.numeric ? "num" : null, "data-label": cellLabel(columns[i + 1]) }, cell)),
    ));
  }
  table.append(body);
  return el("div", { class: "table-wrap", role: "region", "aria-labelledby": id, tabindex: "0" }, table);
}

// --- Bar charts ----------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

const WIDTH = 360;
const VALUE_ROOM = 130;
const BAR = 16;
let charts = 0;

/**
 * Horizontal bars, one group per row: the row's label above its bars, each
 * bar followed by its value in words (`series[i].words(value)`). The second
 * series is hatched, so the two differ in shape as well as words.
 */
function barChart({ name, rows, series }) {
  const hatch = `hatch-${++charts}`;
  const max = Math.max(0, ...rows.flatMap((row) => row.values)) || 1;
  const parts = [];
  let y = 0;
  for (const row of rows) {
    parts.push(svg("text", { x: 0, y: y + 14, class: "chart__label" }, row.label));
    y += 22;
    row.values.forEach((value, i) => {
      const width = Math.round(((WIDTH - VALUE_ROOM) * value) / max);
      parts.push(
        svg("rect", { x: 0, y, width: Math.max(width, 1), height: BAR, class: i ? "chart__bar chart__bar--alt" : "chart__bar", fill: i ? `url(#${hatch})` : "currentColor" }),
        svg("text", { x: width + 6, y: y + BAR - 3, class: "chart__value" }, series[i].words(value)),
      );
      y += BAR + 5;
    });
    y += 10;
  }
  const defs = svg("defs", {},
    svg("pattern", { id: hatch, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { width: 6, height: 6, class: "chart__hatch-bg" }),
      svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "chart__hatch" })));
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${Math.max(y, 20)}`, role: "img", "aria-label": name, class: "chart__svg" }, defs, ...parts);
}

/**
 * A chart and, beside it, a table of the same figures.
 * `rows`: [{label, values}]; `series`: [{name, words}]; `rowHeader` names the rows' column.
 */
export function chartWithTable({ title, rowHeader, rows, series }) {
  const spoken = rows.map((row) => `${row.label}: ${row.values.map((v, i) => series[i].words(v)).join(", ")}`).join("; ");
  const figure = el("figure", { class: "chart" },
    el("figcaption", { class: "chart__title" }, title),
    barChart({ name: `Bar chart, ${title}. ${spoken}.`, rows, series }),
  );
  const table = dataTable({
    caption: `${title}, in figures`,
    className: "data--compact",
    columns: [{ label: rowHeader }, ...series.map((s) => ({ label: s.name, numeric: true }))],
    rows: rows.map((row) => ({ header: row.label, cells: row.values.map(count) })),
  });
  return el("div", { class: "chart-pair" }, figure, table);
}
