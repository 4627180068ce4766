// The agreement's goals on the pair's page: one a line of the goals
// section, each with where it stands and the last note, and (while the
// mentorship is active) a small form to mark it (PUT
// /api/mentorships/{id}/goals/{n}, with the agreement version read).
import { here, put, showSignIn } from "./api.js";
import { busy, clearErrors, el, formatDate, isBusy, notice, showProblem, uniqueIds } from "./ui.js";
import { count } from "./mentoring.js";

const STANDING = { not_started: "Not started", progressing: "Progressing", met: "Met" };
const TONE = { not_started: "neutral", progressing: "pending", met: "approved" };

/**
 * Draws the goals of mentorship `m`; `who(email)` names a person as the
 * page does, and `saved(m)` takes the mentorship the API answers after a mark.
 */
export function renderGoals(m, who, saved) {
  const section = document.getElementById("goals-section");
  const goals = m.agreement?.goal_list ?? [];
  section.hidden = goals.length === 0;
  if (!goals.length) return;
  const met = goals.filter((g) => g.status === "met").length;
  const moving = goals.filter((g) => g.status === "progressing").length;
  document.getElementById("goals-summary").textContent =
    `${met} of ${count(goals.length, "goal", "goals")} met, ${moving} progressing.`;
  const template = document.getElementById("goal-template");
  document.getElementById("goal-list").replaceChildren(...goals.map((goal) => {
    const item = uniqueIds(template.content.cloneNode(true), `g${goal.number}`).querySelector("li");
    item.querySelector("[data-text]").textContent = goal.goal;
    const marked = goal.marked_by ? ` (marked by ${who(goal.marked_by)} on ${formatDate(goal.marked_at)})` : "";
    item.querySelector("[data-standing]").replaceChildren(
      el("span", { class: `badge badge--${TONE[goal.status] || "neutral"}` }, STANDING[goal.status] || goal.status),
      marked,
    );
    const note = item.querySelector("[data-note]");
    note.hidden = !goal.note;
    note.textContent = goal.note ? `Note: ${goal.note}` : "";
    const update = item.querySelector("[data-update]");
    update.hidden = m.status !== "active";
    wire(update.querySelector("form"), m, goal, saved);
    return item;
  }));
}

function wire(form, m, goal, saved) {
  const choice = form.querySelector(`input[name="status"][value="${goal.status}"]`);
  if (choice) choice.checked = true;
  form.elements.namedItem("note").value = goal.note ?? "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[data-submit]");
    if (isBusy(button)) return;
    clearErrors(form);
    const data = new FormData(form);
    const done = busy(button, "Saving…");
    const response = await put(`/api/mentorships/${encodeURIComponent(m.id)}/goals/${goal.number}`, {
      version: m.agreement.version,
      status: String(data.get("status") ?? ""),
      note: String(data.get("note") ?? "").trim(),
    });
    done();
    if (response.status === 401) return showSignIn(here());
    if (!response.ok) return showProblem(form, response.problem);
    saved(response.data);
    const now = response.data.agreement?.goal_list?.[goal.number - 1];
    notice(`Goal ${goal.number} marked ${(STANDING[now?.status] || "").toLowerCase()}.`, document.getElementById("goals-heading"));
  });
}
