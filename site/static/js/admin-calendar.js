// /admin/calendar/, program administrators only: the program calendar as
// the API keeps it (GET /api/admin/calendar), the next matching run, and
// the forms to add and change match groups (POST /api/admin/calendar/groups,
// PUT …/groups/{id}) and events (POST /api/admin/calendar/events, PUT
// …/events/{id}, POST …/events/{id}/cancel). Every change sends the
// `version` the page read; a 409 means someone else changed it meanwhile,
// and the page reloads to show their version. Each event with places or
// registration has its registrations, read when opened (GET …/events/{id}/
// registrations), the list as CSV, and, once it has started, whether each
// person attended (PUT …/registrations/{email}/attendance).
import { get, post, put } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showProblem, uniqueIds } from "./ui.js";
import { AUDIENCES, KINDS, longDate, programToday, timeOfDay } from "./calendar.js";
import { hasStarted } from "./registration.js";
import { gateFailed, programAdmin } from "./admin-gate.js";

const consoleBox = document.getElementById("console");
const message = document.getElementById("calendar-message");
const addGroup = document.getElementById("add-group");
const addEvent = document.getElementById("add-event");
/** The calendar on show (GET /api/admin/calendar). */
let calendar = null;

const hidden = (text) => el("span", { class: "visually-hidden" }, text);
const whenFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit",
  timeZone: "America/Chicago", timeZoneName: "short",
});
const when = (iso) => (Number.isNaN(new Date(iso).getTime()) ? "" : whenFormat.format(new Date(iso)));
const times = (e) => `${longDate(e.date)}, ${timeOfDay(e.start)} to ${timeOfDay(e.end)}`;
const groupName = (id) => calendar.groups.find((g) => g.id === id)?.name || id;
const changed = (record) => (record.updated_by ? `Last changed ${when(record.updated_at)} by ${record.updated_by}.` : "");

// --- Loading -------------------------------------------------------------------------

const failed = gateFailed;

/** Fetches the calendar and shows it; false when the page gave way to a problem. */
async function load() {
  const response = await get("/api/admin/calendar");
  if (!response.ok) {
    failed(response);
    return false;
  }
  calendar = response.data;
  render();
  return true;
}

/** Shows `text` in the message panel (a success, or a warning) and moves the focus there. */
function say(text, warning = false) {
  message.classList.toggle("panel--success", !warning);
  message.classList.toggle("panel--warning", warning);
  document.getElementById("calendar-message-text").textContent = text;
  message.hidden = false;
  announce("");
  message.focus();
}

// --- The next run ------------------------------------------------------------------------

function renderNextRun() {
  const run = calendar.next_run;
  let text = "No match group has a suggested-matches date ahead, so no matching run is planned. Add a match group to plan the next one.";
  if (run?.published_at) {
    text = `Suggested matches for ${run.group_name} were already published on ${when(run.published_at)}.`;
  } else if (run) {
    text = `Suggested matches for ${run.group_name} go out on ${longDate(run.date)} at ${timeOfDay(run.time)} Central; the matching runs by itself that morning.`;
  }
  document.getElementById("next-run").textContent = text;
}

// --- Forms -------------------------------------------------------------------------------

/** A fresh copy of a form template, its ids made unique with `suffix`. */
function formFrom(templateId, suffix) {
  return uniqueIds(document.getElementById(templateId).content.cloneNode(true), suffix).querySelector("form");
}

/** The match groups as the event form's choices, keeping what is chosen. */
function fillGroupChoices(form) {
  const select = form.elements.group;
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "No match group"),
    ...calendar.groups.map((g) => el("option", { value: g.id }, g.name)));
  select.value = calendar.groups.some((g) => g.id === chosen) ? chosen : "";
}

const GROUP_FIELDS = ["name", "summary", "window_opens", "window_closes", "approvals_due", "matches_on"];
const text = (form, name) => String(new FormData(form).get(name) ?? "").trim();

function groupBody(form) {
  return Object.fromEntries(GROUP_FIELDS.map((name) => [name, text(form, name)]));
}

function eventBody(form) {
  const optional = (name) => text(form, name) || null;
  const capacity = text(form, "capacity");
  return {
    group: optional("group"),
    kind: text(form, "kind"),
    audience: text(form, "audience"),
    date: text(form, "date"),
    start: text(form, "start"),
    end: text(form, "end"),
    title: text(form, "title"),
    details: text(form, "details"),
    place: optional("place"),
    link: optional("link"),
    capacity: capacity === "" ? null : Number(capacity),
    registration_open: form.elements.registration_open.checked,
  };
}

