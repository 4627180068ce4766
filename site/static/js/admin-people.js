// /admin/people/, program administrators only: one person's records (GET
// /api/admin/people?email=) with the audit trail of each (GET
// /api/admin/audit/{kind}/{id}), and what an administrator may do about them:
// correct an application's facts (PUT /api/admin/applications/{id}),
// revoke an application (POST /api/admin/applications/{id}/revoke), match a
// pair by hand (POST /api/admin/mentorships), end a mentorship or move its
// mentee to another mentor (POST /api/admin/mentorships/{id}/end|repair),
// record that someone has left state service (POST /api/admin/people/left),
// and sign anyone out everywhere (POST /api/admin/people/signout).
// Find them by work email, or by name (GET /api/admin/people/search).
// `?email=` opens a person's records straight away.
import { get, post, put } from "./api.js";
import {
  announce, busy, clearErrors, decisionSummary, el, formatDate, fullName, isBusy, roleLabel,
  showProblem, statusBadge, uniqueIds, when,
} from "./ui.js";
import { gateFailed, programAdmin } from "./admin-gate.js";
import { badge } from "./mentoring.js";
import { count, dataTable } from "./admin-figures.js";

const consoleBox = document.getElementById("console");
const lookupForm = document.getElementById("lookup-form");
const personBox = document.getElementById("person");
const audit = document.getElementById("audit");
const done = document.getElementById("person-done");
let me = null;
/** The records on show (GET /api/admin/people). */
let person = null;
let auditOpener = null;
/** Set once the page has given way to the sign-in prompt, a refusal or a loading problem. */
let stopped = false;

const hidden = (text) => el("span", { class: "visually-hidden" }, text);
const emailOf = (form, name) => String(new FormData(form).get(name) ?? "").trim();

/** A link to another person's records on this page. */
const personLink = (email) => el("a", { href: `${location.pathname}?${new URLSearchParams({ email })}` }, email);

// --- Loading -------------------------------------------------------------------------

function failed(response) {
  stopped = true;
  gateFailed(response);
}

/** True when the response is a 401 or 403, after saying so instead of the page. */
function refused(response) {
  if (response.status !== 401 && response.status !== 403) return false;
  failed(response);
  return true;
}

/** Fetches and shows one person's records; false (with the problem on the search form) when refused. */
async function lookUp(email) {
  const response = await get(`/api/admin/people?email=${encodeURIComponent(email)}`);
  if (refused(response)) return false;
  if (!response.ok) {
    personBox.hidden = true;
    showProblem(lookupForm, response.problem);
    return false;
  }
  render(response.data);
  return true;
}

// --- Audit trails ----------------------------------------------------------------------

const ACTIONS = {
  submitted: "Sent the application",
  edited: "Changed the application",
  resubmitted: "Sent the application for a new review",
  rerouted: "Changed the supervisor",
  approved: "Approved the application",
  denied: "Denied the application",
  decision_undone: "Undid the decision within seconds, before the applicant was told",
  revoked: "Revoked the approval",
  availability_changed: "Changed their availability",
  request_sent: "Sent the request",
  request_accepted: "Accepted the request",
  request_declined: "Declined the request",
  request_withdrawn: "Withdrew the request",
  withdrawal_undone: "Undid the withdrawal within seconds, before the mentor was told",
  request_closed: "Request closed",
  agreement_saved: "Saved the agreement",
  agreement_confirmed: "Confirmed the agreement",
  mentorship_ended: "Ended the mentorship",
  ending_undone: "Undid the ending within seconds, before either side was told",
  goal_marked: "Marked a goal of the agreement",
  matched_by_admin: "Matched by an administrator",
  ended_by_admin: "Ended by an administrator",
  left_service: "Marked as having left state service",
  withdrawn: "Withdrew the application",
  corrected: "Corrected the application",
  paused: "Paused their search",
  resumed: "Resumed their search",
  meeting_disputed: "Disputed a logged meeting",
  meeting_dispute_withdrawn: "Took back a dispute of a logged meeting",
  department_admin_added: "Added a department administrator",
  department_admin_removed: "Removed a department administrator",
  program_admin_added: "Added a program administrator",
  program_admin_removed: "Removed a program administrator",
};

function auditButton(kind, id, what) {
  const button = el("button", { class: "button button--secondary button--small", type: "button" }, "Audit trail", hidden(` of ${what}`));
  button.addEventListener("click", () => openAudit(kind, id, button));
  return button;
}

