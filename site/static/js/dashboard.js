// /dashboard/: the signed-in person's applications, mentorships, requests
// (to them as a mentor, from them as a mentee) and availability as a mentor.
// Also the trainings and sessions they registered for, and the training
// time to record.
// Calls GET /api/me, /api/applications, /api/requests, /api/mentorships, /api/suggestions,
// /api/registrations; POST /api/requests/{id}/accept|decline|withdraw; GET and PUT
// /api/availability; DELETE /api/calendar/events/{id}/registration.
import { del, get, here, post, put, showSignIn, whoAmI } from "./api.js";
import {
  announce, busy, clearErrors, el, formatDate, isBusy, notice, roleLabel, showPanelProblem, showProblem, statusBadge, uniqueIds,
} from "./ui.js";
import { noticeWithUndo } from "./undo.js";
import { badge, contactDetails, count, hoursText, nameOf, pageLink, reasonLabel, workLine } from "./mentoring.js";
import { addToCalendar, cancelControl, eventTimes, hasStarted, programNow, standing } from "./registration.js";
import { attentionLines } from "./attention.js";

const root = document.getElementById("dashboard");
const urls = root.dataset;
const requestPath = (id) => `/api/requests/${encodeURIComponent(id)}`;
let me = null;
let applications = [];
let mentorships = [];

function failed(response) {
  announce("");
  if (response.status === 401) {
    document.getElementById("board").hidden = true;
    showSignIn(here());
  } else {
    showPanelProblem(document.getElementById("load-error"), response.problem);
  }
}

/** After a refused action: show why at the top, with the board as it is now. */
async function refused(response) {
  if (response.status === 401) return failed(response);
  await load();
  const panel = document.getElementById("load-error");
  showPanelProblem(panel, response.problem);
  panel.focus();
}

// --- My applications ---------------------------------------------------------

function renderApplications() {
  const list = document.getElementById("application-list");
  list.replaceChildren(...applications.map((app) => el("li", {},
    `${roleLabel(app.role)} application: `, statusBadge(app.status),
  )));
  const links = [];
  for (const role of ["mentee", "mentor"]) {
    if (!applications.some((app) => app.role === role)) {
      links.push(el("a", { class: "button button--secondary", href: role === "mentee" ? urls.applyMentee : urls.applyMentor }, `Apply as a ${role}`));
    }
  }
  const mentor = applications.find((app) => app.role === "mentor" && app.status === "approved");
  if (mentor) links.push(el("a", { href: pageLink(urls.profileUrl, "id", mentor.id) }, "See my mentor profile as mentees see it"));
  if (!applications.length) list.replaceChildren(el("li", {}, "You have not applied yet. Apply as a mentee to find a mentor, or as a mentor to help someone grow."));
  document.getElementById("application-links").replaceChildren(...links);
}

// --- Suggested mentors --------------------------------------------------------

function renderSuggestions(suggestions, secondMentor, shortReason) {
  // An empty list from a run still says why it is empty.
  document.getElementById("suggestions-section").hidden = suggestions.length === 0 && !shortReason;
  const short = document.getElementById("suggestions-short");
  short.textContent = shortReason || "";
  short.hidden = !shortReason;
  document.getElementById("suggestions-title").textContent = secondMentor ? "Suggested mentors for a second mentorship" : "Suggested mentors";
  document.getElementById("suggestions-second").hidden = !secondMentor;
  document.getElementById("suggestion-list").replaceChildren(...suggestions.map((s) => el("li", { class: "card" },
    el("h3", {}, el("a", { href: pageLink(urls.profileUrl, "id", s.mentor_application_id) }, `${s.first_name} ${s.last_name}`)),
    el("p", {}, `${s.job_title}, ${s.department?.name || ""} · ${s.working_hours?.name || ""} hours`),
    el("p", {}, s.reason),
    s.listed ? null : el("p", {}, "This mentor cannot take new mentees at the moment."),
  )));
}

// --- My mentorships ----------------------------------------------------------

