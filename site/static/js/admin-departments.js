// /admin/departments/, program administrators only: the departments
// applicants choose from and the divisions within them, in the forms' order
// (GET /api/admin/departments), added (POST /api/admin/departments and
// .../{id}/divisions), and renamed, moved, retired or restored (PUT
// .../{id} and .../{id}/divisions/{division}). Every answer is the whole
// list, shown afresh.
import { post } from "./api.js";
import { busy, clearErrors, el, isBusy, showProblem } from "./ui.js";
import { gateFailed } from "./admin-gate.js";
import { countCharacters } from "./counts.js";
import { actions, change, clearRefused, refocus, renamer, said, start } from "./admin-kept.js";

const list = document.getElementById("department-list");
const done = document.getElementById("departments-done");
const departmentForm = document.getElementById("department-form");
const divisionForm = document.getElementById("division-form");
const chooser = document.getElementById("f-department");
const refreshCounts = countCharacters(document);
let departments = [];

/**
 * Every entry by its key: a department by its id, a division by
 * "department/division", each with what the page needs to change it.
 */
function entries() {
  const all = new Map();
  for (const [place, d] of departments.entries()) {
    all.set(d.id, { entry: d, path: `/api/admin/departments/${encodeURIComponent(d.id)}`, place, among: departments.length, what: "departments" });
    for (const [at, v] of d.divisions.entries()) {
      all.set(`${d.id}/${v.id}`, {
        entry: v,
        path: `/api/admin/departments/${encodeURIComponent(d.id)}/divisions/${encodeURIComponent(v.id)}`,
        place: at,
        among: d.divisions.length,
        what: `divisions of the ${d.name}`,
      });
    }
  }
  return all;
}

function entryItem(key, entry, place, of, ...more) {
  return el("li", { class: "roster__person", "data-key": key },
    el("div", { class: "admin-list__person" },
      el("strong", {}, entry.name),
      entry.retired ? el("span", { class: "badge badge--neutral" }, "Retired") : null,
      ...more),
    actions(key, entry, place, of));
}

function item(d, place) {
  const divisions = d.divisions.length
    ? el("ol", { class: "roster roster--nested", "aria-label": `Divisions of the ${d.name}` },
      ...d.divisions.map((v, i) => entryItem(`${d.id}/${v.id}`, v, i + 1, d.divisions.length)))
    : null;
  const count = el("span", { class: "admin-list__meta" },
    d.divisions.length ? `${d.divisions.length} division${d.divisions.length === 1 ? "" : "s"}` : "No divisions");
  const li = entryItem(d.id, d, place, departments.length, count);
  if (divisions) li.append(divisions);
  return li;
}

function show(data) {
  departments = data.departments || [];
  rename.close();
  list.replaceChildren(...departments.map((d, i) => item(d, i + 1)));
  const chosen = chooser.value;
  chooser.replaceChildren(chooser.querySelector('option[value=""]'),
    ...departments.filter((d) => !d.retired).map((d) => el("option", { value: d.id }, d.name)));
  chooser.value = chosen;
  if (chooser.selectedIndex < 0) chooser.value = "";
}

const rename = renamer(refreshCounts, {
  done,
  pathOf: (key) => entries().get(key).path,
  saved: (key, entry, response) => {
    show(response.data);
    const now = entries().get(key)?.entry.name;
    said(done, `Renamed “${entry.name}” to “${now}”. The forms and the records that have it show the new name.`);
    refocus(key, "rename");
  },
});

function changeEntry(key, button, body, label, message) {
  change({ done, show, key, path: entries().get(key).path, button, body, label, message });
}

function move(key, button) {
  const { entry, place, among, what } = entries().get(key);
  const up = button.dataset.act === "up";
  const to = place + (up ? 0 : 2);
  changeEntry(key, button, { position: to }, "Moving…",
    () => `Moved “${entry.name}” ${up ? "up" : "down"}: it is now ${to} of ${among} ${what}.`);
}

function retire(key, button) {
  const { entry } = entries().get(key);
  const retiring = !entry.retired;
  changeEntry(key, button, { retired: retiring }, retiring ? "Retiring…" : "Restoring…", () => (retiring
    ? `Retired “${entry.name}”. The forms no longer offer it; the records that have it keep it.`
    : `Restored “${entry.name}”. The forms offer it again.`));
}

const ACTIONS = {
  rename: (key, button) => rename.open(key, entries().get(key).entry, button),
  up: move,
  down: move,
  retired: retire,
};

document.getElementById("departments-section").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-act]");
  const key = button?.dataset.key;
  if (key && entries().has(key)) ACTIONS[button.dataset.act](key, button);
});

/** Sends an add form; `fields` maps the API's field names to the form's. */
async function add(form, button, path, body, fields, message) {
  if (isBusy(button)) return;
  clearErrors(form);
  clearRefused();
  const undo = busy(button, "Adding…");
  const response = await post(path, body);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) {
    const errors = Object.fromEntries(Object.entries(response.problem.errors).map(([k, v]) => [fields[k] ?? k, v]));
    return showProblem(form, { ...response.problem, errors });
  }
  show(response.data);
  form.reset();
  refreshCounts();
  said(done, message);
  done.focus();
}

departmentForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = String(new FormData(departmentForm).get("name") ?? "").trim();
  add(departmentForm, document.getElementById("add-department"), "/api/admin/departments", { name }, {},
    `Added “${name}” at the end of the departments. The application forms offer it now.`);
});

divisionForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(divisionForm);
  const id = String(data.get("department") ?? "");
  const name = String(data.get("division") ?? "").trim();
  const department = departments.find((d) => d.id === id);
  if (!department) {
    clearErrors(divisionForm);
    const problem = { title: "Choose the department", detail: "", errors: { department: "Choose the department the division is in." } };
    if (!name) problem.errors.division = "Enter the division's name.";
    return showProblem(divisionForm, problem);
  }
  add(divisionForm, document.getElementById("add-division"),
    `/api/admin/departments/${encodeURIComponent(id)}/divisions`, { name }, { name: "division" },
    `Added “${name}” to the ${department.name}. Its applicants choose their division from now on.`);
});

start("/api/admin/departments", show);