async function openAudit(kind, id, opener) {
  const response = await get(`/api/admin/audit/${kind}/${encodeURIComponent(id)}`);
  if (refused(response)) return;
  auditOpener = opener;
  const title = document.getElementById("audit-title");
  if (!response.ok) {
    title.textContent = "Audit trail";
    document.getElementById("audit-record").textContent = response.problem.detail;
    document.getElementById("audit-table").replaceChildren();
  } else {
    const { record, entries } = response.data;
    const mixed = entries.some((e) => e.record !== entries[0]?.record);
    title.textContent = `Audit trail: ${record.summary}`;
    document.getElementById("audit-record").textContent = `Status now: ${record.status}. Record ${record.id}.`;
    const columns = [{ label: "When" }, { label: "Who" }, { label: "What" }, { label: "On behalf of" }, { label: "Note" }];
    if (mixed) columns.push({ label: "Record" });
    document.getElementById("audit-table").replaceChildren(entries.length
      ? dataTable({
        caption: `Changes to the ${record.kind}, oldest first`,
        className: "data--audit data--records",
        columns,
        rows: entries.map((e) => ({
          header: when(e.at),
          cells: [e.actor, ACTIONS[e.action] || e.action, e.on_behalf_of || "", e.note || "", ...(mixed ? [e.record] : [])],
        })),
      })
      : el("p", { class: "empty" }, "No changes are recorded."));
  }
  audit.hidden = false;
  title.focus();
}

document.getElementById("audit-close").addEventListener("click", () => {
  audit.hidden = true;
  auditOpener?.focus();
});

// --- A person's records ---------------------------------------------------------------

/** A table that reads as a list of blocks on a phone, or a sentence when there is nothing. */
function recordsTable(caption, columns, rows, empty) {
  return rows.length
    ? dataTable({ caption, className: "data--records", columns: columns.map((label) => ({ label })), rows })
    : el("p", { class: "empty" }, empty);
}

const other = (r) => (r.role === "mentee" ? r.mentor : r.mentee);
const isOpen = (app) => app.status === "pending" || app.status === "approved";

/** "the mentor with alex@…" style names of a mentorship, from the person's side. */
function mentorshipName(m) {
  if (m.role === "mentor") return `Mentor of ${m.mentee}`;
  if (m.role === "mentee") return `Mentee of ${m.mentor}`;
  return `${m.mentee} with ${m.mentor}`;
}

function mentorshipHeader(m) {
  if (m.role === "mentor") return el("span", {}, "Mentor of ", personLink(m.mentee));
  if (m.role === "mentee") return el("span", {}, "Mentee of ", personLink(m.mentor));
  return el("span", {}, personLink(m.mentee), " with ", personLink(m.mentor));
}

function surveys(m) {
  if (m.status === "active") return "Not yet due";
  if (!("survey_by_mentee" in m)) return "";
  const mentee = Boolean(m.survey_by_mentee);
  const mentor = Boolean(m.survey_by_mentor);
  if (mentee && mentor) return "Both answered";
  if (mentee) return "Mentee answered, mentor not yet";
  if (mentor) return "Mentor answered, mentee not yet";
  return "Neither yet";
}

/** The form to revoke one application, in a disclosure under the applications. */
function revokeBlock(app) {
  const fragment = uniqueIds(document.getElementById("revoke-template").content.cloneNode(true), app.id);
  const form = fragment.querySelector("form");
  const what = `${app.role} application`;
  const approved = app.status === "approved";
  fragment.querySelector("[data-summary]").textContent = approved
    ? `Revoke the approval of their ${what}`
    : `Revoke their ${what}, which is waiting for review`;
  let effect = "It stops waiting for review: their supervisor can no longer decide it.";
  if (approved) {
    effect = app.role === "mentor"
      ? "They stop being a mentor in MOments: mentees can no longer find or select them, and requests waiting for their answer are closed."
      : "They stop being a mentee in MOments: they can no longer select mentors, and their requests waiting for an answer are closed.";
  }
  fragment.querySelector("[data-effect]").textContent = effect;
  const submit = fragment.querySelector("[data-submit]");
  submit.textContent = approved ? "Revoke approval" : "Revoke application";
  const active = person.mentorships.filter((m) => m.status === "active" && m.role === app.role);
  if (active.length) {
    fragment.querySelector("[data-ends]").hidden = false;
    fragment.querySelector("[data-ends-label]").textContent =
      `Also end their ${active.length === 1 ? "active mentorship" : `${active.length} active mentorships`} as a ${app.role} (with ${active.map(other).join(", ")}). Leave this unticked to let ${active.length === 1 ? "it" : "them"} go on.`;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(form, submit, "Revoking…", `/api/admin/applications/${encodeURIComponent(app.id)}/revoke`, {
      reason: String(new FormData(form).get("reason") ?? ""),
      end_mentorships: active.length > 0 && form.elements.end_mentorships.checked,
    }, (r) => r.message || `The ${what} of ${person.email} is revoked.`);
  });
  return fragment;
}