function mentorshipCard(m) {
  const partner = m.my_role === "mentor" ? m.mentee : m.mentor;
  const name = nameOf(partner);
  const since = m.status === "active"
    ? `since ${formatDate(m.started_at)}`
    : `${formatDate(m.started_at)} to ${formatDate(m.ended_at)}`;
  const item = el("li", { class: "card" },
    el("h3", {}, name),
    el("p", { class: "card__meta" }, [m.my_role === "mentor" ? "Your mentee" : "Your mentor", workLine(partner)].filter(Boolean).join(" · ")),
    el("p", {}, badge(m.status), ` ${since}`),
  );
  if (m.status === "active") {
    item.append(contactDetails(partner));
    if (!m.meeting_count && m.my_role === "mentee") {
      item.append(el("p", { class: "note" }, `You lead this mentorship: get in touch with ${partner.first_name || name} within 48 hours of the match to plan your first meeting.`));
    }
    const a = m.agreement;
    if (a && !(m.my_role === "mentor" ? a.confirmed_by_mentor : a.confirmed_by_mentee)) {
      item.append(el("p", { class: "note" }, `${partner.first_name || name} changed your mentorship agreement and asks you to confirm it.`));
    }
  }
  item.append(el("p", {}, `Logged: ${count(m.meeting_count || 0, "meeting", "meetings")}, ${hoursText(m.hours)}.`));
  const links = el("p", { class: "actions" },
    el("a", { class: "button button--secondary button--small", href: pageLink(urls.mentorshipUrl, "id", m.id) },
      m.status === "active" ? "Agreement, meetings and more" : "See the mentorship",
      el("span", { class: "visually-hidden" }, ` with ${name}`)),
  );
  if (m.status !== "active" && !m.survey_answered) {
    links.append(el("a", { class: "button button--small", href: pageLink(urls.surveyUrl, "mentorship", m.id) },
      "Answer the survey", el("span", { class: "visually-hidden" }, ` about your mentorship with ${name}`)));
  }
  item.append(links);
  return item;
}

function renderMentorships(hours) {
  const active = (m) => (m.status === "active" ? 0 : 1);
  const sorted = [...mentorships].sort((a, b) => active(a) - active(b));
  document.getElementById("mentorship-list").replaceChildren(...sorted.map(mentorshipCard));
  document.getElementById("mentorships-empty").hidden = mentorships.length > 0;
  const parts = [];
  if (mentorships.some((m) => m.my_role === "mentee")) parts.push(`${hoursText(hours?.as_mentee)} as a mentee`);
  if (mentorships.some((m) => m.my_role === "mentor")) parts.push(`${hoursText(hours?.as_mentor)} as a mentor`);
  document.getElementById("hours-total").textContent = parts.length
    ? `Time in mentoring meetings so far: ${parts.join(", ")}. It counts as training: each mentorship’s page says how to record it.`
    : "";
}

// --- Requests ----------------------------------------------------------------

function requestCard(request, incoming) {
  const person = incoming ? request.mentee : request.mentor;
  const name = nameOf(person);
  const item = el("li", { class: "card" },
    el("h3", {}, name),
    el("p", { class: "card__meta" }, [workLine(person), `sent ${formatDate(request.created_at)}`].filter(Boolean).join(" · ")),
    el("p", {}, badge(request.status)),
  );
  if (request.message) {
    item.append(el("p", { class: "mentor-card__label" }, incoming ? "Their note to you:" : "Your note:"), el("blockquote", { class: "message" }, request.message));
  }
  if (request.reason && request.status !== "pending") item.append(el("p", {}, el("strong", {}, `${reasonLabel(request.status)}: `), request.reason));
  const link = el("a", { href: pageLink(urls.requestUrl, "id", request.id) },
    incoming ? "Read their application" : "See the request",
    el("span", { class: "visually-hidden" }, incoming ? ` from ${name}` : ` to ${name}`));
  item.append(el("p", {}, link));
  if (request.status === "accepted" && request.mentorship_id) {
    item.append(el("p", {}, el("a", { href: pageLink(urls.mentorshipUrl, "id", request.mentorship_id) },
      "Open the mentorship", el("span", { class: "visually-hidden" }, ` with ${name}`))));
  }
  if (request.status === "pending") item.append(incoming ? answerForms(request, name) : withdrawForm(request, name));
  return item;
}

