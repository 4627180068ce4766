// /check-in/?mentorship=ID&since=YYYY-MM-DD&answer=...: a check-in with a
// pair that has gone quiet, opened from its email with the answer chosen.
// GET /api/mentorships/{id}/check-ins/{since} reads it; the answer is sent
// (POST, same path) only when the person presses the button.
import { get, here, post, showSignIn } from "./api.js";
import { announce, busy, clearErrors, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { formatDay } from "./mentoring.js";

const params = new URLSearchParams(location.search);
const id = params.get("mentorship");
const since = params.get("since");
const chosen = params.get("answer");
const path = `/api/mentorships/${encodeURIComponent(id || "")}/check-ins/${encodeURIComponent(since || "")}`;
const form = document.getElementById("check-in-form");
const button = document.getElementById("send-answer");
const mentorshipPage = `/mentorships/?id=${encodeURIComponent(id || "")}`;

function show(panelId, text, link, linkText) {
  form.hidden = true;
  const panel = document.getElementById(panelId);
  document.getElementById(`${panelId}-text`).textContent = text;
  const a = document.getElementById(`${panelId}-link`);
  a.href = link;
  a.textContent = linkText;
  panel.hidden = false;
  return panel;
}

function showAnswered(data) {
  const who = data.answered_by === "you" ? "You" : data.partner;
  const when = data.answered_at ? ` on ${formatDay(data.answered_at.slice(0, 10))}` : "";
  show("answered", `${who} answered “${data.answer_label}”${when}. One answer settles a check-in for both of you.`,
    mentorshipPage, "Go to your mentorship");
}

/** What happens next, after each answer. */
function showDone(data) {
  const next = {
    meeting: [`Glad to hear it. Logging your meetings with ${data.partner} on your mentorship page counts them as training credit, and stops these check-ins.`,
      mentorshipPage, "Log a meeting"],
    need_help: ["The program team has been told and will get in touch with you. If it is urgent, their details are on the contact page.",
      "/contact/", "Contact the program team"],
    finished: [`Your mentorship with ${data.partner} has ended. You both get an email with a short survey about how it went; it takes about five minutes.`,
      `/survey/?mentorship=${encodeURIComponent(id)}`, "Answer the survey"],
  }[data.answer];
  if (!next) return showAnswered(data);
  show("done", ...next);
  document.getElementById("done-title").focus();
}

async function start() {
  if (!id || !since) {
    document.getElementById("no-check-in").hidden = false;
    return;
  }
  announce("Loading the check-in…");
  const response = await get(path);
  announce("");
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  const data = response.data || {};
  if (data.answer) return showAnswered(data);
  if (!data.active) {
    return show("answered", `Your mentorship with ${data.partner} has already ended, so this check-in is closed.`,
      mentorshipPage, "Go to your mentorship");
  }
  document.getElementById("check-in-about").textContent =
    `About your mentorship with ${data.partner}: no meeting logged since ${formatDay(data.since)}.`;
  const preset = form.querySelector(`input[name="answer"][value="${CSS.escape(chosen || "")}"]`);
  if (preset) preset.checked = true;
  form.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(button)) return;
  clearErrors(form);
  const answer = new FormData(form).get("answer");
  if (!answer) {
    showProblem(form, { title: "There is a problem", detail: "", errors: { answer: "Choose the answer that fits best." } });
    return;
  }
  const done = busy(button, "Sending…");
  const response = await post(path, { answer });
  done();
  if (response.ok) return showDone(response.data || {});
  if (response.status === 401) return showSignIn(here());
  if (response.status === 409) {
    // Answered meanwhile (or ended): show it as it now stands.
    const again = await get(path);
    if (again.ok && again.data?.answer) return showAnswered(again.data);
  }
  showProblem(form, response.problem);
});

start();
