// /admin/: the program's figures (GET /api/admin/metrics) in tables and
// charts, by quarter, match group and department, with the CSV exports; for program
// administrators also the tools in admin-tools.js. Department administrators
// get the same page for their departments: the API decides the scope and
// the page says what it is.
import { get, here, showSignIn, whoAmI } from "./api.js";
import { announce, el, showPanelProblem } from "./ui.js";
import { chartWithTable, count, dataTable, decimal, quarterLabel, quarterLong, rate } from "./admin-figures.js";
import { startTools } from "./admin-tools.js";
import { attentionList } from "./attention.js";

const quarterSelect = document.getElementById("f-quarter");
const groupSelect = document.getElementById("f-group");
let scope = null;
/** Each match group's name by id, from the unfiltered report. */
const groupNames = new Map();

// --- What each table shows -------------------------------------------------------

const n = (label, pick) => ({ label, pick, format: count });
const profiles = (key) => [
  n("Waiting for review", (m) => m[key].pending),
  n("Approved", (m) => m[key].approved),
  n("Denied", (m) => m[key].denied),
  n("All", (m) => m[key].total),
];
/** The Pairs of the report at `path` (a key, or keys into nested objects). */
const pairs = (path) => {
  const at = (m) => [path].flat().reduce((o, key) => o[key], m);
  return [
    n("Connections", (m) => at(m).connections),
    n("Active", (m) => at(m).active),
    n("Completed", (m) => at(m).completed),
    n("Discontinued", (m) => at(m).discontinued),
  ];
};
const wishes = (key) => [
  n("Committed", (m) => m.kinds[key].committed),
  n("Flash", (m) => m.kinds[key].flash),
  n("Either", (m) => m.kinds[key].either),
];
const answers = (side) => [
  n("Responses", (m) => m.surveys[side].responses),
  { label: "Average satisfaction (1 to 5)", pick: (m) => m.surveys[side].average_satisfaction, format: decimal },
  { label: "Would recommend", pick: (m) => m.surveys[side].would_recommend_rate, format: rate },
];
const goals = (side) => [
  n("Met", (m) => m.surveys[side].goals_met),
  n("Partly met", (m) => m.surveys[side].goals_partly_met),
  n("Not met", (m) => m.surveys[side].goals_not_met),
];

/** Every measure of the report, in tables of groups. A group without a title is one column. */
const TABLES = [
  { title: "Profiles", groups: [
    { title: "Mentee profiles", measures: profiles("mentee_profiles") },
    { title: "Mentor profiles", measures: profiles("mentor_profiles") },
    { measures: [n("Mentored before MOments", (m) => m.prior_mentees)] },
  ] },
  { title: "Requests", groups: [
    { title: "Requests to mentors", measures: [
      n("All", (m) => m.requests.total),
      n("Waiting", (m) => m.requests.pending),
      n("Accepted", (m) => m.requests.accepted),
      n("Declined", (m) => m.requests.declined),
      n("Withdrawn", (m) => m.requests.withdrawn),
      n("Closed", (m) => m.requests.closed),
      { label: "Acceptance rate", pick: (m) => m.requests.acceptance_rate, format: rate },
    ] },
  ] },
  { title: "Mentorships", groups: [
    { title: "Counted for the mentee", measures: pairs("pairs") },
    { title: "Counted for the mentor", measures: pairs("mentoring") },
  ] },
  { title: "Kinds of mentorship", groups: [
    { title: "Committed, as agreed", measures: pairs(["kinds", "committed"]) },
    { title: "Flash, as agreed", measures: pairs(["kinds", "flash"]) },
    { measures: [n("No kind agreed yet", (m) => m.kinds.not_recorded)] },
  ] },
  { title: "Kind of mentorship wanted", groups: [
    { title: "Approved mentees would like", measures: wishes("mentees_prefer") },
    { title: "Approved mentors would like", measures: wishes("mentors_prefer") },
  ] },
  { title: "Time and meetings", groups: [
    { title: "Median days", measures: [
      { label: "To approval", pick: (m) => m.median_days_to_approval, format: decimal },
      { label: "To match", pick: (m) => m.median_days_to_match, format: decimal },
    ] },
    { measures: [n("Meetings", (m) => m.meetings)] },
    { title: "Meeting hours", measures: [
      { label: "Counted for the mentee", pick: (m) => m.hours, format: decimal },
      { label: "Counted for the mentor", pick: (m) => m.mentor_hours, format: decimal },
    ] },
  ] },
  { title: "Survey answers", groups: [
    { title: "Mentees’ answers", measures: answers("mentee") },
    { title: "Mentors’ answers", measures: answers("mentor") },
    { measures: [{ label: "Response rate", pick: (m) => m.surveys.response_rate, format: rate }] },
  ] },
  { title: "Mentees’ goals met", groups: [
    { title: "Mentees’ answers", measures: goals("mentee") },
    { title: "Mentors’ answers", measures: goals("mentor") },
    { title: "Agreement goals, as marked when the pair ended", measures: [
      n("Goals set", (m) => m.goals.set),
      n("Met", (m) => m.goals.met),
      n("Progressing", (m) => m.goals.progressing),
      { label: "Share met", pick: (m) => m.goals.met_share, format: rate },
    ] },
  ] },
];