/** The form to correct the facts of one application, filled with them as they are. */
function correctBlock(app) {
  const fragment = uniqueIds(document.getElementById("correct-template").content.cloneNode(true), `correct-${app.id}`);
  const form = fragment.querySelector("form");
  fragment.querySelector("[data-summary]").textContent = `Correct the details of their ${app.role} application`;
  const values = {
    first_name: app.first_name, last_name: app.last_name, phone: app.phone ?? "",
    department: app.department?.id, job_title: app.job_title, work_location: app.work_location,
    supervisor_first_name: app.supervisor?.first_name, supervisor_last_name: app.supervisor?.last_name,
    supervisor_email: app.supervisor?.email, working_hours: app.working_hours?.id,
  };
  for (const [name, value] of Object.entries(values)) form.elements[name].value = value ?? "";
  values.division = app.division?.id;
  // The live departments, with the division menu where theirs has divisions,
  // loaded when the form is first opened: most visits correct nothing.
  fragment.querySelector("details").addEventListener("toggle", async () => {
    const { liveDepartments, offerDepartments } = await import("./catalogue.js");
    const live = await liveDepartments();
    if (live) offerDepartments(form, live, { kept: { department: app.department, division: app.division } });
  }, { once: true });
  const submit = fragment.querySelector("[data-submit]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = Object.fromEntries([...Object.keys(values), "note"].map((name) => [name, String(data.get(name) ?? "").trim()]));
    body.version = app.version;
    act(form, submit, "Saving…", `/api/admin/applications/${encodeURIComponent(app.id)}`, body,
      (r) => (r.status === app.status
        ? `The ${app.role} application of ${person.email} is corrected; they have been emailed what changed.`
        : `The ${app.role} application of ${person.email} is corrected and waits for a review by ${r.supervisor.email} again; they have been emailed what changed.`),
      "", put);
  });
  return fragment;
}

/** The card of an active mentorship: end it, or move the mentee to another mentor. */
function mentorshipBlock(m) {
  const fragment = uniqueIds(document.getElementById("mentorship-template").content.cloneNode(true), m.id);
  fragment.querySelector("[data-title]").textContent = `Active mentorship: ${m.mentee}, mentored by ${m.mentor}`;
  const end = fragment.querySelector("[data-action=end]");
  end.addEventListener("submit", (event) => {
    event.preventDefault();
    act(end, end.querySelector("button[type=submit]"), "Ending…", `/api/admin/mentorships/${encodeURIComponent(m.id)}/end`, {
      reason: String(new FormData(end).get("reason") ?? ""),
    }, (r) => `The mentorship of ${r.mentee} with ${r.mentor} has ended, counted as discontinued.`);
  });
  const move = fragment.querySelector("[data-action=repair]");
  move.addEventListener("submit", (event) => {
    event.preventDefault();
    act(move, move.querySelector("button[type=submit]"), "Moving…", `/api/admin/mentorships/${encodeURIComponent(m.id)}/repair`, {
      mentor: emailOf(move, "mentor"),
      reason: String(new FormData(move).get("reason") ?? ""),
    }, (r) => `${r.started.mentee} is now mentored by ${r.started.mentor}. The mentorship with ${r.ended.mentor} has ended, counted as discontinued.`, "mentor");
  });
  return fragment;
}

