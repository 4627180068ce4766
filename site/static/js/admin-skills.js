// /admin/skills/, program administrators only: the career and soft skills
// applicants rank, in the forms' order (GET /api/admin/skills), added (POST
// /api/admin/skills), and renamed, moved, retired or restored (PUT
// /api/admin/skills/{id}). Every answer is the whole list, shown afresh.
import { post } from "./api.js";
import { busy, clearErrors, el, isBusy, showProblem } from "./ui.js";
import { gateFailed } from "./admin-gate.js";
import { countCharacters } from "./counts.js";
import { actions, change, clearRefused, refocus, renamer, said, start } from "./admin-kept.js";

const lists = { career: document.getElementById("career-list"), soft: document.getElementById("soft-list") };
const KINDS = { career: "career skills", soft: "soft skills" };
const done = document.getElementById("skills-done");
const form = document.getElementById("skill-form");
const refreshCounts = countCharacters(document);
let skills = [];

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const skillPath = (id) => `/api/admin/skills/${encodeURIComponent(id)}`;

function item(skill, place, of) {
  const counted = Number.isInteger(skill.mentees) && Number.isInteger(skill.mentors)
    ? el("span", { class: "admin-list__meta" },
      `Ranked by ${plural(skill.mentees, "mentee", "mentees")}, ${plural(skill.mentors, "mentor", "mentors")}`)
    : null;
  return el("li", { class: "roster__person", "data-key": skill.id },
    el("div", { class: "admin-list__person" },
      el("strong", {}, skill.name),
      skill.retired ? el("span", { class: "badge badge--neutral" }, "Retired") : null,
      counted),
    actions(skill.id, skill, place, of));
}

const rename = renamer(refreshCounts, {
  done,
  pathOf: skillPath,
  saved: (id, skill, response) => {
    show(response.data);
    const now = skills.find((s) => s.id === id)?.name;
    said(done, `Renamed “${skill.name}” to “${now}”. The forms and the applications that have it show the new name.`);
    refocus(id, "rename");
  },
});

function show(data) {
  skills = data.skills || [];
  rename.close();
  for (const [kind, list] of Object.entries(lists)) {
    const theirs = skills.filter((s) => s.kind === kind);
    list.replaceChildren(...theirs.map((s, i) => item(s, i + 1, theirs.length)));
  }
}

function changeSkill(skill, button, body, label, message) {
  change({ done, show, key: skill.id, path: skillPath(skill.id), button, body, label, message });
}

function move(skill, button) {
  const theirs = skills.filter((s) => s.kind === skill.kind);
  const up = button.dataset.act === "up";
  const to = theirs.indexOf(skill) + (up ? 0 : 2);
  changeSkill(skill, button, { position: to }, "Moving…",
    () => `Moved “${skill.name}” ${up ? "up" : "down"}: it is now ${to} of ${theirs.length} ${KINDS[skill.kind]}.`);
}

function retire(skill, button) {
  const retiring = !skill.retired;
  changeSkill(skill, button, { retired: retiring }, retiring ? "Retiring…" : "Restoring…", () => (retiring
    ? `Retired “${skill.name}”. The forms no longer offer it; the applications that have it keep it.`
    : `Restored “${skill.name}”. The forms offer it again.`));
}

const ACTIONS = { rename: (skill, button) => rename.open(skill.id, skill, button), up: move, down: move, retired: retire };

document.getElementById("skills-section").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-act]");
  const skill = button && skills.find((s) => s.id === button.dataset.key);
  if (skill) ACTIONS[button.dataset.act](skill, button);
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
  said(done, `Added “${body.name}” at the end of the ${KINDS[body.kind]}. The application forms offer it now.`);
  done.focus();
});

start("/api/admin/skills", show);
