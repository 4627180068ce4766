// /requests/?id=ID: one mentorship request (GET /api/requests/{id}). The
// email a mentor receives links here: the mentor reads the mentee's
// application and accepts or declines; the mentee can follow or withdraw it.
import { del, get, here, post, showSignIn, whoAmI } from "./api.js";
import {
  announce, busy, clearErrors, el, formatDate, isBusy, notice, showPanelProblem, showProblem, workplace,
} from "./ui.js";
import { noticeWithUndo } from "./undo.js";
import { addField, badge, contactDetails, kindWords, nameOf, pageLink, reasonLabel, skillList, workLine } from "./mentoring.js";

const root = document.getElementById("request-page");
const id = new URLSearchParams(location.search).get("id");
const path = `/api/requests/${encodeURIComponent(id || "")}`;
let me = null;
let request = null;

const asMentor = () => Boolean(request.mentee_card) || request.mentor?.email === me?.email;

/** The mentee's card: what a mentor deciding the request may know. */
function renderApplication(app) {
  const article = document.getElementById("application");
  if (!app) {
    article.hidden = true;
    return;
  }
  document.getElementById("application-title").textContent = `${nameOf(app)}’s mentee application`;
  const fields = document.getElementById("application-fields");
  fields.replaceChildren();
  addField(fields, "Job title", app.job_title ?? "");
  addField(fields, "Department", workplace(app));
  addField(fields, "Working hours", app.working_hours?.name ?? "");
  if (app.mentorship_kind) addField(fields, "Kind of mentorship", kindWords(app.mentorship_kind));
  addField(fields, "What they hope to achieve", app.goals ?? "");
  addField(fields, "Skills they want to build, most important first", skillList(app.skills));
  addField(fields, "About them", app.bio ?? "");
  article.hidden = false;
}

function render() {
  const mentor = asMentor();
  const other = mentor ? request.mentee : request.mentor;
  const name = nameOf(other);
  document.getElementById("request-title").textContent = mentor ? `Request from ${name}` : `Your request to ${name}`;
  document.getElementById("request-status").replaceChildren(badge(request.status));
  const changed = request.updated_at && request.updated_at !== request.created_at ? `, last changed ${formatDate(request.updated_at)}` : "";
  document.getElementById("request-dates").textContent = `Sent ${formatDate(request.created_at)}${changed}.`;

  const fields = document.getElementById("request-fields");
  fields.replaceChildren();
  addField(fields, mentor ? "Mentee" : "Mentor", [name, workLine(other)].filter(Boolean).join(", "));
  if (request.message) addField(fields, mentor ? "Their note to you" : "Your note", el("blockquote", { class: "message" }, request.message));
  if (request.reason && request.status !== "pending") addField(fields, reasonLabel(request.status), request.reason);

  renderApplication(mentor ? request.mentee_card : null);
  const pending = request.status === "pending";
  document.getElementById("answer").hidden = !(mentor && pending);
  document.getElementById("withdraw-form").hidden = mentor || !pending;
  if (!mentor && request.status === "declined") {
    fields.append(el("dt", {}, "What next"), el("dd", {}, "Look for another mentor: ",
      el("a", { href: root.dataset.findUrl }, "Find a mentor"), "."));
  }
}

/** The matched panel: contact details, the 48-hour advice, the mentorship link. */
function showMatched(mentorship, focus) {
  const mentor = asMentor();
  const other = mentorship ? (mentor ? mentorship.mentee : mentorship.mentor) : (mentor ? request.mentee : request.mentor);
  const first = other?.first_name || nameOf(other);
  document.getElementById("matched-title").textContent = mentor ? `You are now ${nameOf(other)}’s mentor` : `${nameOf(other)} is your mentor`;
  document.getElementById("matched-advice").textContent = mentor
    ? `${first} leads the mentorship and should contact you within 48 hours to plan your first meeting. If you have not heard by then, send a short hello.`
    : `You lead the mentorship: contact ${first} within 48 hours to plan your first meeting.`;
  const contact = document.getElementById("matched-contact");
  contact.replaceChildren(mentorship && mentorship.status === "active" ? contactDetails(other) : "");
  const link = document.getElementById("matched-link");
  const mentorshipId = mentorship?.id || request.mentorship_id;
  link.hidden = !mentorshipId;
  if (mentorshipId) link.href = pageLink(root.dataset.mentorshipUrl, "id", mentorshipId);
  document.getElementById("matched").hidden = false;
  if (focus) document.getElementById("matched-title").focus();
}