function render(p) {
  person = p;
  const name = fullName(p.applications[0]);
  document.getElementById("person-title").textContent = name || p.email;
  const about = [name ? p.email : ""];
  if (p.program_admin) about.push("Program administrator.");
  if (p.administers?.length) about.push(`Department administrator of: ${p.administers.map((d) => d.name).join(", ")}.`);
  document.getElementById("person-about").textContent = about.filter(Boolean).join(" · ");

  document.getElementById("person-applications").replaceChildren(
    recordsTable(`Applications of ${p.email}`, ["Role", "Status", "Department", "Sent", "Decision", "Audit trail"],
      p.applications.map((app) => ({
        header: roleLabel(app.role),
        cells: [statusBadge(app.status), app.department?.name ?? "", formatDate(app.submitted_at),
          app.decision ? decisionSummary(app.decision, me.email) : "", auditButton("applications", app.id, `the ${app.role} application`)],
      })), "No applications."),
    ...p.applications.map(correctBlock),
    ...p.applications.filter(isOpen).map(revokeBlock),
  );
  document.getElementById("person-requests").replaceChildren(
    recordsTable(`Requests of ${p.email}`, ["Request", "Status", "Sent", "Audit trail"],
      p.requests.map((r) => ({
        header: el("span", {}, r.role === "mentee" ? "Sent to " : "Received from ", personLink(other(r))),
        cells: [badge(r.status), formatDate(r.created_at), auditButton("requests", r.id, `the request ${r.role === "mentee" ? "to" : "from"} ${other(r)}`)],
      })), "No requests."),
  );
  document.getElementById("person-mentorships").replaceChildren(
    recordsTable(`Mentorships of ${p.email}`, ["Mentorship", "Status", "Started", "Meetings", "Hours", "Surveys", "Audit trail"],
      p.mentorships.map((m) => ({
        header: mentorshipHeader(m),
        cells: [badge(m.status), formatDate(m.started_at), count(m.meetings), count(m.hours), surveys(m),
          auditButton("mentorships", m.id, `the mentorship: ${mentorshipName(m)}`)],
      })), "No mentorships."),
    ...p.mentorships.filter((m) => m.status === "active").map(mentorshipBlock),
  );

  const approved = (role) => p.applications.some((app) => app.role === role && app.status === "approved");
  document.getElementById("match-mentor-box").hidden = !approved("mentee");
  document.getElementById("match-mentee-box").hidden = !approved("mentor");
  document.getElementById("match").hidden = !approved("mentee") && !approved("mentor");
  for (const form of document.querySelectorAll("#match form, #left-form")) {
    form.reset();
    clearErrors(form);
  }
  closeLeft();
  audit.hidden = true;
  personBox.hidden = false;
}

// --- Acting on a person ----------------------------------------------------------------

/**
 * Sends one action's form. On success the records are fetched again and the
 * sentence `said(data)` shows in the success panel, which takes the focus;
 * otherwise the problem shows on the form. A refusal (404, 409) without
 * field errors shows next to `field`, the address the administrator typed.
 */
async function act(form, button, label, path, body, said, field = "", send = post) {
  if (isBusy(button)) return;
  clearErrors(form);
  done.hidden = true;
  const finish = busy(button, label);
  const response = await send(path, body);
  finish();
  if (refused(response)) return;
  if (!response.ok) {
    const problem = response.problem;
    if (field && (response.status === 404 || response.status === 409) && !Object.keys(problem.errors || {}).length) {
      return showProblem(form, { ...problem, errors: { [field]: problem.detail } });
    }
    return showProblem(form, problem);
  }
  const text = said(response.data);
  await lookUp(person.email);
  const line = document.getElementById("person-done-text");
  line.textContent = text;
  done.hidden = false;
  announce("");
  line.focus();
}

for (const form of document.querySelectorAll("#match form")) {
  const side = form.dataset.other;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = emailOf(form, side);
    const body = side === "mentor"
      ? { mentee: person.email, mentor: typed, reason: String(new FormData(form).get("reason") ?? "") }
      : { mentee: typed, mentor: person.email, reason: String(new FormData(form).get("reason") ?? "") };
    act(form, form.querySelector("button[type=submit]"), "Matching…", "/api/admin/mentorships", body,
      (r) => `${r.mentor} now mentors ${r.mentee}: their mentorship has started.`, side);
  });
}

// --- Has left state service ------------------------------------------------------------

const leftStart = document.getElementById("left-start");
const leftConfirm = document.getElementById("left-confirm");
const leftForm = document.getElementById("left-form");

function closeLeft() {
  leftConfirm.hidden = true;
  leftStart.hidden = false;
}

/** What marking `person` as gone will do, from the records on show. */
function leavingEffects() {
  const items = [];
  for (const app of person.applications.filter(isOpen)) {
    items.push(`revoke their ${app.role} application (${app.status === "approved" ? "approved" : "waiting for review"})`);
  }
  for (const m of person.mentorships.filter((x) => x.status === "active")) {
    items.push(m.role === "mentor"
      ? `end the mentorship in which they mentor ${m.mentee}, counted as discontinued, and email ${m.mentee} to say so`
      : `end the mentorship in which ${m.mentor} mentors them, counted as discontinued, and email ${m.mentor} to say so`);
  }
  for (const r of person.requests.filter((x) => x.status === "pending")) {
    items.push(r.role === "mentee"
      ? `close their request to ${r.mentor}, which is waiting for an answer`
      : `close the request from ${r.mentee}, which is waiting for their answer`);
  }
  items.push("sign them out on every computer and phone");
  return items;
}

