// /admin/quiet/, program administrators only: the pairs that have gone
// quiet (GET /api/admin/check-ins), those asking for help first, and the
// weeks without a meeting before a pair is asked how it is going (PUT
// /api/admin/settings, from the version read).
import { call, get } from "./api.js";
import { announce, busy, clearErrors, el, formatDate, isBusy, showProblem } from "./ui.js";
import { gateFailed, programAdmin } from "./admin-gate.js";

const { peopleUrl } = document.getElementById("quiet").dataset;
const list = document.getElementById("quiet-list");
const form = document.getElementById("quiet-form");
/** The version of the settings the form was filled from. */
let version = 0;

/** "September 1, 2026" for a `YYYY-MM-DD` date (noon UTC is that day in Chicago). */
const day = (ymd) => formatDate(`${ymd}T12:00:00Z`);
const personLink = (email) => el("a", { href: `${peopleUrl}?${new URLSearchParams({ email })}` }, email);

function settingsShown(settings) {
  version = settings.version;
  form.elements.quiet_weeks.value = String(settings.quiet_weeks);
  document.getElementById("quiet-status").textContent = settings.updated_at
    ? `Last changed ${formatDate(settings.updated_at)}.`
    : "The program's starting number: 4 weeks.";
}

function pairItem(pair) {
  const answer = pair.answer
    ? el("strong", {}, `${pair.answer_label} (the ${pair.answered_by}, ${formatDate(pair.answered_at)})`)
    : "No answer yet.";
  return el("li", { class: "admin-list__person" },
    el("p", {}, `${pair.mentee}, mentee (`, personLink(pair.mentee_email), `), and ${pair.mentor}, mentor (`,
      personLink(pair.mentor_email), ")"),
    el("p", { class: "admin-list__meta" },
      `No meeting since ${day(pair.quiet_since)}; asked ${formatDate(pair.checked_in_at)}. `, answer));
}

async function load() {
  const response = await get("/api/admin/check-ins");
  if (!response.ok) {
    gateFailed(response);
    return false;
  }
  const pairs = response.data.pairs || [];
  list.replaceChildren(pairs.length
    ? el("ul", { class: "admin-list__people" }, ...pairs.map(pairItem))
    : el("p", { class: "empty" }, "No pair has gone quiet."));
  settingsShown(response.data.settings);
  return true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("save-quiet-weeks");
  if (isBusy(button)) return;
  clearErrors(form);
  const raw = String(new FormData(form).get("quiet_weeks") ?? "").trim();
  const body = { quiet_weeks: /^\d{1,3}$/.test(raw) ? Number(raw) : raw, version };
  const done = busy(button, "Saving…");
  const response = await call("PUT", "/api/admin/settings", body);
  done();
  if (response.status === 401) return gateFailed(response);
  if (!response.ok) return showProblem(form, response.problem);
  settingsShown(response.data);
  const saved = `Saved: pairs are asked after ${response.data.quiet_weeks} weeks without a meeting.`;
  document.getElementById("quiet-status").textContent = saved;
  announce(saved);
});

async function start() {
  if (!(await programAdmin())) return;
  if (!(await load())) return;
  announce("");
  document.getElementById("console").hidden = false;
}

start();
