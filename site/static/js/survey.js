// /survey/?mentorship=ID: the post-mentorship survey. GET /api/surveys/{id}
// says which version (mentee or mentor) and whether it is already answered;
// POST /api/surveys/{id} sends the answers. /survey/ alone lists the ended
// mentorships whose survey the person has not answered (GET /api/mentorships).
import { get, here, post, showSignIn } from "./api.js";
import { announce, busy, clearErrors, el, formatDate, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { count, nameOf } from "./mentoring.js";
import { countCharacters } from "./counts.js";

countCharacters();

const id = new URLSearchParams(location.search).get("mentorship");
const path = `/api/surveys/${encodeURIComponent(id || "")}`;
const form = document.getElementById("survey-form");
const button = document.getElementById("send-survey");

// The mentor's version asks about the mentee; `{partner}` is the other person's first name.
const WORDING = {
  mentee: {
    satisfaction: "Overall, how satisfied are you with your mentorship with {partner}?",
    goals_met: "Did you reach the goals you set for this mentorship?",
    would_recommend: "Would you recommend finding a mentor through MOments to a colleague?",
    went_well: "What went well?",
    improve: "What could have gone better?",
  },
  mentor: {
    satisfaction: "Overall, how satisfied are you with mentoring {partner}?",
    goals_met: "Did {partner} reach the goals they set for this mentorship?",
    would_recommend: "Would you recommend mentoring through MOments to a colleague?",
    went_well: "What went well?",
    improve: "What could have gone better?",
  },
};

/** The legend or label of a field, leaving its "(optional)" marker in place. */
function setQuestion(name, text) {
  const container = form.querySelector(`[data-field="${name}"]`);
  const holder = container?.querySelector("legend, label.field__label");
  if (!holder) return;
  const optional = holder.querySelector(".field__optional");
  holder.replaceChildren(text);
  if (optional) holder.append(" ", optional);
}

function prepare(data) {
  const version = data.version === "mentor" ? "mentor" : "mentee";
  const m = data.mentorship || {};
  const other = version === "mentor" ? m.mentee : m.mentor;
  const first = other?.first_name || nameOf(other) || (version === "mentor" ? "your mentee" : "your mentor");
  for (const [name, text] of Object.entries(WORDING[version])) setQuestion(name, text.replaceAll("{partner}", first));
  const dates = m.started_at ? `, ${formatDate(m.started_at)} to ${formatDate(m.ended_at)}` : "";
  document.getElementById("survey-about").textContent =
    `About your mentorship as ${version === "mentor" ? "the mentor of" : "the mentee of"} ${nameOf(other)}${dates}.`;
  if (m.meeting_count) {
    document.getElementById("h-meetings").textContent =
      `Count every meeting, whether or not it was logged here. ${count(m.meeting_count, "meeting was", "meetings were")} logged on MOments.`;
  }
}

function body() {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? "").trim();
  const number = (name) => (/^\d{1,3}$/.test(value(name)) ? Number(value(name)) : null);
  const recommend = value("would_recommend");
  return {
    satisfaction: number("satisfaction"),
    goals_met: value("goals_met"),
    meetings: number("meetings"),
    cadence: value("cadence"),
    would_recommend: recommend === "" ? null : recommend === "true",
    went_well: value("went_well"),
    improve: value("improve"),
    platform_feedback: value("platform_feedback"),
  };
}

/** Answers missing here are explained without a round trip; the API checks the rest. */
function missing(answers) {
  const errors = {};
  if (answers.satisfaction === null) errors.satisfaction = "Choose how satisfied you are, from 1 to 5.";
  if (!answers.goals_met) errors.goals_met = "Choose yes, partly or no.";
  if (answers.meetings === null) errors.meetings = "Enter the number of meetings as a whole number, for example 12.";
  if (!answers.cadence) errors.cadence = "Choose how often you usually met.";
  if (answers.would_recommend === null) errors.would_recommend = "Choose yes or no.";
  return errors;
}

function showAlready() {
  form.hidden = true;
  document.getElementById("already").hidden = false;
}

/** The person's ended mentorships with their survey still open, as links. */
async function listOpenSurveys() {
  announce("Loading your surveys…");
  const response = await get("/api/mentorships");
  announce("");
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  const open = (response.data?.mentorships || []).filter((m) => m.status !== "active" && !m.survey_answered);
  document.getElementById("open-survey-list").replaceChildren(...open.map((m) => {
    const other = m.my_role === "mentor" ? m.mentee : m.mentor;
    const role = m.my_role === "mentor" ? "mentoring" : "your mentorship with";
    return el("li", {},
      el("a", { href: `?mentorship=${encodeURIComponent(m.id)}` }, `Survey about ${role} ${nameOf(other)}`),
      m.ended_at ? `, ended ${formatDate(m.ended_at)}` : "");
  }));
  document.getElementById("no-open-surveys").hidden = open.length > 0;
  document.getElementById("open-surveys").hidden = false;
}

async function start() {
  if (!id) return listOpenSurveys();
  announce("Loading the survey…");
  const response = await get(path);
  announce("");
  if (response.status === 401) return showSignIn(here());
  if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
  if (response.data?.answered) return showAlready();
  prepare(response.data || {});
  form.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(button)) return;
  clearErrors(form);
  const answers = body();
  const errors = missing(answers);
  if (Object.keys(errors).length) {
    showProblem(form, { title: "There is a problem", detail: "", errors });
    return;
  }
  const done = busy(button, "Sending…");
  const response = await post(path, answers);
  done();
  if (response.ok) {
    form.hidden = true;
    document.getElementById("thanks").hidden = false;
    document.getElementById("thanks-title").focus();
  } else if (response.status === 401) {
    showSignIn(here());
  } else if (response.status === 409) {
    showAlready();
    document.getElementById("already-title").focus();
  } else {
    showProblem(form, response.problem);
  }
});

start();