function answerForms(request, name) {
  const fragment = uniqueIds(document.getElementById("answer-template").content.cloneNode(true), request.id);
  const [accept, decline] = fragment.querySelectorAll("form");
  const acceptButton = accept.querySelector("button");
  acceptButton.append(el("span", { class: "visually-hidden" }, ` ${name} as your mentee`));
  accept.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(acceptButton)) return;
    const done = busy(acceptButton, "Accepting…");
    const response = await post(`${requestPath(request.id)}/accept`);
    done();
    if (!response.ok) return refused(response);
    await load();
    showAccepted(response.data?.mentorship, name);
  });
  const declineButton = decline.querySelector('button[type="submit"]');
  decline.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(declineButton)) return;
    clearErrors(decline);
    const reason = String(new FormData(decline).get("reason") ?? "").trim();
    const done = busy(declineButton, "Declining…");
    const response = await post(`${requestPath(request.id)}/decline`, { reason });
    done();
    if (response.status === 422) return showProblem(decline, response.problem);
    if (!response.ok) return refused(response);
    await load();
    notice(`You declined ${name}’s request. We will let them know.`, document.getElementById("incoming-title"));
  });
  return fragment;
}

function showAccepted(mentorship, name) {
  const panel = document.getElementById("accepted");
  document.getElementById("accepted-title").textContent = `You are now ${name}’s mentor`;
  document.getElementById("accepted-contact").replaceChildren(mentorship?.mentee ? contactDetails(mentorship.mentee) : "");
  const link = document.getElementById("accepted-link");
  if (mentorship?.id) link.href = pageLink(urls.mentorshipUrl, "id", mentorship.id);
  link.hidden = !mentorship?.id;
  panel.hidden = false;
  document.getElementById("accepted-title").focus();
}

/** "Withdraw request" asks first: the mentor is emailed that it was withdrawn. */
function withdrawForm(request, name) {
  const ask = el("button", { class: "button button--secondary button--small", type: "button" },
    "Withdraw request", el("span", { class: "visually-hidden" }, ` to ${name}`));
  const button = el("button", { class: "button button--small", type: "submit" }, "Yes, withdraw it");
  const keep = el("button", { class: "button button--secondary button--small", type: "button" }, "Keep the request");
  const question = el("p", { tabindex: "-1" }, `Withdraw your request to ${name}? We will email ${name} that you withdrew it.`);
  const confirm = el("div", { hidden: true }, question, el("div", { class: "actions" }, button, keep));
  const form = el("form", { class: "answer", novalidate: true }, ask, confirm);
  ask.addEventListener("click", () => {
    ask.hidden = true;
    confirm.hidden = false;
    question.focus();
  });
  keep.addEventListener("click", () => {
    confirm.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
    const done = busy(button, "Withdrawing…");
    const response = await post(`${requestPath(request.id)}/withdraw`);
    done();
    if (!response.ok) return refused(response);
    await load();
    const heading = document.getElementById("outgoing-title");
    noticeWithUndo({
      heading,
      waiting: (seconds) => `You withdrew your request to ${name}. We email them in ${seconds} seconds; until then you can undo it.`,
      told: `You withdrew your request to ${name}. They get an email saying so.`,
      since: response.data.updated_at,
      until: response.data.undo_until,
      undo: () => del(`${requestPath(request.id)}/withdrawal`),
      undone: async () => {
        await load();
        notice(`Undone: your request to ${name} waits for their answer again, and no email was sent.`, heading);
      },
      failed: refused,
    });
  });
  return form;
}

function renderRequests(data) {
  const incoming = data?.incoming || [];
  const outgoing = data?.outgoing || [];
  const hasRole = (role) => applications.some((app) => app.role === role);
  const show = (prefix, list, isIncoming) => {
    document.getElementById(`${prefix}-list`).replaceChildren(...list.map((r) => requestCard(r, isIncoming)));
    document.getElementById(`${prefix}-empty`).hidden = list.length > 0;
  };
  document.getElementById("incoming-section").hidden = !(hasRole("mentor") || incoming.length);
  document.getElementById("outgoing-section").hidden = !(hasRole("mentee") || outgoing.length);
  show("incoming", incoming, true);
  show("outgoing", outgoing, false);
}

// --- Availability ------------------------------------------------------------

const availabilityForm = document.getElementById("availability-form");

function listedText(available, listed, mentorApp) {
  if (!available) return "Your profile is hidden from Find a mentor and from suggested matches.";
  if (listed) return "Your profile is in Find a mentor, and you can be suggested to mentees.";
  if (mentorApp.status !== "approved") return "Your profile appears in Find a mentor once your supervisor approves your mentor application.";
  return "You already mentor two people, so your profile stays out of the search until one of those mentorships ends.";
}