function fill(form, record, names) {
  for (const name of names) form.elements[name].value = record[name] ?? "";
}

/**
 * Sends one form. On success the calendar is read again and `said(data)`
 * shows in the message panel; a 409 reloads it and says why nothing was
 * saved; any other problem shows on the form, next to its fields.
 */
async function send(form, label, call, said) {
  const button = form.querySelector("[data-submit]");
  if (isBusy(button)) return;
  clearErrors(form);
  message.hidden = true;
  const finish = busy(button, label);
  const response = await call();
  finish();
  if (response.status === 401 || response.status === 403) return failed(response);
  if (response.status === 409) return conflict();
  if (!response.ok) return showProblem(form, response.problem);
  const textSaid = said(response.data);
  if (await load()) say(textSaid);
  return true;
}

async function conflict() {
  if (await load()) {
    say("Someone else changed this since you opened the page, so your change was not saved. The page now shows the latest version: check it and make your change again.", true);
  }
}

// --- Match groups ------------------------------------------------------------------------

function groupCard(g) {
  const form = formFrom("group-form-template", g.id);
  form.querySelector("[data-new-only]").remove();
  fill(form, g, GROUP_FIELDS);
  form.querySelector("[data-submit]").textContent = "Save changes";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, "Saving…", () => put(`/api/admin/calendar/groups/${encodeURIComponent(g.id)}`, { ...groupBody(form), version: g.version }),
      (saved) => `Your changes to ${saved?.name || g.name} are saved and on the calendar now.`);
  });
  return el("li", { class: "card" },
    el("h3", {}, g.name),
    el("p", {}, g.summary),
    el("ul", {},
      el("li", {}, `Application window: ${longDate(g.window_opens)} to ${longDate(g.window_closes)}`),
      el("li", {}, `Supervisor approvals due: ${longDate(g.approvals_due)}`),
      el("li", {}, `Suggested matches sent: ${longDate(g.matches_on)}`)),
    el("p", { class: "card__meta" }, changed(g)),
    el("details", { class: "disclosure" }, el("summary", {}, "Edit this match group", hidden(`: ${g.name}`)), form));
}

function startAddGroup() {
  const form = formFrom("group-form-template", "new-group");
  form.querySelector("[data-submit]").textContent = "Add the match group";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, "Adding…", () => post("/api/admin/calendar/groups", { id: text(form, "id"), ...groupBody(form) }),
      (saved) => {
        form.reset();
        addGroup.open = false;
        return `${saved?.name || "The match group"} is added. Its dates are on the calendar now.`;
      });
  });
  addGroup.append(form);
}

// --- Events ------------------------------------------------------------------------------

const EVENT_FIELDS = ["kind", "audience", "date", "start", "end", "title", "details", "place", "link", "capacity"];

function eventForm(e) {
  const form = formFrom("event-form-template", e.id);
  fillGroupChoices(form);
  fill(form, e, EVENT_FIELDS);
  form.elements.group.value = e.group ?? "";
  form.elements.registration_open.checked = Boolean(e.registration_open);
  form.querySelector("[data-submit]").textContent = "Save changes";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, "Saving…", () => put(`/api/admin/calendar/events/${encodeURIComponent(e.id)}`, { ...eventBody(form), version: e.version }),
      (saved) => `Your changes to “${saved?.title || e.title}” are saved. The calendar page and the calendar file show them now.`);
  });
  return form;
}

