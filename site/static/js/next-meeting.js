// The pair's next meeting on /mentorships/?id=ID (GET /api/mentorships/{id}/
// next-meeting): propose a time (PUT), accept the other side's, cancel
// it, add it to a calendar from its file, and log it in one click once it
// has started. Shown while the mentorship is active: mentorship.js calls
// showNextMeeting before it shows the page, so nothing moves.
import { get, here, post, put, showSignIn } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { formatDay } from "./mentoring.js";

const id = new URLSearchParams(location.search).get("id");
const base = `/api/mentorships/${encodeURIComponent(id || "")}/next-meeting`;
const section = document.getElementById("next-meeting");
const text = document.getElementById("next-meeting-text");
const actions = document.getElementById("next-meeting-actions");
const problem = document.getElementById("next-meeting-problem");
const form = document.getElementById("propose-form");
const details = document.getElementById("propose-details");
let plan = null;

const when = (p) => `${formatDay(p.date)} at ${p.start} for ${p.minutes} minutes${p.place ? `, ${p.place}` : ""}`;

function said(message) {
  announce(message);
  document.getElementById("next-meeting-title").focus();
}

function button(label, secondary, act) {
  const b = el("button", { class: `button${secondary ? " button--secondary" : ""}`, type: "button" }, label);
  b.addEventListener("click", async () => {
    if (isBusy(b)) return;
    problem.hidden = true;
    const undo = busy(b, "Saving…");
    await act();
    undo();
  });
  return b;
}

async function answer(response, done) {
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) {
    showPanelProblem(problem, response.problem);
    problem.focus();
    if (response.status === 409) await load();
    return;
  }
  await load();
  said(done);
}

function show() {
  const p = plan;
  const change = (label) => document.getElementById("propose-summary").textContent = label;
  const items = [];
  if (!p || p.status === "cancelled" || p.status === "logged") {
    text.textContent = !p ? "No meeting planned yet. Propose a time, and the other side is asked by email."
      : p.status === "logged" ? `Your last planned meeting (${formatDay(p.date)}) is logged. Propose the next one when you are ready.`
        : "The last meeting was cancelled. Propose another time.";
    change("Propose a time");
  } else if (p.status === "proposed") {
    text.textContent = p.proposed_by_you
      ? `You proposed ${when(p)}. Waiting for ${p.with} to accept or propose another time.`
      : `${p.with} proposes ${when(p)}.`;
    if (!p.proposed_by_you) {
      items.push(button("Accept this time", false, async () =>
        answer(await post(`${base}/accept`, { version: p.version }), "Accepted. You both get an email with the calendar file.")));
    }
    items.push(button("Cancel it", true, async () =>
      answer(await post(`${base}/cancel`, { version: p.version }), "Cancelled.")));
    change(p.proposed_by_you ? "Change the time" : "Propose another time");
  } else if (p.status === "accepted") {
    text.textContent = `Agreed with ${p.with}: ${when(p)}.`;
    if (p.calendar) items.push(el("a", { class: "button button--secondary", href: p.calendar }, "Add to my calendar"));
    if (p.started) {
      items.push(button(`Log it (${p.minutes} minutes)`, false, async () =>
        answer(await post(`${base}/log`, { version: p.version }), "Logged. It counts as training credit for both of you.")));
    }
    items.push(button("Cancel it", true, async () =>
      answer(await post(`${base}/cancel`, { version: p.version }), "Cancelled. The other side has been told.")));
    change("Change the time");
  }
  actions.replaceChildren(...items.flatMap((item) => [item, " "]));
  actions.hidden = items.length === 0;
}

async function load() {
  const response = await get(base);
  if (!response.ok) return response;
  plan = response.data.next_meeting;
  show();
  return response;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = document.getElementById("propose-button");
  if (isBusy(submit)) return;
  clearErrors(form);
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? "").trim();
  const body = { date: value("date"), start: value("start"), minutes: Number(value("minutes")) || value("minutes"), place: value("place"), version: plan?.version ?? 0 };
  const undo = busy(submit, "Proposing…");
  const response = await put(base, body);
  undo();
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) {
    if (response.status === 409) {
      await load();
      showPanelProblem(problem, response.problem);
      return problem.focus();
    }
    return showProblem(form, response.problem);
  }
  form.reset();
  details.open = false;
  await load();
  said(`Proposed. ${response.data.with} is asked by email.`);
});

/** Shows the section for an active mentorship (loading the plan), or hides it. */
export async function showNextMeeting(active) {
  section.hidden = !active || !id;
  if (section.hidden) return;
  const response = await load();
  if (!response.ok) section.hidden = true;
}