async function renderAvailability() {
  const section = document.getElementById("availability-section");
  const mentorApp = applications.find((app) => app.role === "mentor");
  section.hidden = !mentorApp;
  if (!mentorApp) return;
  const state = await get("/api/availability");
  const available = state.ok ? state.data.available === true : null;
  const listed = state.ok ? state.data.listed === true : null;
  document.getElementById("f-available-yes").checked = available === true;
  document.getElementById("f-available-no").checked = available === false;
  document.getElementById("listed-now").textContent = state.ok ? listedText(available, listed, mentorApp) : "";
}

availabilityForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("save-availability");
  if (isBusy(button)) return;
  clearErrors(availabilityForm);
  const choice = new FormData(availabilityForm).get("available");
  if (choice === null) {
    showProblem(availabilityForm, { title: "There is a problem", detail: "", errors: { available: "Choose available or unavailable." } });
    return;
  }
  const done = busy(button, "Saving…");
  const response = await put("/api/availability", { available: choice === "true" });
  done();
  if (!response.ok) {
    if (response.status === 401) return failed(response);
    showProblem(availabilityForm, response.problem);
    return;
  }
  const mentorApp = applications.find((app) => app.role === "mentor");
  const text = listedText(Boolean(response.data?.available), Boolean(response.data?.listed), mentorApp);
  document.getElementById("listed-now").textContent = text;
  notice(`Saved. ${text}`, document.getElementById("availability-title"));
});

// --- Trainings and sessions ------------------------------------------------------

const ATTENDANCE = { true: "You attended", false: "Not attended", null: "Attendance not recorded yet" };

function registrationCard(r, upcoming) {
  const e = r.event;
  const title = e.cancelled
    ? el("h3", {}, el("span", { class: "event__cancelled" }, "Cancelled"), " ", el("s", {}, e.title))
    : el("h3", {}, e.title);
  const where = [eventTimes(e), e.place].filter(Boolean).join(" · ");
  const item = el("li", { class: "card" }, title, el("p", { class: "card__meta" }, where));
  if (upcoming) {
    const waiting = r.status === "waitlisted";
    item.append(el("p", {}, el("span", { class: `badge badge--${waiting ? "pending" : "approved"}` }, waiting ? "Waiting list" : "Registered"), ` ${standing(r)}`));
    if (e.cancelled) {
      item.append(el("p", {}, "The program team cancelled this event."));
      return item;
    }
    if (!waiting && typeof e.link === "string" && e.link.startsWith("https://")) {
      item.append(el("p", {}, el("a", { href: e.link }, "Join online", el("span", { class: "visually-hidden" }, `: ${e.title}`))));
    }
    const actions = el("div", { class: "actions" });
    if (!waiting) actions.append(addToCalendar(e));
    actions.append(cancelControl(e, r, async (response) => {
      if (response.status === 401) return failed(response);
      if (!response.ok && response.status !== 404) return response.problem.detail;
      await loadTrainings();
      announce(waiting ? `You left the waiting list for “${e.title}”.` : `Your place at “${e.title}” is cancelled.`);
      document.getElementById("trainings-title").focus();
      return "";
    }));
    item.append(actions);
    return item;
  }
  const outcome = r.status === "waitlisted" ? "You were on the waiting list" : ATTENDANCE[String(r.attended ?? null)];
  item.append(el("p", {}, outcome, r.attended === true && r.minutes ? ` · ${hoursText(r.minutes / 60)}` : ""));
  return item;
}

