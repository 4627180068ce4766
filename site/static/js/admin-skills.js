// /admin/skills/, program administrators only: the career and soft skills
// applicants rank, in the forms' order (GET /api/admin/skills), added (POST
// /api/admin/skills), and renamed, moved, retired or restored (PUT
// /api/admin/skills/{id}). Every answer is the whole list, shown afresh.
import { get, post, put } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { gateFailed, programAdmin } from "./admin-gate.js";
import { countCharacters } from "./counts.js";

const lists = { career: document.getElementById("career-list"), soft: document.getElementById("soft-list") };
const KINDS = { career: "career skills", soft: "soft skills" };
const done = document.getElementById("skills-done");
const form = document.getElementById("skill-form");
const renameForm = document.getElementById("rename-form");
const renameInput = document.getElementById("f-rename");
const refreshCounts = countCharacters(document);
let skills = [];
/** The skill whose rename form is open, if any. */
let renaming = null;

function said(text) {
  done.textContent = text;
  done.hidden = false;
  announce(text);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const skillPath = (skill) => `/api/admin/skills/${encodeURIComponent(skill.id)}`;
const problemText = (problem) => Object.values(problem.errors).join(" ") || problem.detail;

/** Like busy(), but gives the button back its hidden skill name too. */
function hold(button, label) {
  const kept = [...button.childNodes];
  const undo = busy(button, label);
  return () => {
    undo();
    button.replaceChildren(...kept);
  };
}

/** A button whose accessible name ends with the skill's name. */
function action(skill, act, label) {
  return el("button", { class: "button button--secondary button--small", type: "button", "data-skill": skill.id, "data-act": act },
    label, el("span", { class: "visually-hidden" }, ` ${skill.name}`));
}

function item(skill, place, of) {
  const rename = action(skill, "rename", "Rename");
  rename.setAttribute("aria-expanded", "false");
  rename.setAttribute("aria-controls", "rename-form");
  const counted = Number.isInteger(skill.mentees) && Number.isInteger(skill.mentors)
    ? el("span", { class: "admin-list__meta" },
      `Ranked by ${plural(skill.mentees, "mentee", "mentees")}, ${plural(skill.mentors, "mentor", "mentors")}`)
    : null;
  return el("li", { class: "roster__person", "data-skill": skill.id },
    el("div", { class: "admin-list__person" },
      el("strong", {}, skill.name),
      skill.retired ? el("span", { class: "badge badge--neutral" }, "Retired") : null,
      counted),
    el("div", { class: "actions" },
      rename,
      place > 1 ? action(skill, "up", "Move up") : null,
      place < of ? action(skill, "down", "Move down") : null,
      action(skill, "retired", skill.retired ? "Restore" : "Retire")));
}

function show(data) {
  skills = data.skills || [];
  closeRename();
  for (const [kind, list] of Object.entries(lists)) {
    const theirs = skills.filter((s) => s.kind === kind);
    list.replaceChildren(...theirs.map((s, i) => item(s, i + 1, theirs.length)));
  }
}

/** Focus back on the skill's button for `act`, or the nearest one it has now. */
function refocus(id, act) {
  const buttons = [...document.querySelectorAll(`button[data-skill="${CSS.escape(id)}"]`)];
  const move = (b) => b.dataset.act === "up" || b.dataset.act === "down";
  (buttons.find((b) => b.dataset.act === act) || buttons.find(move) || buttons[0])?.focus();
}

/** A refused change, under the skill it was about, read out at once. */
function refused(skill, problem) {
  done.hidden = true;
  const note = el("p", { class: "panel panel--error", role: "alert", "data-refused": "" }, problemText(problem));
  document.querySelector(`li[data-skill="${CSS.escape(skill.id)}"]`)?.append(note);
}

function clearRefused() {
  for (const note of document.querySelectorAll("[data-refused]")) note.remove();
}

async function change(skill, button, body, label, message) {
  if (isBusy(button)) return;
  clearRefused();
  const act = button.dataset.act;
  const undo = hold(button, label);
  const response = await put(skillPath(skill), body);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return refused(skill, response.problem);
  show(response.data);
  said(message(skills.find((s) => s.id === skill.id) || skill));
  refocus(skill.id, act);
}

function move(skill, button) {
  const theirs = skills.filter((s) => s.kind === skill.kind);
  const up = button.dataset.act === "up";
  const to = theirs.indexOf(skill) + (up ? 0 : 2);
  change(skill, button, { position: to }, "Moving…",
    () => `Moved “${skill.name}” ${up ? "up" : "down"}: it is now ${to} of ${theirs.length} ${KINDS[skill.kind]}.`);
}

function retire(skill, button) {
  const retiring = !skill.retired;
  change(skill, button, { retired: retiring }, retiring ? "Retiring…" : "Restoring…", () => (retiring
    ? `Retired “${skill.name}”. The forms no longer offer it; the applications that have it keep it.`
    : `Restored “${skill.name}”. The forms offer it again.`));
}

function openRename(skill, button) {
  const wasOpen = renaming?.id === skill.id;
  clearRefused();
  closeRename();
  if (wasOpen) return;
  renaming = skill;
  document.getElementById("rename-label").textContent = `New name for “${skill.name}”`;
  document.getElementById("rename-of").textContent = `the new name of ${skill.name}`;
  renameInput.value = skill.name;
  refreshCounts();
  button.setAttribute("aria-expanded", "true");
  button.closest("li").append(renameForm);
  renameForm.hidden = false;
  renameInput.focus();
}

function closeRename() {
  for (const button of document.querySelectorAll('button[data-act="rename"][aria-expanded="true"]')) {
    button.setAttribute("aria-expanded", "false");
  }
  renaming = null;
  clearErrors(renameForm);
  renameForm.hidden = true;
  document.getElementById("rename-home").append(renameForm);
}

function cancelRename() {
  const id = renaming?.id;
  closeRename();
  if (id) refocus(id, "rename");
}

const ACTIONS = { rename: openRename, up: move, down: move, retired: retire };

document.getElementById("skills-section").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-act]");
  const skill = button && skills.find((s) => s.id === button.dataset.skill);
  if (skill) ACTIONS[button.dataset.act](skill, button);
});

