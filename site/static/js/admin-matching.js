// /admin/matching/, program administrators only: a matching run started
// (POST /api/admin/matching/runs) and followed at its address while a job
// works out its lists, the lists a page of a hundred mentees at a time
// (GET .../lists?page=N), and publishing it (POST .../publish), followed
// the same way while jobs store each mentee's list and email them. Coming
// back to the page picks up the latest run where it is.
import { get, post, put } from "./api.js";
import { announce, busy, el, isBusy, showPanelProblem, when } from "./ui.js";
import { count, dataTable } from "./admin-figures.js";
import { gateFailed, programAdmin } from "./admin-gate.js";

const { profileUrl } = document.getElementById("matching").dataset;


/** True when the response is a 401, after the page asks to sign in again. */
function signedOut(response) {
  if (response.status !== 401) return false;
  gateFailed(response);
  return true;
}

function recordsTable(caption, columns, rows, empty, className = "") {
  return rows.length
    ? dataTable({ caption, className, columns: columns.map((label) => ({ label })), rows })
    : el("p", { class: "empty" }, empty);
}

const matchingProblem = document.getElementById("matching-problem");

function matchingFailed(response) {
  showPanelProblem(matchingProblem, response.problem);
  matchingProblem.focus();
}

function figure(list, term, value) {
  list.append(el("dt", {}, term), el("dd", {}, String(value)));
}

const mentorName = (s) => `${s.first_name} ${s.last_name}`;
const removedIds = (list) => list.removed.map((s) => s.mentor_application_id);

/** A suggested mentor, their fit worked out, and the button that removes
 * them from the list (or puts them back). */
function suggestionItem(s, list, removed) {
  const name = mentorName(s);
  const others = removedIds(list).filter((id) => id !== s.mentor_application_id);
  const button = el("button", { class: "button button--secondary button--small", type: "button" },
    removed ? "Put back" : "Remove", el("span", { class: "visually-hidden" }, ` ${name} ${removed ? "on" : "from"} ${list.name}’s list`));
  button.addEventListener("click", () =>
    changeList(list, { removed: removed ? others : [...others, s.mentor_application_id] }, button));
  return el("li", {},
    profileUrl ? el("a", { href: `${profileUrl}?id=${encodeURIComponent(s.mentor_application_id)}` }, name) : name,
    `, ${s.job_title}, ${s.department?.name ?? ""}. ${s.reason} Fit: ${s.fit_explained}. `, button);
}

/** The mentee's name, what sets their list apart, and the button that
 * holds them back (or includes them again). */
function menteeCell(list) {
  const button = el("button", { class: "button button--secondary button--small", type: "button" },
    list.held ? "Include again" : "Hold back", el("span", { class: "visually-hidden" }, ` ${list.name}`));
  button.addEventListener("click", () => changeList(list, { held: !list.held }, button));
  return el("span", {}, list.name,
    list.priority ? el("span", { class: "admin-list__meta" }, el("br"), "Left without suggestions last time") : "",
    list.second_mentor ? el("span", { class: "admin-list__meta" }, el("br"), "Has one mentor; these are for a second") : "",
    list.held ? el("span", { class: "admin-list__meta" }, el("br"), el("strong", {}, "Held back: not published, not emailed")) : "",
    el("br"), button);
}

/** Saves a change to one mentee's list, then shows the page again. */
async function changeList(list, { held = list.held, removed = removedIds(list) }, button) {
  if (isBusy(button)) return;
  matchingProblem.hidden = true;
  const done = busy(button, "Saving…");
  const response = await put(`${runPath(shown)}/lists/${encodeURIComponent(list.application_id)}`, { page, held, removed });
  done();
  if (signedOut(response)) return;
  if (!response.ok) return matchingFailed(response);
  const now = response.data;
  await showPage(page);
  announce(now.held
    ? `${now.name} is held back.`
    : `${now.name}’s list has ${now.suggestions.length} suggested ${now.suggestions.length === 1 ? "mentor" : "mentors"}.`);
}

const RUNS = "/api/admin/matching/runs";
const progress = document.getElementById("run-progress");
const progressText = document.getElementById("run-progress-text");
const progressBar = document.getElementById("run-progress-bar");
/** The run shown, the page of its lists shown, and the next look at it. */
let shown = null;
let page = 1;
let nextLook = null;