function renderTrainings(data) {
  const list = Array.isArray(data?.registrations) ? data.registrations.filter((r) => r?.event) : [];
  const now = programNow();
  const key = (r) => `${r.event.date} ${r.event.start}`;
  const byTime = (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const upcoming = list.filter((r) => !hasStarted(r.event, now)).sort(byTime);
  const past = list.filter((r) => hasStarted(r.event, now)).sort((a, b) => byTime(b, a));
  document.getElementById("trainings-upcoming").replaceChildren(...upcoming.map((r) => registrationCard(r, true)));
  document.getElementById("trainings-past").replaceChildren(...past.map((r) => registrationCard(r, false)));
  document.getElementById("trainings-upcoming-part").hidden = upcoming.length === 0;
  document.getElementById("trainings-past-part").hidden = past.length === 0;
  document.getElementById("trainings-none").hidden = list.length > 0;
  const minutes = Number(data?.attended_minutes) || 0;
  document.getElementById("trainings-attended").textContent = `Trainings attended: ${hoursText(minutes / 60)}`;
  document.getElementById("trainings-credit").hidden = minutes === 0;
}

/** Reads the registrations again and shows them; a failure other than signing out shows in the section. */
async function loadTrainings(response) {
  const answer = response || (await get("/api/registrations"));
  if (answer.status === 401) return failed(answer);
  const problem = document.getElementById("trainings-problem");
  problem.hidden = answer.ok;
  renderTrainings(answer.ok ? answer.data : { registrations: [] });
  if (!answer.ok) document.getElementById("trainings-none").hidden = true;
}

// --- Their own work (supervisors and administrators) ---------------------------

const decides = () => (me.roles || []).some((role) => role === "supervisor" || role === "department_admin");
const administers = () => (me.roles || []).some((role) => role === "program_admin" || role === "department_admin");

/**
 * The first section for people who decide or administer: what waits for
 * them (`reviews`: GET /api/reviews, for those who decide; `attention`:
 * GET /api/admin/attention, for administrators, whose lines that wait lead).
 */
function renderWork(reviews, attention) {
  const roles = me.roles || [];
  const { reviewUrl, adminUrl, announcementsUrl, listUrl, quietUrl } = document.getElementById("dashboard").dataset;
  const items = [];
  if (attention?.ok) {
    const due = attentionLines(attention.data, { listUrl, quietUrl }).filter(([n]) => n > 0);
    items.push(...due.map(([, words, href]) => el("li", {}, el("a", { href }, `Needs attention: ${words}`))));
    if (!due.length) items.push(el("li", {}, "Nothing in your care has waited too long."));
  }
  if (decides()) {
    if (reviews?.ok) {
      const own = reviews.data.supervisor?.pending?.length || 0;
      const departments = reviews.data.department_admin || [];
      const inDepartments = departments.reduce((n, d) => n + (d.pending?.length || 0), 0);
      if (roles.includes("supervisor")) {
        items.push(el("li", {}, own
          ? el("a", { href: reviewUrl }, `${count(own, "application is", "applications are")} waiting for your decision as supervisor`)
          : "No application is waiting for your decision as supervisor."));
      }
      if (roles.includes("department_admin")) {
        const names = departments.map((d) => d.department?.name).filter(Boolean).join(", ");
        items.push(el("li", {}, inDepartments
          ? el("a", { href: reviewUrl }, `${count(inDepartments, "application", "applications")} waiting in ${names || "your department"}`)
          : `No application is waiting in ${names || "your department"}.`));
      }
    }
  }
  if (roles.includes("department_admin") || roles.includes("program_admin")) {
    items.push(el("li", {}, el("a", { href: adminUrl }, roles.includes("program_admin") ? "Program administration: figures, people, matching and the calendar" : "Your department's figures and exports")));
    items.push(el("li", {}, el("a", { href: announcementsUrl }, "Write an announcement")));
  }
  document.getElementById("work-list").replaceChildren(...items);
  document.getElementById("work").hidden = items.length === 0;
}

// --- Loading -----------------------------------------------------------------

async function load() {
  document.getElementById("load-error").hidden = true;
  const [mine, requests, pairs, suggested, registrations, reviews, attention] = await Promise.all([
    get("/api/applications"), get("/api/requests"), get("/api/mentorships"), get("/api/suggestions"), get("/api/registrations"),
    decides() ? get("/api/reviews") : null, administers() ? get("/api/admin/attention") : null,
  ]);
  for (const response of [mine, requests, pairs, suggested]) {
    if (!response.ok) {
      failed(response);
      return false;
    }
  }
  applications = mine.data?.applications || [];
  mentorships = pairs.data?.mentorships || [];
  renderApplications();
  renderMentorships(pairs.data?.hours);
  renderRequests(requests.data);
  renderSuggestions(suggested.data?.suggestions || [], suggested.data?.second_mentor === true, suggested.data?.short_reason);
  await loadTrainings(registrations);
  await renderAvailability();
  renderWork(reviews, attention);
  return true;
}

async function start() {
  announce("Loading your dashboard…");
  const who = await whoAmI();
  if (!who.ok) return failed(who);
  me = who.data;
  document.getElementById("me-email").textContent = me.email;
  if (!(await load())) return;
  announce("");
  document.getElementById("board").hidden = false;
}

start();
