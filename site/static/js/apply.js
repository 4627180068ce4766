// The mentee and mentor application forms (/apply/mentee/, /apply/mentor/).
// Creates the application, or edits the one the person already has for this
// role. A new application is asked page by page (apply-steps.js), each
// page's answers checked by the API before the next, and ends on a page to
// check them all; an edit opens on that page, so only what changes is
// asked again. A new application is kept on this device as it is typed
// (every answer but the eligibility statements, and the page reached,
// under the person's address), put back if they leave and come back, and
// forgotten once sent or at sign-out.
import { applicationPath, get, post, put, showSignIn, whoAmI } from "./api.js";
import { announce, busy, clearErrors, formatDate, fullName, isBusy, showPanelProblem, showFormFailure, showProblem } from "./ui.js";
import { guide } from "./apply-steps.js";
import { skillsPicker } from "./skills.js";
import { countCharacters } from "./counts.js";
import { liveDepartments, liveSkills, offerDepartments, offerSkills } from "./catalogue.js";

const form = document.getElementById("application-form");
const role = form.dataset.role;
const submitButton = document.getElementById("submit-application");
const submitted = document.getElementById("submitted");
const editNotice = document.getElementById("edit-notice");
const draftNotice = document.getElementById("draft-notice");
const skillsChanged = skillsPicker(form);
const refreshCounts = countCharacters(form);
let current = null; // the person's application for this role, once there is one
const live = liveSkills(); // the skills offered now, asked while the page starts
const departments = liveDepartments();
/** Shows the chosen department's divisions, once the live list is in. */
let showDivisions = () => {};

const TEXT_FIELDS = ["first_name", "last_name", "phone", "job_title", "work_location", "bio", "goals"];
const CONFIRMATIONS = ["full_time", "not_at_risk", "no_disciplinary_action", "agreement"];

/** Where this person's unsent application for this role is kept on this device. */
let draftKey = null;
/** The page the kept draft was put back on: its notice shows there only. */
let draftStep = null;
/** Whether anything was typed (or put back): only then is a draft kept. */
let touched = false;

const steps = guide(form, {
  intro: document.getElementById("apply-intro"),
  questions: [document.getElementById("required-note")],
  ends: [document.getElementById("signed-in-as")],
  onStep(name) {
    submitButton.textContent = name === "check" ? submitLabel() : "Continue";
    editNotice.hidden = !current || name !== "check";
    if (name !== draftStep) draftNotice.hidden = true;
    if (touched) keepDraft();
  },
});

function keepDraft() {
  if (current || !draftKey) return;
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (!CONFIRMATIONS.includes(name)) (fields[name] ||= []).push(String(value));
  }
  try {
    localStorage.setItem(draftKey, JSON.stringify({ at: new Date().toISOString(), step: steps.at(), fields }));
  } catch {
    // Storage refused (private browsing, full): the form still works.
  }
}

function forgetDraft() {
  try {
    if (draftKey) localStorage.removeItem(draftKey);
  } catch {
    // Nothing kept.
  }
}

/** Puts a kept draft back into the form; the page it reached, or null if there is none. */
function restoreDraft() {
  let draft = null;
  try {
    draft = JSON.parse(localStorage.getItem(draftKey) || "null");
  } catch {
    draft = null;
  }
  if (!draft?.fields) return null;
  const seen = {};
  for (const control of form.elements) {
    const values = draft.fields[control.name];
    if (!values || CONFIRMATIONS.includes(control.name)) continue;
    if (control.type === "radio") {
      control.checked = values.includes(control.value);
    } else if ("value" in control && control.type !== "submit" && control.type !== "button") {
      const i = seen[control.name] ?? 0;
      seen[control.name] = i + 1;
      control.value = values[i] ?? "";
      // A choice no longer offered (a retired skill) leaves its menu unchosen.
      if (control.tagName === "SELECT" && control.selectedIndex < 0) control.value = "";
    }
    if (control.name === "department") showDivisions(draft.fields.division?.[0] ?? "");
  }
  skillsChanged();
  refreshCounts();
  document.getElementById("draft-when").textContent =
    `We kept what you typed on this device (${formatDate(draft.at)}), and you go on from where you left off. The eligibility statements are asked again before you send it.`;
  draftNotice.hidden = false;
  draftStep = steps.steps().includes(draft.step) ? draft.step : "about";
  touched = true;
  return draftStep;
}

