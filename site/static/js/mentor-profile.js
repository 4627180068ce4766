// /mentors/profile/?id=ID: one mentor's profile (GET /api/mentors/{id}) and
// "Select as Mentor" (POST /api/requests) when the API says the caller may.
import { get, here, post, showSignIn } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showFormFailure, workplace } from "./ui.js";
import { addField, contactDetails, kindWords, nameOf, skillList } from "./mentoring.js";
import { countCharacters } from "./counts.js";

countCharacters();

const root = document.getElementById("mentor-profile");
const id = new URLSearchParams(location.search).get("id");
const form = document.getElementById("request-form");
const button = document.getElementById("select-mentor");
let mentor = null;

// Coming from a search, "Back" returns to that search rather than a blank one.
function backToSearch() {
  if (!document.referrer) return;
  const from = new URL(document.referrer);
  const find = new URL(root.dataset.findUrl, location.href);
  if (from.origin === location.origin && from.pathname === find.pathname) {
    document.getElementById("back-link").href = from.pathname + from.search;
  }
}

function render() {
  const name = nameOf(mentor);
  document.getElementById("profile-name").textContent = name;
  document.title = `${name}, mentor | ${document.title.split(" | ").pop()}`;
  for (const node of document.querySelectorAll("[data-first-name]")) node.textContent = mentor.first_name || name;
  document.getElementById("profile-work").textContent = [mentor.job_title, workplace(mentor)].filter(Boolean).join(" · ");
  document.getElementById("profile-listed").replaceChildren(
    mentor.listed
      ? el("span", { class: "badge badge--approved" }, "Taking new mentees")
      : el("span", { class: "badge badge--neutral" }, "Not taking new mentees right now"),
  );
  const reason = document.getElementById("profile-reason");
  if (mentor.reason) {
    reason.replaceChildren(el("strong", {}, "Why they may suit you: "), mentor.reason);
    reason.hidden = false;
  }

  const fields = document.getElementById("profile-fields");
  fields.replaceChildren();
  addField(fields, "Work location", mentor.work_location ?? "");
  addField(fields, "Working hours", mentor.working_hours?.name ?? "");
  if (mentor.mentorship_kind) addField(fields, "Kind of mentorship", kindWords(mentor.mentorship_kind));
  addField(fields, "Skills they can help with, strongest first", skillList(mentor.skills));
  addField(fields, "About them", mentor.bio ?? "");

  const contact = document.getElementById("contact");
  if (mentor.contact) {
    document.getElementById("contact-details").replaceChildren(contactDetails(mentor.contact));
    contact.hidden = false;
  } else {
    contact.hidden = true;
  }

  const cannot = document.getElementById("cannot-request");
  form.hidden = !mentor.can_request;
  if (!mentor.can_request && mentor.cannot_request_because) {
    document.getElementById("cannot-request-text").textContent = mentor.cannot_request_because;
    cannot.hidden = false;
  } else {
    cannot.hidden = true;
  }
}

async function start() {
  backToSearch();
  if (!id) {
    showPanelProblem(document.getElementById("load-error"), {
      title: "Which mentor?",
      detail: "This address does not say which profile to show. Open a profile from Find a mentor.",
    });
    return;
  }
  announce("Loading the profile…");
  const response = await get(`/api/mentors/${encodeURIComponent(id)}`);
  announce("");
  if (response.status === 401) {
    showSignIn(here());
    return;
  }
  if (!response.ok) {
    const problem = response.status === 404
      ? { title: "No such mentor", detail: "There is no mentor profile at this address. It may have been a mistyped link, or the person is no longer a mentor." }
      : response.problem;
    showPanelProblem(document.getElementById("load-error"), problem);
    return;
  }
  mentor = response.data;
  render();
  document.getElementById("profile").hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (isBusy(button)) return;
  clearErrors(form);
  const message = String(new FormData(form).get("message") ?? "").trim();
  const done = busy(button, "Sending your request…");
  const response = await post("/api/requests", { mentor: mentor.id, message });
  done();
  if (response.ok) {
    form.hidden = true;
    document.getElementById("requested-text").textContent =
      `We have emailed ${nameOf(mentor)} your request. They can read your mentee application and will accept or decline; we will email you their answer.`;
    document.getElementById("requested").hidden = false;
    document.getElementById("requested-title").focus();
  } else {
    // 409 says why in `detail` (already two mentors, mentor now full, ...); 422 marks the note.
    showFormFailure(form, response);
  }
});

start();