/** "Cancel this event", with a confirmation before anything is sent. */
function cancelBlock(e) {
  const start = el("button", { class: "button button--danger button--small", type: "button" }, "Cancel this event", hidden(`: ${e.title}, ${longDate(e.date)}`));
  const box = uniqueIds(document.getElementById("cancel-template").content.cloneNode(true), `cancel-${e.id}`).querySelector(".confirm");
  const question = box.querySelector("[data-question]");
  const problem = box.querySelector("[data-problem]");
  question.textContent = `Cancel “${e.title}” on ${times(e)}? It stays on the calendar marked as cancelled, and calendar apps that subscribe show it as cancelled. It cannot be taken back.`;
  start.addEventListener("click", () => {
    start.hidden = true;
    box.hidden = false;
    question.focus();
  });
  box.querySelector("[data-no]").addEventListener("click", () => {
    box.hidden = true;
    problem.hidden = true;
    start.hidden = false;
    start.focus();
  });
  const yes = box.querySelector("[data-yes]");
  yes.addEventListener("click", async () => {
    if (isBusy(yes)) return;
    problem.hidden = true;
    message.hidden = true;
    const finish = busy(yes, "Cancelling…");
    const response = await post(`/api/admin/calendar/events/${encodeURIComponent(e.id)}/cancel`, { version: e.version });
    finish();
    if (response.status === 401 || response.status === 403) return failed(response);
    if (response.status === 409) return conflict();
    if (!response.ok) {
      problem.textContent = response.problem.detail;
      problem.hidden = false;
      return;
    }
    if (await load()) say(`“${e.title}” on ${longDate(e.date)} is cancelled. It stays on the calendar, marked as cancelled.`);
  });
  return [el("p", {}, start), box];
}

// --- Registrations -------------------------------------------------------------------------

const rosterPath = (e) => `/api/admin/calendar/events/${encodeURIComponent(e.id)}/registrations`;
const ATTENDED = { true: "Attended", false: "Did not attend", null: "Not recorded yet" };

/** One registered person: who, since when, and (once the event started) a box for attending. */
function registeredRow(e, person, started) {
  const row = el("li", { class: "roster__person" },
    el("span", { class: "admin-list__email" }, person.name || person.email),
    person.name ? el("span", {}, ` ${person.email}`) : null,
    el("span", { class: "admin-list__meta" }, ` · registered ${when(person.registered_at)}`));
  if (!started) return row;
  const id = `attended-${e.id}-${person.email}`.replace(/[^A-Za-z0-9_-]/g, "-");
  const box = el("input", { class: "choice__input", type: "checkbox", id });
  box.checked = person.attended === true;
  const saved = el("span", { class: "roster__saved", "aria-live": "polite" }, ATTENDED[String(person.attended ?? null)]);
  const problem = el("p", { class: "field-error", role: "alert", hidden: true });
  // While one answer is being saved the box ignores another; it is not
  // disabled, which would take the keyboard focus away from it.
  let saving = false;
  box.addEventListener("change", async () => {
    if (saving) {
      box.checked = !box.checked;
      return;
    }
    const attended = box.checked;
    saving = true;
    problem.hidden = true;
    saved.textContent = "Saving…";
    const response = await put(`${rosterPath(e)}/${encodeURIComponent(person.email)}/attendance`, { attended });
    saving = false;
    if (response.status === 401 || response.status === 403) return failed(response);
    if (!response.ok) {
      box.checked = !attended;
      saved.textContent = ATTENDED[String(person.attended ?? null)];
      problem.textContent = response.problem.detail;
      problem.hidden = false;
      return;
    }
    person.attended = response.data?.attended ?? attended;
    saved.textContent = `Saved: ${ATTENDED[String(person.attended)].toLowerCase()}`;
  });
  row.append(el("div", { class: "choice roster__attended" }, box,
    el("label", { class: "choice__label", for: id }, "Attended", hidden(`: ${person.name || person.email}`))), saved, problem);
  return row;
}

function renderRoster(e, box, roster) {
  const registered = Array.isArray(roster?.registered) ? roster.registered : [];
  const waitlist = Array.isArray(roster?.waitlist) ? [...roster.waitlist].sort((a, b) => a.position - b.position) : [];
  const started = hasStarted(e);
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const summary = [e.capacity ? `${registered.length} of ${count(e.capacity, "place", "places")} taken` : count(registered.length, "person registered", "people registered")];
  if (waitlist.length) summary.push(`${count(waitlist.length, "person", "people")} on the waiting list`);
  box.replaceChildren(...[
    el("p", {}, `${summary.join(", ")}.`),
    el("p", {}, el("a", { href: `${rosterPath(e)}.csv` }, "Download the list (CSV)", hidden(`: ${e.title}, ${longDate(e.date)}`))),
    el("h5", {}, "Registered"),
    registered.length
      ? el("ul", { class: "roster" }, ...registered.map((p) => registeredRow(e, p, started)))
      : el("p", { class: "empty" }, "Nobody has registered yet."),
    started ? null : el("p", { class: "card__meta" }, "You can record who attended once the event has started."),
  ].filter(Boolean));
  if (waitlist.length) {
    box.append(el("h5", {}, "Waiting list"), el("ol", { class: "roster" }, ...waitlist.map((p) => el("li", { class: "roster__person" },
      el("span", { class: "admin-list__email" }, p.name || p.email),
      p.name ? el("span", {}, ` ${p.email}`) : null,
      el("span", { class: "admin-list__meta" }, ` · waiting since ${when(p.registered_at)}`)))));
  }
}