const typed = () => {
  touched = true;
  keepDraft();
};
form.addEventListener("input", typed);
form.addEventListener("change", typed);
document.getElementById("draft-clear").addEventListener("click", () => {
  forgetDraft();
  form.reset();
  skillsChanged();
  refreshCounts();
  draftNotice.hidden = true;
  draftStep = null;
  touched = false;
  steps.show("about");
});

function field(name) {
  return form.elements.namedItem(name);
}

function setValue(name, value) {
  const control = field(name);
  if (control) control.value = value ?? "";
}

/** Without the live list, every rank offers the page's own, built into the first rank only. */
function seedSkills() {
  const [first, ...others] = form.querySelectorAll('select[name="skills"]');
  for (const menu of others) menu.append(...[...first.querySelectorAll("optgroup")].map((group) => group.cloneNode(true)));
}

/** Puts a stored application back into the form. */
function fill(app) {
  for (const name of TEXT_FIELDS) setValue(name, app[name]);
  setValue("supervisor_first_name", app.supervisor?.first_name);
  setValue("supervisor_last_name", app.supervisor?.last_name);
  setValue("supervisor_email", app.supervisor?.email);
  setValue("department", app.department?.id);
  showDivisions(app.division?.id ?? "");
  for (const radio of form.querySelectorAll('input[name="working_hours"]')) {
    radio.checked = radio.value === app.working_hours?.id;
  }
  // Applications sent before the question have no answer: either.
  for (const radio of form.querySelectorAll('input[name="mentorship_kind"]')) {
    radio.checked = radio.value === (app.mentorship_kind?.id ?? "either");
  }
  const ranks = form.querySelectorAll('select[name="skills"]');
  ranks.forEach((select, i) => {
    select.value = app.skills?.[i]?.id ?? "";
    if (select.selectedIndex < 0) select.value = "";
  });
  skillsChanged();
  refreshCounts();
  if (field("prior_mentees")) setValue("prior_mentees", (app.prior_mentees || []).join("\n"));
  // Eligibility is confirmed afresh on every save.
  for (const name of CONFIRMATIONS) field(name).checked = false;
}

/** The request body, with the API's field names. */
function body() {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? "").trim();
  const request = {
    role,
    first_name: text("first_name"),
    last_name: text("last_name"),
    phone: text("phone"),
    department: text("department"),
    division: text("division"),
    job_title: text("job_title"),
    work_location: text("work_location"),
    supervisor_first_name: text("supervisor_first_name"),
    supervisor_last_name: text("supervisor_last_name"),
    supervisor_email: text("supervisor_email"),
    working_hours: text("working_hours"),
    mentorship_kind: text("mentorship_kind"),
    bio: text("bio"),
    // Ranked slots in order; empty slots left out.
    skills: data.getAll("skills").map(String).filter(Boolean),
  };
  if (role === "mentee") request.goals = text("goals");
  if (role === "mentor") request.prior_mentees = text("prior_mentees").split(/[\s,;]+/).filter(Boolean);
  // An edit of a pending or approved application keeps the statements
  // made when it was sent; they are not asked and none are sent.
  if (asksStatements()) for (const name of CONFIRMATIONS) request[name] = data.has(name);
  return request;
}

/** Whether the statements are asked: always when applying, and when an edit sends it for a new review. */
const asksStatements = () => !current || !(current.status === "pending" || current.status === "approved");

/** What the check page's button does. */
function submitLabel() {
  if (!current) return "Submit application";
  return asksStatements() ? "Send for review again" : "Save changes";
}

/** Only the errors about the fields on page `step`. */
function errorsOn(step, errors = {}) {
  const fields = steps.fieldsOf(step);
  return Object.fromEntries(Object.entries(errors).filter(([name]) => fields.has(name)));
}

/**
 * Continue from a question page: the API checks every answer so far, and
 * the next page shows unless one on this page needs attention (the
 * others' turn comes on their own pages).
 */
async function continueFrom(step) {
  clearErrors(form);
  const done = busy(submitButton, "Checking…");
  const response = await post("/api/applications/check", body());
  done();
  if (!response.ok && response.status !== 422) return showFormFailure(form, response, location.pathname);
  const errors = errorsOn(step, response.problem?.errors);
  if (Object.keys(errors).length) showProblem(form, { ...response.problem, errors });
  else steps.next();
}