/** The totals: a small table per theme, one row per measure, so they read well on a phone. */
function totalsTables(measures) {
  return TABLES.map((table) => {
    const rows = [];
    for (const group of table.groups) {
      rows.push({ group: group.title ?? "" });
      rows.push(...group.measures.map((m) => ({ header: m.label, cells: [m.format(m.pick(measures))] })));
    }
    return dataTable({ caption: table.title, className: "data--totals", columns: [{ label: "Figure" }, { label: "Total", numeric: true }], rows });
  });
}

/** One table per theme, a row per quarter or department. */
function sliceTables(slices, rowHeader, by) {
  return TABLES.map((table) => {
    const columns = [{ label: rowHeader }];
    for (const group of table.groups) {
      columns.push(...group.measures.map((m) => ({ label: m.label, group: group.title, numeric: true })));
    }
    const measures = table.groups.flatMap((g) => g.measures);
    return dataTable({
      caption: `${table.title} ${by}`,
      // On a phone each row reads as a short list rather than scrolling sideways.
      className: `data--records data--${rowHeader.toLowerCase().replaceAll(" ", "-")}`,
      columns,
      rows: slices.map((slice) => ({ header: slice.label, cells: measures.map((m) => m.format(m.pick(slice.measures))) })),
    });
  });
}

const words = (one, many) => (v) => `${count(v)} ${v === 1 ? one : many}`;
const shortName = (name) => String(name ?? "").replace(/^Department of (the )?/, "");

const NO_GROUP = "No match group";
const groupName = (id) => (id ? groupNames.get(id) ?? id : NO_GROUP);

function renderReport(report) {
  const quarters = report.by_quarter.map((q) => ({ label: quarterLabel(q.quarter), measures: q.measures }));
  const groups = report.by_group.map((g) => ({ label: g.name ?? groupName(g.group), measures: g.measures }));
  const departments = report.by_department.map((d) => ({ label: d.department?.name ?? d.department?.id, short: shortName(d.department?.name), measures: d.measures }));
  const empty = quarters.length === 0;
  document.getElementById("figures-empty").hidden = !empty;
  document.getElementById("figures").hidden = empty;
  if (empty) return;

  document.getElementById("totals").replaceChildren(...totalsTables(report.total));
  // For the whole program both sides of a pair count the same; a department counts its mentees' pairs here.
  const side = scope.program ? "" : ", counted for the mentee";
  document.getElementById("quarter-charts").replaceChildren(
    chartWithTable({
      title: `Connections by quarter${side}`,
      rowHeader: "Quarter",
      rows: quarters.map((q) => ({ label: q.label, values: [q.measures.pairs.connections] })),
      series: [{ name: "Connections", words: words("connection", "connections") }],
    }),
    chartWithTable({
      title: `Meeting hours by quarter${side}`,
      rowHeader: "Quarter",
      rows: quarters.map((q) => ({ label: q.label, values: [q.measures.hours] })),
      series: [{ name: "Hours", words: words("hour", "hours") }],
    }),
  );
  document.getElementById("by-quarter").replaceChildren(...sliceTables(quarters, "Quarter", "by quarter"));
  document.getElementById("group-charts").replaceChildren(
    chartWithTable({
      title: `Connections by match group${side}`,
      rowHeader: "Match group",
      rows: groups.map((g) => ({ label: g.label, values: [g.measures.pairs.connections] })),
      series: [{ name: "Connections", words: words("connection", "connections") }],
    }),
  );
  document.getElementById("by-group").replaceChildren(...sliceTables(groups, "Match group", "by match group"));
  document.getElementById("department-charts").replaceChildren(
    chartWithTable({
      title: "Mentees and mentors by department",
      rowHeader: "Department",
      rows: departments.map((d) => ({ label: d.short, values: [d.measures.mentee_profiles.total, d.measures.mentor_profiles.total] })),
      series: [
        { name: "Mentee profiles", words: words("mentee", "mentees") },
        { name: "Mentor profiles", words: words("mentor", "mentors") },
      ],
    }),
  );
  document.getElementById("by-department").replaceChildren(...sliceTables(departments, "Department", "by department"));
  const divisions = (report.by_division || []).map((d) => ({ label: `${d.division.name}, ${shortName(d.department.name)}`, measures: d.measures }));
  document.getElementById("divisions").hidden = !divisions.length;
  document.getElementById("by-division").replaceChildren(...sliceTables(divisions, "Division", "by division"));
}

// --- Scope, quarter and exports --------------------------------------------------

/** "the Department of Revenue", "the Department of Revenue and the Office of Administration". */
function departmentNames() {
  const names = scope.departments.map((d) => `the ${d.name}`);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names.join("");
}