const runPath = (run) => `${RUNS}/${encodeURIComponent(run.id)}`;

function showProgress(text, done = null, total = null) {
  progressText.textContent = text;
  progressBar.hidden = total === null;
  if (total !== null) {
    progressBar.max = Math.max(total, 1);
    progressBar.value = done;
  }
  progress.hidden = false;
}

function renderFigures(run) {
  const f = run.figures;
  const figures = document.getElementById("preview-figures");
  figures.replaceChildren();
  figure(figures, "Run", f.run);
  figure(figures, "Worked out", when(f.computed_at));
  figure(figures, "Approved mentees who need a mentor", count(f.mentees));
  figure(figures, "Of them, with one mentor and looking for a second", count(f.second_mentor));
  figure(figures, "Of them, with at least one suggestion", count(f.with_suggestions));
  figure(figures, "Mentors who can take a mentee now", count(f.mentors_listed));
  figure(figures, "Total fit of all suggestions (see how a fit is scored)", count(f.total_fit));
  figure(figures, "Most lists any one mentor is in", count(f.largest_lists_per_mentor));
}

/** Shows page `n` of the run's lists (a hundred mentees a page). */
async function showPage(n) {
  const response = await get(`${runPath(shown)}/lists?page=${n}`);
  if (signedOut(response)) return false;
  if (!response.ok) {
    matchingFailed(response);
    return false;
  }
  const p = response.data;
  page = n;
  document.getElementById("preview-lists").replaceChildren(recordsTable(
    p.pages > 1
      ? `Suggested mentors for each mentee, best fit first (page ${n} of ${p.pages})`
      : "Suggested mentors for each mentee, best fit first",
    ["Mentee", "Suggested mentors"],
    p.lists.map((list) => ({
      header: menteeCell(list),
      cells: [el("div", {},
        list.suggestions.length ? el("ol", { class: "suggestions" }, ...list.suggestions.map((s) => suggestionItem(s, list, false))) : "",
        list.removed.length ? el("p", { class: "admin-list__meta" }, "Removed by an administrator:") : "",
        list.removed.length ? el("ul", { class: "suggestions" }, ...list.removed.map((s) => suggestionItem(s, list, true))) : "",
        list.short_reason ? el("p", { class: "admin-list__meta" }, `Shorter than five: ${list.short_reason}`) : "")],
    })),
    "No approved mentee needs a mentor at the moment.",
    "data--matches",
  ));
  document.getElementById("preview-pager").hidden = p.pages <= 1;
  document.getElementById("preview-page").textContent = `Page ${n} of ${p.pages}`;
  document.getElementById("preview-previous").disabled = n <= 1;
  document.getElementById("preview-next").disabled = n >= p.pages;
  return true;
}

/** Looks at the run again in a moment, while a job works on it. */
function lookAgain() {
  clearTimeout(nextLook);
  nextLook = setTimeout(async () => {
    const response = await get(runPath(shown));
    if (signedOut(response)) return;
    if (!response.ok) return matchingFailed(response);
    await follow(response.data);
  }, 1500);
}