/**
 * Sending refused: a field's error opens the first page with one, its
 * errors shown there, and Continue comes back to the check page; any
 * other problem shows on the check page.
 */
function sendFailed(response) {
  const errors = response.status === 422 ? response.problem?.errors || {} : {};
  const step = steps.steps().find((name) => Object.keys(errorsOn(name, errors)).length);
  if (!step) return showFormFailure(form, response, location.pathname);
  steps.change(step);
  showProblem(form, { ...response.problem, errors: errorsOn(step, errors) });
}

function describeEditing() {
  // The statements are made on the check page, in sending it.
  document.getElementById("eligibility").hidden = !asksStatements();
  document.getElementById("edit-notice-statements").textContent = asksStatements()
    ? "Confirm the eligibility statements again: they go to your supervisor with the new review."
    : "The eligibility statements you made when you applied still stand, so they are not asked again. If one is no longer true, withdraw your application from My applications.";
  if (!current) return;
  const since = formatDate(current.submitted_at);
  const texts = {
    pending: `You sent this application on ${since}. It is waiting for your supervisor’s review; if you name a different supervisor, the review moves to them.`,
    approved: `You sent this application on ${since} and it is approved. Saving changes keeps it approved, unless you change your department or supervisor: then it goes to your supervisor for a new review.`,
    denied: `You sent this application on ${since} and it was denied. Saving it sends it to your supervisor again for a new review.`,
    revoked: `The program team revoked the approval of this application. Saving it sends it to your supervisor for a new review.`,
    withdrawn: `You withdrew this application. Saving it sends it to your supervisor for a new review.`,
  };
  document.getElementById("edit-notice-status").textContent = texts[current.status] || "";
}

function showSubmitted(app, created) {
  const supervisor = app.supervisor ? `${fullName(app.supervisor)} (${app.supervisor.email})` : "your supervisor";
  document.getElementById("submitted-title").textContent = created ? "Application submitted" : "Changes saved";
  const statusLine = document.getElementById("submitted-status");
  const next = document.getElementById("submitted-next");
  if (app.status === "approved") {
    statusLine.textContent = "Status: approved.";
    next.textContent = "Your application stays approved with these changes.";
  } else {
    statusLine.textContent = "Status: waiting for your supervisor’s review.";
    next.textContent = `We have sent your application to ${supervisor}, who will approve or deny it. We will email you when they decide.`;
  }
  form.hidden = true;
  submitted.hidden = false;
  document.getElementById("submitted-title").focus();
}

function loadFailed(problem) {
  announce("");
  showPanelProblem(document.getElementById("load-error"), problem);
}

async function start() {
  announce("Loading your details…");
  const me = await whoAmI();
  if (me.status === 401) {
    announce("");
    showSignIn(location.pathname);
    return;
  }
  if (!me.ok) return loadFailed(me.problem);
  document.getElementById("applicant-email").textContent = me.data.email;

  const [mine, skills, offered] = await Promise.all([get("/api/applications"), live, departments]);
  if (!mine.ok) return loadFailed(mine.problem);
  current = (mine.data?.applications || []).find((app) => app.role === role) || null;
  if (skills) offerSkills(form, skills, current?.skills);
  else seedSkills();
  if (offered) {
    const kept = current ? { department: current.department, division: current.division } : {};
    showDivisions = offerDepartments(form, offered, { kept });
  }
  draftKey = `moments_draft_${role}_${me.data.email}`;
  if (current) fill(current);
  describeEditing();
  // An application already sent opens on its answers, to change only what changed.
  const first = current ? "check" : restoreDraft() || "about";
  announce("");
  form.hidden = false;
  steps.show(first, { push: false, focus: first !== "about" });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(submitButton)) return;
  if (steps.at() !== "check") return continueFrom(steps.at());
  clearErrors(form);
  const created = !current;
  const done = busy(submitButton, created ? "Submitting…" : "Saving…");
  const response = created
    ? await post("/api/applications", body())
    : await put(applicationPath(current.id), body());
  done();
  if (response.ok) {
    forgetDraft();
    current = response.data;
    const skills = await live;
    if (skills) offerSkills(form, skills, current.skills);
    fill(current);
    describeEditing();
    showSubmitted(current, created);
  } else {
    sendFailed(response);
  }
});

document.getElementById("edit-again").addEventListener("click", () => {
  submitted.hidden = true;
  form.hidden = false;
  steps.show("check");
});

start();
