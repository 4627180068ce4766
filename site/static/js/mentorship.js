// /mentorships/?id=ID: one mentorship (GET /api/mentorships/{id}): the pair
// and their contact details, the optional agreement (PUT .../agreement, POST
// .../agreement/confirm) and its printout, its goals (goals.js), the meeting log (POST .../meetings)
// with training-credit hours and a say on the other side's entries (PUT
// .../meetings/{meeting}/dispute), and ending it (POST .../end) after a second "yes".
import { del, get, here, post, put, showSignIn } from "./api.js";
import { renderGoals } from "./goals.js";
import { countCharacters } from "./counts.js";
import { showNextMeeting } from "./next-meeting.js";
import { announce, busy, clearErrors, el, formatDate, isBusy, notice, showPanelProblem, showProblem } from "./ui.js";
import { noticeWithUndo } from "./undo.js";
import {
  addField, badge, contactDetails, count, formatDay, hoursText, kindWords, minutesText, nameOf, pageLink, programDay,
  workLine,
} from "./mentoring.js";

const root = document.getElementById("mentorship-page");
const id = new URLSearchParams(location.search).get("id");
const path = `/api/mentorships/${encodeURIComponent(id || "")}`;
const agreementForm = document.getElementById("agreement-form");
const meetingForm = document.getElementById("meeting-form");
const endForm = document.getElementById("end-form");
const refreshCounts = countCharacters();
let m = null; // the mentorship as last loaded

const mine = () => (m.my_role === "mentor" ? m.mentor : m.mentee);
const partner = () => (m.my_role === "mentor" ? m.mentee : m.mentor);
const firstName = (person) => person?.first_name || nameOf(person);
const isActive = () => m.status === "active";

/** The name behind an email in the record, "(you)" added for the reader; it reads well printed too. */
function who(email) {
  if (!email) return "";
  if (email === mine()?.email) return `${nameOf(mine())} (you)`;
  if (email === partner()?.email) return nameOf(partner());
  return email;
}

function personCard(person, role) {
  const isMe = person?.email === mine()?.email;
  return el("div", { class: "card pair__person" },
    el("h3", {}, `${role}: ${nameOf(person)}`, isMe ? " (you)" : ""),
    el("p", { class: "card__meta" }, workLine(person)),
    contactDetails(person),
  );
}

function renderPair() {
  const names = `${nameOf(m.mentee)} and ${nameOf(m.mentor)}`;
  document.getElementById("pair-title").textContent = `Mentorship: ${names}`;
  document.title = `Mentorship of ${names} | ${document.title.split(" | ").pop()}`;
  const since = isActive() ? `Matched on ${formatDate(m.started_at)}.` : `${formatDate(m.started_at)} to ${formatDate(m.ended_at)}.`;
  document.getElementById("pair-status").replaceChildren(badge(m.status), ` ${since}`);
  document.getElementById("pair-people").replaceChildren(personCard(m.mentee, "Mentee"), personCard(m.mentor, "Mentor"));

  const start = document.getElementById("getting-started");
  start.hidden = !(isActive() && !m.meeting_count);
  document.getElementById("getting-started-text").textContent = m.my_role === "mentee"
    ? `You lead this mentorship. Contact ${firstName(m.mentor)} within 48 hours of being matched to plan your first meeting.`
    : `${firstName(m.mentee)} leads this mentorship and should contact you within 48 hours of being matched to plan your first meeting. If you have not heard by then, send a short hello.`;
}

function renderEnded() {
  const panel = document.getElementById("ended");
  panel.hidden = isActive();
  document.getElementById("end-section").hidden = !isActive();
  if (isActive()) return;
  const fields = document.getElementById("ended-fields");
  fields.replaceChildren();
  addField(fields, "Outcome", m.outcome === "completed" || m.status === "completed" ? "Completed" : "Discontinued");
  addField(fields, "Ended", [formatDate(m.ended_at), m.ended_by ? `by ${who(m.ended_by)}` : ""].filter(Boolean).join(" "));
  if (m.end_reason) addField(fields, "Reason", m.end_reason);
  const line = document.getElementById("survey-line");
  if (m.survey_answered) {
    line.replaceChildren("You have answered the post-mentorship survey. Thank you.");
  } else {
    line.replaceChildren(
      "Please tell the program how it went: ",
      el("a", { class: "button", href: pageLink(root.dataset.surveyUrl, "mentorship", m.id) }, "Answer the post-mentorship survey"),
    );
  }
}

