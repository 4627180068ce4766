// /my/applications/: the signed-in person's applications, their status and
// decision, a way to send a pending one to another supervisor, and sign-out.
import { applicationPath, get, post, put, showSignIn } from "./api.js";
import {
  announce, busy, clearErrors, decisionSummary, el, formatDate, fullName, isBusy,
  roleLabel, showPanelProblem, showProblem, statusBadge, uniqueIds,
} from "./ui.js";

const page = document.getElementById("my-applications");
const list = document.getElementById("applications");
const applyUrl = { mentee: page.dataset.applyMentee, mentor: page.dataset.applyMentor };
let me = null;
let applications = [];

function card(app) {
  const role = roleLabel(app.role);
  const titleId = `app-${app.role}-title`;
  const fields = el("dl", { class: "details" },
    el("dt", {}, "Status"), el("dd", {}, statusBadge(app.status)),
    el("dt", {}, "Sent"), el("dd", {}, formatDate(app.submitted_at)),
    el("dt", {}, "Last changed"), el("dd", {}, formatDate(app.updated_at)),
    el("dt", {}, "Supervisor"), el("dd", {}, `${fullName(app.supervisor)} (${app.supervisor?.email ?? ""})`),
  );
  if (app.decision) {
    fields.append(el("dt", {}, "Decision"), el("dd", {}, decisionSummary(app.decision, me.email)));
    if (app.decision.message) {
      fields.append(el("dt", {}, "Message with the decision"), el("dd", {}, el("blockquote", { class: "message" }, app.decision.message)));
    }
  }
  const article = el("article", { class: "card", "aria-labelledby": titleId },
    el("h2", { id: titleId, tabindex: "-1" }, `${role} application`),
    fields,
    el("p", {}, el("a", { href: applyUrl[app.role] }, `Change your ${app.role} application`)),
  );
  if (app.status === "denied") {
    article.append(el("p", {}, "If things have changed, you can change your application and send it for a new review."));
  }
  if (app.status === "pending") article.append(rerouteForm(app));
  return article;
}

function rerouteForm(app) {
  const template = document.getElementById("reroute-template");
  const fragment = uniqueIds(template.content.cloneNode(true), app.role);
  const form = fragment.querySelector("form");
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
    clearErrors(form);
    const data = new FormData(form);
    const text = (name) => String(data.get(name) ?? "").trim();
    const done = busy(button, "Sending…");
    const response = await put(`${applicationPath(app.id)}/supervisor`, {
      supervisor_first_name: text("supervisor_first_name"),
      supervisor_last_name: text("supervisor_last_name"),
      supervisor_email: text("supervisor_email"),
    });
    done();
    if (response.ok) {
      applications = applications.map((a) => (a.id === app.id ? response.data : a));
      render();
      announce(`Your ${app.role} application now goes to ${fullName(response.data.supervisor)} for review.`);
      document.getElementById(`app-${app.role}-title`)?.focus();
    } else if (response.status === 401) {
      showSignIn(location.pathname);
    } else {
      showProblem(form, response.problem);
    }
  });
  return fragment;
}

function render() {
  list.replaceChildren(...applications.map(card));
  const missing = ["mentee", "mentor"].filter((role) => !applications.some((a) => a.role === role));
  const more = document.getElementById("apply-more");
  if (!missing.length) {
    more.hidden = true;
    return;
  }
  const none = applications.length === 0;
  document.getElementById("apply-more-title").textContent = none ? "You have not applied yet" : `Apply as a ${missing[0]} too`;
  document.getElementById("apply-more-text").textContent = none
    ? "Choose the role you want. You can apply for both, with one application each."
    : `You can take part as a mentee and a mentor at the same time, if you have time for both roles.`;
  document.getElementById("apply-more-links").replaceChildren(
    ...missing.map((role) => el("a", { class: "button", href: applyUrl[role] }, `Apply as a ${role}`)),
  );
  more.hidden = false;
}

async function start() {
  announce("Loading your applications…");
  const who = await get("/api/me");
  if (who.status === 401) {
    announce("");
    showSignIn(location.pathname);
    return;
  }
  const mine = who.ok ? await get("/api/applications") : who;
  if (!mine.ok) {
    announce("");
    showPanelProblem(document.getElementById("load-error"), mine.problem);
    return;
  }
  me = who.data;
  applications = mine.data?.applications || [];
  document.getElementById("me-email").textContent = me.email;
  render();
  announce("");
  document.getElementById("account").hidden = false;
}

const signOut = document.getElementById("signout");
signOut.addEventListener("click", async () => {
  if (isBusy(signOut)) return;
  const done = busy(signOut, "Signing out…");
  const response = await post("/api/auth/signout");
  done();
  if (response.ok || response.status === 401) {
    document.getElementById("account").hidden = true;
    document.getElementById("signed-out").hidden = false;
    document.getElementById("signed-out-title").focus();
  } else {
    showPanelProblem(document.getElementById("load-error"), response.problem);
  }
});

start();