/** "Registrations", read from the API each time it is opened. */
function registrationsBlock(e) {
  const box = el("div", { class: "roster-box" }, el("p", {}, "Loading…"));
  const details = el("details", { class: "disclosure" }, el("summary", {}, "Registrations", hidden(`: ${e.title}, ${longDate(e.date)}`)), box);
  details.addEventListener("toggle", async () => {
    if (!details.open) return;
    box.replaceChildren(el("p", {}, "Loading…"));
    const response = await get(rosterPath(e));
    if (response.status === 401 || response.status === 403) return failed(response);
    if (!response.ok) {
      box.replaceChildren(el("p", { class: "field-error", role: "alert" }, response.problem.detail));
      return;
    }
    renderRoster(e, box, response.data);
  });
  return details;
}

function eventCard(e, upcoming) {
  const title = e.cancelled
    ? el("h4", {}, el("span", { class: "event__cancelled" }, "Cancelled"), " ", el("s", {}, e.title))
    : el("h4", {}, e.title);
  const about = [KINDS[e.kind] || e.kind, AUDIENCES[e.audience] || e.audience, e.group ? groupName(e.group) : "No match group"];
  if (e.place) about.push(e.place);
  about.push(e.capacity ? `${e.capacity} places` : "No limit on places");
  about.push(e.registration_open ? "Registration is open" : "Registration is closed");
  const link = e.link ? el("p", {}, "Link: ", el("a", { href: e.link.startsWith("https://") ? e.link : null }, e.link)) : null;
  return el("li", { class: "card", id: `event-${e.id}` },
    title,
    el("p", { class: "event__when" }, times(e)),
    el("p", {}, e.details),
    el("p", { class: "card__meta" }, about.join(" · ")),
    link,
    el("p", { class: "card__meta" }, changed(e)),
    e.capacity || e.registration_open || e.registered > 0 || e.waitlisted > 0 ? registrationsBlock(e) : null,
    el("details", { class: "disclosure" }, el("summary", {}, "Edit this event", hidden(`: ${e.title}, ${longDate(e.date)}`)), eventForm(e)),
    ...(upcoming && !e.cancelled ? cancelBlock(e) : []));
}

function startAddEvent() {
  const form = formFrom("event-form-template", "new-event");
  form.querySelector("[data-submit]").textContent = "Add the event";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, "Adding…", () => post("/api/admin/calendar/events", eventBody(form)),
      (saved) => {
        const added = saved || eventBody(form);
        form.reset();
        addEvent.open = false;
        return `“${added.title}” is on the calendar for ${times(added)}; the calendar page and the calendar file show it now.`;
      });
  });
  addEvent.append(form);
}

// --- Showing it all ----------------------------------------------------------------------

function render() {
  renderNextRun();
  const groups = [...calendar.groups].sort((a, b) => (a.window_opens < b.window_opens ? -1 : a.window_opens > b.window_opens ? 1 : 0));
  document.getElementById("group-list").replaceChildren(...(groups.length
    ? groups.map(groupCard)
    : [el("li", { class: "empty" }, "No match groups yet.")]));
  fillGroupChoices(addEvent.querySelector("form"));

  const today = programToday();
  const key = (e) => `${e.date} ${e.start}`;
  const byTime = (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const upcoming = calendar.events.filter((e) => e.date >= today).sort(byTime);
  const past = calendar.events.filter((e) => e.date < today).sort((a, b) => byTime(b, a));
  document.getElementById("upcoming-events").replaceChildren(...(upcoming.length
    ? upcoming.map((e) => eventCard(e, true))
    : [el("li", { class: "empty" }, "No upcoming events.")]));
  document.getElementById("past-events").replaceChildren(...(past.length
    ? past.map((e) => eventCard(e, false))
    : [el("li", { class: "empty" }, "No past events.")]));
}

// --- Starting ------------------------------------------------------------------------------

async function start() {
  if (!(await programAdmin())) return;
  startAddGroup();
  startAddEvent();
  if (!(await load())) return;
  announce("");
  consoleBox.hidden = false;
}

start();