function describeScope() {
  document.getElementById("scope-line").textContent = scope.program
    ? "You see the whole program."
    : `As a department administrator, you see the figures and records of ${departmentNames()}.`;
  for (const note of document.querySelectorAll("[data-scope]")) {
    note.hidden = note.dataset.scope !== (scope.program ? "program" : "department");
  }
}

/** The slice of the figures asked for, as words: "Q3 2026 (July to September), Match group twelve". */
function sliceWords({ quarter, group }) {
  const parts = [quarter ? quarterLong(quarter) : "all quarters"];
  if (group) parts.push(groupName(group));
  return parts.join(", ");
}

/** `?quarter=…&group=…` for what is asked, or "". */
function sliceQuery({ quarter, group }) {
  const query = new URLSearchParams();
  if (quarter) query.set("quarter", quarter);
  if (group) query.set("group", group);
  const text = query.toString();
  return text ? `?${text}` : "";
}

function showSlice(slice) {
  const label = sliceWords(slice);
  document.getElementById("figures-about").textContent = `Figures for ${scope.program ? "the whole program" : departmentNames()}, ${label}.`;
  document.getElementById("exports-quarter").textContent = label;
  const query = sliceQuery(slice);
  for (const link of document.querySelectorAll("[data-export]")) {
    link.href = `/api/admin/exports/${link.dataset.export}.csv${query}`;
  }
}

const metricsPath = (slice) => `/api/admin/metrics${sliceQuery(slice)}`;

/** Loads and shows the figures of one quarter and match group (or all); false when the API refused. */
async function showFigures(slice) {
  const response = await get(metricsPath(slice));
  if (!response.ok) {
    failed(response);
    return false;
  }
  renderReport(response.data.report);
  showSlice({ quarter: response.data.quarter, group: response.data.group });
  return true;
}

document.getElementById("quarter-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const slice = { quarter: quarterSelect.value, group: groupSelect.value };
  announce(`Loading the figures for ${sliceWords(slice)}…`);
  if (!(await showFigures(slice))) return;
  history.replaceState(null, "", sliceQuery(slice) || location.pathname);
  announce(`Showing the figures for ${sliceWords(slice)}.`);
});

// --- Loading -----------------------------------------------------------------------

function failed(response) {
  announce("");
  if (response.status === 401) {
    document.getElementById("console").hidden = true;
    showSignIn(here());
  } else if (response.status === 403) {
    document.getElementById("console").hidden = true;
    document.getElementById("not-admin").hidden = false;
  } else {
    const panel = document.getElementById("load-error");
    showPanelProblem(panel, response.problem);
    panel.focus();
  }
}

/** What has waited too long, first on the page; the figures do not wait for it. */
async function showAttention() {
  const section = document.getElementById("attention");
  const answer = await get("/api/admin/attention");
  document.getElementById("attention-summary").replaceChildren(answer.ok
    ? attentionList(answer.data, section.dataset)
    : el("p", { class: "empty" }, "What needs attention could not be read just now; reload the page to try again."));
}

async function start() {
  announce("Loading the program’s figures…");
  const who = await whoAmI();
  if (!who.ok) return failed(who);
  const me = who.data;
  for (const node of document.querySelectorAll("[data-me-email]")) node.textContent = me.email;
  const roles = me.roles || [];
  if (me.administration_needs_provider) {
    announce("");
    document.getElementById("needs-provider").hidden = false;
    return;
  }
  if (!roles.includes("program_admin") && !roles.includes("department_admin")) {
    return failed({ status: 403 });
  }

  // The menus list every quarter and match group with figures, from the unfiltered report.
  const all = await get(metricsPath({}));
  if (!all.ok) return failed(all);
  scope = all.data.scope;
  const quarters = all.data.report.by_quarter.map((q) => q.quarter).reverse();
  quarterSelect.append(...quarters.map((q) => el("option", { value: q }, quarterLong(q))));
  const groups = all.data.report.by_group.filter((g) => g.group);
  for (const g of groups) groupNames.set(g.group, g.name ?? g.group);
  groupSelect.append(...groups.map((g) => el("option", { value: g.group }, groupName(g.group))));
  describeScope();

  const asked = new URLSearchParams(location.search);
  const wanted = {
    quarter: quarters.includes(asked.get("quarter")) ? asked.get("quarter") : "",
    group: groupNames.has(asked.get("group")) ? asked.get("group") : "",
  };
  if (wanted.quarter || wanted.group) {
    quarterSelect.value = wanted.quarter;
    groupSelect.value = wanted.group;
    if (!(await showFigures(wanted))) return;
  } else {
    renderReport(all.data.report);
    showSlice({});
  }
  if (scope.program) {
    for (const node of document.querySelectorAll("[data-program-only]")) node.hidden = false;
    startTools();
  }
  showAttention();
  announce("");
  document.getElementById("console").hidden = false;
}

start();