async function refresh() {
  const fresh = await get(path);
  if (fresh.ok) {
    request = fresh.data;
    render();
  }
}

/** A refusal (409: no longer pending, someone is full; 403): explain, show the request as it is now. */
async function refused(response, form) {
  if (response.status === 401) {
    showSignIn(here());
    return;
  }
  if (response.status === 422 && form) {
    showProblem(form, response.problem);
    return;
  }
  await refresh();
  const panel = document.getElementById("load-error");
  showPanelProblem(panel, response.problem);
  panel.focus();
}

async function start() {
  if (!id) {
    showPanelProblem(document.getElementById("load-error"), {
      title: "Which request?",
      detail: "This address does not say which request to show. Your requests are listed on My dashboard.",
    });
    return;
  }
  announce("Loading the request…");
  const [who, response] = await Promise.all([whoAmI(), get(path)]);
  announce("");
  if (who.status === 401 || response.status === 401) {
    showSignIn(here());
    return;
  }
  if (!response.ok) {
    showPanelProblem(document.getElementById("load-error"), response.problem);
    return;
  }
  me = who.ok ? who.data : null;
  request = response.data;
  render();
  document.getElementById("request").hidden = false;
  if (request.status === "accepted") {
    const pair = request.mentorship_id ? await get(`/api/mentorships/${encodeURIComponent(request.mentorship_id)}`) : null;
    showMatched(pair?.ok ? pair.data : null, false);
  }
}

document.getElementById("accept-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("accept-button");
  if (isBusy(button)) return;
  document.getElementById("load-error").hidden = true;
  const done = busy(button, "Accepting…");
  const response = await post(`${path}/accept`);
  done();
  if (!response.ok) return refused(response);
  request = response.data?.request || { ...request, status: "accepted" };
  render();
  showMatched(response.data?.mentorship || null, true);
});

document.getElementById("decline-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const button = document.getElementById("decline-button");
  if (isBusy(button)) return;
  clearErrors(form);
  document.getElementById("load-error").hidden = true;
  const reason = String(new FormData(form).get("reason") ?? "").trim();
  const done = busy(button, "Declining…");
  const response = await post(`${path}/decline`, { reason });
  done();
  if (!response.ok) return refused(response, form);
  request = response.data;
  render();
  notice(`You declined ${nameOf(request.mentee)}’s request. They can see your answer.`, document.getElementById("request-title"));
});

document.getElementById("withdraw-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("withdraw-button");
  if (isBusy(button)) return;
  document.getElementById("load-error").hidden = true;
  const done = busy(button, "Withdrawing…");
  const response = await post(`${path}/withdraw`);
  done();
  if (!response.ok) return refused(response);
  request = response.data;
  render();
  const heading = document.getElementById("request-title");
  const mentor = nameOf(request.mentor);
  noticeWithUndo({
    heading,
    waiting: (seconds) => `You withdrew this request. We email ${mentor} in ${seconds} seconds; until then you can undo it.`,
    told: `You withdrew this request, and ${mentor} gets an email saying so. You can ask another mentor from Find a mentor.`,
    since: request.updated_at,
    until: request.undo_until,
    undo: () => del(`${path}/withdrawal`),
    undone: (pending) => {
      request = pending;
      render();
      notice(`Undone: your request waits for ${mentor}’s answer again, and no email was sent.`, heading);
    },
    failed: (response) => refused(response),
  });
});

start();