/** Shows a run as it is now, and keeps following it while a job works on it. */
async function follow(run) {
  const before = shown?.id === run.id ? shown.status : null;
  shown = run;
  clearTimeout(nextLook);
  const preview = document.getElementById("preview");
  const published = document.getElementById("published");
  switch (run.status) {
    case "computing":
      preview.hidden = true;
      published.hidden = true;
      showProgress(`Working out the lists of the run started ${when(run.started_at)}. You can leave this page: the run goes on, and this page shows it when you come back.`);
      return lookAgain();
    case "ready":
      progress.hidden = true;
      published.hidden = true;
      renderFigures(run);
      if (!(await showPage(1))) return;
      document.getElementById("publish-matches").hidden = run.figures.mentees === 0;
      document.getElementById("publish-confirm").hidden = true;
      preview.hidden = false;
      if (before === "computing") {
        announce(`${count(run.figures.with_suggestions)} of ${count(run.figures.mentees)} mentees would get suggestions.`);
        document.getElementById("preview-title").focus();
      }
      return;
    case "publishing": {
      const p = run.publishing ?? {};
      const done = (p.published ?? 0) + (p.left_out ?? 0);
      preview.hidden = true;
      published.hidden = true;
      showProgress(`Publishing: ${count(done)} of ${count(run.figures?.mentees ?? 0)} mentees done, ${count(p.emailed ?? 0)} emailed so far. You can leave this page: publishing goes on.`, done, run.figures?.mentees ?? 0);
      return lookAgain();
    }
    case "published": {
      progress.hidden = true;
      preview.hidden = true;
      const p = run.publishing ?? {};
      const changed = [
        p.held_back ? `${count(p.held_back)} ${p.held_back === 1 ? "mentee was" : "mentees were"} held back` : "",
        p.left_out ? `${count(p.left_out)} ${p.left_out === 1 ? "mentee no longer needed" : "mentees no longer needed"} a mentor and ${p.left_out === 1 ? "was" : "were"} left out` : "",
        p.dropped ? `${count(p.dropped)} ${p.dropped === 1 ? "suggestion was" : "suggestions were"} dropped because the mentor filled their places since` : "",
      ].filter(Boolean);
      document.getElementById("published-text").textContent =
        `Run ${run.figures?.run ?? ""}: ${count(p.published ?? 0)} mentees now have their list on their dashboard, and ${count(p.emailed ?? 0)} ${p.emailed === 1 ? "mentee was" : "mentees were"} emailed their suggestions.${changed.length ? ` Besides, ${changed.join(", and ")}.` : ""}`;
      published.hidden = false;
      if (before === "publishing") {
        announce("Suggested matches published.");
        document.getElementById("published-title").focus();
      }
      return;
    }
    default:
      progress.hidden = true;
      preview.hidden = true;
      showPanelProblem(matchingProblem, { title: "The matching run failed", detail: run.problem ?? "The run could not finish. Start another." });
      if (before) matchingProblem.focus();
  }
}

document.getElementById("preview-matches").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (isBusy(button)) return;
  matchingProblem.hidden = true;
  const done = busy(button, "Starting…");
  const response = await post(RUNS);
  done();
  if (signedOut(response)) return;
  if (!response.ok) return matchingFailed(response);
  await follow(response.data);
  announce("Working out the suggested matches.");
});

for (const [id, step] of [["preview-previous", -1], ["preview-next", 1]]) {
  document.getElementById(id).addEventListener("click", async () => {
    if (await showPage(page + step)) document.getElementById("preview-title").focus();
  });
}

document.getElementById("publish-matches").addEventListener("click", () => {
  const f = shown?.figures ?? {};
  document.getElementById("publish-confirm-text").textContent =
    `Each mentee sees their list on My dashboard, and each of the ${count(f.with_suggestions ?? 0)} with suggestions gets one email (once per match group). Mentees you held back are left out, as is anyone matched or paused since the lists were worked out, and mentors who filled their places are dropped from the lists. This cannot be undone.`;
  document.getElementById("publish-confirm").hidden = false;
  document.getElementById("publish-confirm-title").focus();
});

document.getElementById("publish-no").addEventListener("click", () => {
  document.getElementById("publish-confirm").hidden = true;
  document.getElementById("publish-matches").focus();
});

document.getElementById("publish-yes").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (isBusy(button) || !shown) return;
  const done = busy(button, "Publishing…");
  const response = await post(`${runPath(shown)}/publish`);
  done();
  document.getElementById("publish-confirm").hidden = true;
  if (signedOut(response)) return;
  if (!response.ok) return matchingFailed(response);
  await follow(response.data);
  announce("Publishing the suggested matches.");
  progress.focus();
});

/** Picks up the latest run where it is: still being worked out or
 * published, or ready to look through. */
async function loadLatestRun() {
  const response = await get(RUNS);
  if (!response.ok) return;
  const latest = response.data.runs[0];
  if (latest && ["computing", "ready", "publishing"].includes(latest.status)) await follow(latest);
}

async function start() {
  if (!(await programAdmin())) return;
  announce("");
  document.getElementById("console").hidden = false;
  await loadLatestRun();
}

start();