leftStart.addEventListener("click", () => {
  const name = document.getElementById("person-title").textContent;
  document.getElementById("left-confirm-title").textContent = `Confirm that ${name} has left state service`;
  const effects = leavingEffects();
  const active = person.mentorships.filter((m) => m.status === "active").length;
  const pending = person.requests.filter((r) => r.status === "pending").length;
  document.getElementById("left-effects").replaceChildren(...effects.map((text) => el("li", {}, text)));
  if (!active && !pending) {
    document.getElementById("left-effects").append(el("li", {}, "They have no active mentorship and no request waiting for an answer, so no one else is affected."));
  }
  leftStart.hidden = true;
  leftConfirm.hidden = false;
  document.getElementById("left-confirm-title").focus();
});

document.getElementById("left-no").addEventListener("click", () => {
  clearErrors(leftForm);
  closeLeft();
  leftStart.focus();
});

leftForm.addEventListener("submit", (event) => {
  event.preventDefault();
  act(leftForm, document.getElementById("left-yes"), "Recording…", "/api/admin/people/left", {
    email: person.email,
    reason: String(new FormData(leftForm).get("reason") ?? ""),
  }, (r) => r.message || `${r.email} is recorded as having left state service.`);
});

// --- Finding a person -------------------------------------------------------------------

/** Lists who applied under a name (GET /api/admin/people/search), each a link to their records. */
async function findByName(name) {
  const response = await get(`/api/admin/people/search?${new URLSearchParams({ name })}`);
  if (refused(response)) return;
  if (!response.ok) {
    const problem = response.problem;
    return showProblem(lookupForm, problem.errors?.name ? { ...problem, errors: { email: problem.errors.name } } : problem);
  }
  const { people, more } = response.data;
  personBox.hidden = true;
  const title = document.getElementById("found-title");
  title.textContent = people.length
    ? `${people.length === 1 ? "1 person" : `${people.length} people`} named “${name}”${more ? " (the first ones: narrow the search)" : ""}`
    : `Nobody who applied is named “${name}”`;
  document.getElementById("found-list").replaceChildren(...people.map((p) =>
    el("li", { class: "admin-list__person" },
      el("a", { href: `${location.pathname}?${new URLSearchParams({ email: p.email })}` }, p.name),
      ` · ${p.email} · ${p.roles.map(roleLabel).join(", ")}`)));
  document.getElementById("found").hidden = false;
  title.focus();
}

lookupForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("lookup");
  if (isBusy(button)) return;
  clearErrors(lookupForm);
  done.hidden = true;
  const typed = emailOf(lookupForm, "email");
  const finish = busy(button, "Looking up…");
  document.getElementById("found").hidden = true;
  if (!typed.includes("@") && typed) {
    await findByName(typed);
    finish();
    return;
  }
  const found = await lookUp(typed);
  finish();
  if (!found) return;
  history.replaceState(null, "", `?${new URLSearchParams({ email: person.email })}`);
  document.getElementById("person-title").focus();
});

// --- Sign a person out everywhere --------------------------------------------------------

const signOutForm = document.getElementById("signout-form");

signOutForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("signout-everywhere");
  if (isBusy(button)) return;
  clearErrors(signOutForm);
  const result = document.getElementById("signout-done");
  result.hidden = true;
  const email = emailOf(signOutForm, "email");
  const finish = busy(button, "Signing out…");
  const response = await post("/api/admin/people/signout", { email });
  finish();
  if (refused(response)) return;
  if (!response.ok) return showProblem(signOutForm, response.problem);
  const text = document.getElementById("signout-done-text");
  text.textContent = response.data.message;
  result.hidden = false;
  signOutForm.reset();
  text.focus();
});

// --- Starting ------------------------------------------------------------------------------

async function start() {
  me = await programAdmin();
  if (!me) return;
  const wanted = new URLSearchParams(location.search).get("email");
  if (wanted) {
    lookupForm.elements.email.value = wanted;
    announce(`Looking up ${wanted}…`);
    await lookUp(wanted);
    if (stopped) return;
  }
  announce("");
  consoleBox.hidden = false;
}

start();