// --- Agreement ---------------------------------------------------------------

function renderAgreement() {
  const a = m.agreement;
  document.getElementById("agreement-doc").hidden = !a;
  document.getElementById("agreement-none").hidden = Boolean(a);
  document.getElementById("print-line").hidden = !a;
  const edit = document.getElementById("agreement-edit");
  edit.hidden = !isActive();
  document.getElementById("agreement-edit-summary").textContent = a ? "Change the agreement" : "Write the agreement";
  document.getElementById("save-agreement").textContent = a ? "Save the changes and confirm" : "Save and confirm the agreement";
  if (!a) {
    edit.open = isActive();
    document.getElementById("confirm-form").hidden = true;
    return;
  }
  const fields = document.getElementById("agreement-fields");
  fields.replaceChildren();
  const none = el("span", { class: "empty" }, "Not set");
  addField(fields, "Kind of mentorship", a.kind ? kindWords(a.kind) : none.cloneNode(true));
  addField(fields, "Goals", a.goals || none.cloneNode(true));
  addField(fields, "Steps toward the goals", a.steps || none.cloneNode(true));
  addField(fields, "Meeting schedule", a.schedule || none.cloneNode(true));
  addField(fields, "End date", a.end_date ? formatDay(a.end_date) : none.cloneNode(true));
  addField(fields, "Confidential or off-limits topics", a.off_limits || none.cloneNode(true));
  if (a.updated_by) addField(fields, "Last changed by", who(a.updated_by));

  const confirmed = (yes) => (yes ? "confirmed" : "not confirmed yet");
  document.getElementById("agreement-confirmations").replaceChildren(
    el("li", {}, `Mentee, ${nameOf(m.mentee)}: ${confirmed(a.confirmed_by_mentee)}`),
    el("li", {}, `Mentor, ${nameOf(m.mentor)}: ${confirmed(a.confirmed_by_mentor)}`),
  );
  const mineConfirmed = m.my_role === "mentor" ? a.confirmed_by_mentor : a.confirmed_by_mentee;
  const form = document.getElementById("confirm-form");
  form.hidden = !isActive() || mineConfirmed;
  document.getElementById("confirm-text").textContent =
    `${firstName(partner())} saved this version of your agreement. Read it, then confirm that you agree, or change it below.`;
}

function fillAgreementForm() {
  const a = m.agreement || {};
  for (const name of ["goals", "steps", "schedule", "end_date", "off_limits"]) {
    agreementForm.elements.namedItem(name).value = a[name] ?? "";
  }
  const kind = a.kind?.id ?? m.proposed_kind?.id;
  for (const radio of agreementForm.querySelectorAll('input[name="kind"]')) radio.checked = radio.value === kind;
  // What each side said on their application, the caller first.
  const wish = (person, me) => {
    const kind = person.mentorship_kind?.id;
    if (!kind) return "";
    const who = me ? "You" : firstName(person);
    return kind === "either"
      ? `${who} said either kind suits ${me ? "you" : "them"}.`
      : `${who} asked for a ${kind} mentorship.`;
  };
  const sides = m.my_role === "mentor" ? [[m.mentor, true], [m.mentee, false]] : [[m.mentee, true], [m.mentor, false]];
  refreshCounts();
  document.getElementById("kind-wishes").textContent = sides.map(([person, me]) => wish(person, me)).filter(Boolean).join(" ");
}

agreementForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("save-agreement");
  if (isBusy(button)) return;
  clearErrors(agreementForm);
  const data = new FormData(agreementForm);
  const text = (name) => String(data.get(name) ?? "").trim();
  const done = busy(button, "Saving…");
  const response = await put(`${path}/agreement`, {
    kind: text("kind"), goals: text("goals"), steps: text("steps"), schedule: text("schedule"), end_date: text("end_date"), off_limits: text("off_limits"),
  });
  done();
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showProblem(agreementForm, response.problem);
  show(response.data);
  document.getElementById("agreement-edit").open = false;
  notice(`Agreement saved and confirmed by you. We have asked ${firstName(partner())} to confirm it too.`,
    document.getElementById("agreement-heading"));
});

document.getElementById("confirm-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("confirm-button");
  if (isBusy(button)) return;
  const problem = document.getElementById("agreement-problem");
  problem.hidden = true;
  const done = busy(button, "Confirming…");
  const response = await post(`${path}/agreement/confirm`, { version: m.agreement?.version });
  done();
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) {
    // 409: it changed since this page loaded. Show the new version to read.
    await reload();
    showPanelProblem(problem, response.problem);
    problem.focus();
    return;
  }
  show(response.data);
  notice("You confirmed the agreement.", document.getElementById("agreement-heading"));
});

document.getElementById("print-agreement").addEventListener("click", () => {
  document.body.classList.add("printing-agreement");
  window.print();
});
window.addEventListener("afterprint", () => document.body.classList.remove("printing-agreement"));

// --- Meetings ----------------------------------------------------------------

function renderMeetings() {
  const meetings = [...(m.meetings || [])].sort((a, b) => String(b.date).localeCompare(String(a.date)));
  document.getElementById("meeting-rows").replaceChildren(...meetings.map((meeting) => el("tr", {},
    el("td", { class: "log__date" }, formatDay(meeting.date, "medium")),
    el("td", {}, minutesText(meeting.minutes)),
    el("td", {}, meeting.topic || ""),
    el("td", {}, who(meeting.logged_by)),
    el("td", {}, disputeCell(meeting)),
  )));
  document.getElementById("meetings-disputes").hidden = !meetings.some((x) => x.logged_by === partner()?.email);
  document.getElementById("meetings-table").hidden = meetings.length === 0;
  document.getElementById("meetings-none").hidden = meetings.length > 0;
  document.getElementById("meetings-total").textContent = m.meeting_count
    ? `${count(m.meeting_count, "meeting", "meetings")} logged, ${hoursText(m.hours)} in all: that is ${hoursText(m.hours)} of training credit for each of you.`
    : "";
  meetingForm.hidden = !isActive();
  document.getElementById("quick-actions").hidden = !isActive();
  if (!isActive()) showNextMeeting(false);
  const date = meetingForm.elements.namedItem("date");
  date.max = programDay();
  if (m.started_at) date.min = programDay(m.started_at);
}

/** "Disputed" or "No", and for an entry the partner logged, the button that changes it. */
function disputeCell(meeting) {
  const mark = meeting.disputed ? el("strong", {}, "Disputed") : el("span", {}, "No");
  if (meeting.logged_by !== partner()?.email) return mark;
  const label = meeting.disputed ? "Take back the dispute" : "Dispute";
  const day = formatDay(meeting.date, "medium");
  const button = el("button", {
    type: "button",
    class: "button button--secondary button--small no-print",
    "aria-label": `${label}: meeting of ${day}, ${minutesText(meeting.minutes)}`,
  }, label);
  button.addEventListener("click", () => setDispute(meeting, !meeting.disputed, button));
  return el("span", { class: "dispute" }, mark, " ", button);
}

async function setDispute(meeting, disputed, button) {
  if (isBusy(button)) return;
  const error = document.getElementById("dispute-error");
  error.hidden = true;
  const done = busy(button, "Saving…");
  const response = await put(`${path}/meetings/${encodeURIComponent(meeting.id)}/dispute`, { disputed });
  done();
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) {
    error.textContent = response.problem?.detail || "That did not work. Please try again.";
    error.hidden = false;
    return;
  }
  await reload();
  announce(disputed
    ? `The meeting of ${formatDay(meeting.date)} is marked as disputed.`
    : `The meeting of ${formatDay(meeting.date)} is no longer disputed.`);
}

meetingForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("log-meeting");
  if (isBusy(button)) return;
  clearErrors(meetingForm);
  const data = new FormData(meetingForm);
  const text = (name) => String(data.get(name) ?? "").trim();
  const minutes = text("minutes");
  // The API checks every field at once and says what is wrong with each;
  // a whole number goes as a number, anything else as typed.
  const body = { date: text("date"), minutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes, topic: text("topic") };
  const done = busy(button, "Logging…");
  const response = await post(`${path}/meetings`, body);
  done();
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showProblem(meetingForm, response.problem);
  meetingForm.reset();
  meetingForm.elements.namedItem("minutes").value = "60";
  refreshCounts();
  await reload();
  notice(`Meeting of ${formatDay(body.date)} logged. ${document.getElementById("meetings-total").textContent}`,
    document.getElementById("meetings-heading"));
});

// --- Ending ------------------------------------------------------------------

const endConfirm = document.getElementById("end-confirm");

function endBody() {
  const data = new FormData(endForm);
  return { outcome: String(data.get("outcome") ?? ""), reason: String(data.get("reason") ?? "").trim() };
}

endForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(endForm);
  const body = endBody();
  const errors = {};
  if (!body.outcome) errors.outcome = "Choose whether the mentorship is completed or discontinued.";
  if (!body.reason) errors.reason = "Say in a few words why it is ending.";
  if (Object.keys(errors).length) {
    endConfirm.hidden = true;
    showProblem(endForm, { title: "There is a problem", detail: "", errors });
    return;
  }
  document.getElementById("end-confirm-text").textContent =
    `This ends your mentorship with ${nameOf(partner())} for both of you. You can undo it for 10 seconds; after that it cannot be undone. You will no longer be able to log meetings or change the agreement, and we will ask you both to answer the post-mentorship survey.`;
  endConfirm.hidden = false;
  document.getElementById("end-confirm-title").focus();
});

document.getElementById("end-no").addEventListener("click", () => {
  endConfirm.hidden = true;
  document.getElementById("end-button").focus();
});

document.getElementById("end-yes").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (isBusy(button)) return;
  const done = busy(button, "Ending…");
  const response = await post(`${path}/end`, endBody());
  done();
  endConfirm.hidden = true;
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) {
    if (response.status === 409) await reload();
    showProblem(endForm, response.problem);
    return;
  }
  show(response.data);
  noticeWithUndo({
    heading: document.getElementById("ended-title"),
    waiting: (seconds) => `The mentorship has ended. We email you both in ${seconds} seconds to ask for the survey; until then you can undo it.`,
    told: "The mentorship has ended. We are asking you both to answer the survey.",
    since: response.data.ended_at,
    until: response.data.undo_until,
    undo: () => del(`${path}/ending`),
    undone: (active) => {
      show(active);
      notice(`Undone: your mentorship with ${nameOf(partner())} goes on, and nobody was told it had ended.`);
    },
    failed: (response) => {
      if (response.status === 401) return showSignIn(here());
      showPanelProblem(document.getElementById("ended-problem"), response.problem);
      document.getElementById("ended-problem").focus();
    },
  });
});

// --- Loading -----------------------------------------------------------------

/** Shows the mentorship an answer brings; a change's answer leaves out the meetings, which stay. */
function show(next) {
  m = { ...next, meetings: next?.meetings ?? m.meetings };
  render();
}

function render() {
  renderPair();
  renderEnded();
  renderAgreement();
  renderGoals(m, who, show);
  renderMeetings();
}

async function reload() {
  const response = await get(path);
  if (response.ok) {
    m = response.data;
    render();
  }
  return response;
}

async function start() {
  if (!id) {
    showPanelProblem(document.getElementById("load-error"), {
      title: "Which mentorship?",
      detail: "This address does not say which mentorship to show. Your mentorships are listed on My dashboard.",
    });
    return;
  }
  announce("Loading the mentorship…");
  const response = await reload();
  announce("");
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  fillAgreementForm();
  meetingForm.elements.namedItem("minutes").value = "60";
  await showNextMeeting(isActive());
  document.getElementById("mentorship").hidden = false;
}

start();