document.getElementById("rename-cancel").addEventListener("click", cancelRename);
renameForm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") cancelRename();
});

renameForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const skill = renaming;
  const button = renameForm.querySelector('button[type="submit"]');
  if (!skill || isBusy(button)) return;
  clearErrors(renameForm);
  const undo = hold(button, "Saving…");
  const response = await put(skillPath(skill), { name: renameInput.value.trim() });
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) {
    const { errors } = response.problem;
    if (!errors.name) return refused(skill, response.problem);
    showProblem(renameForm, { ...response.problem, errors: { rename: errors.name } });
    return renameInput.focus();
  }
  show(response.data);
  const now = skills.find((s) => s.id === skill.id)?.name ?? renameInput.value.trim();
  said(`Renamed “${skill.name}” to “${now}”. The forms and the applications that have it show the new name.`);
  refocus(skill.id, "rename");
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("add-skill");
  if (isBusy(button)) return;
  clearErrors(form);
  clearRefused();
  const data = new FormData(form);
  const body = { kind: String(data.get("kind") ?? ""), name: String(data.get("name") ?? "").trim() };
  const undo = busy(button, "Adding…");
  const response = await post("/api/admin/skills", body);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return showProblem(form, response.problem);
  show(response.data);
  form.reset();
  refreshCounts();
  said(`Added “${body.name}” at the end of the ${KINDS[body.kind]}. The application forms offer it now.`);
  done.focus();
});

async function start() {
  if (!(await programAdmin())) return;
  const response = await get("/api/admin/skills");
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  show(response.data);
  announce("");
  document.getElementById("console").hidden = false;
}

start();
