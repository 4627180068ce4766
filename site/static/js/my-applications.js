// /my/applications/: the signed-in person's applications, their status and
// decision, a way to send a pending one to another supervisor, a mentee's
// pause of their search for a mentor (PUT /api/applications/{id}/pause),
// withdrawing an application (POST /api/applications/{id}/withdraw), and
// sign-out.
import { applicationPath, get, post, put, showSignIn, whoAmI } from "./api.js";
import {
  announce, busy, clearErrors, decisionSummary, el, formatDate, fullName, isBusy, notice, roleLabel, showPanelProblem, showProblem, statusBadge, uniqueIds,
} from "./ui.js";

const page = document.getElementById("my-applications");
const list = document.getElementById("applications");
const applyUrl = { mentee: page.dataset.applyMentee, mentor: page.dataset.applyMentor };
let me = null;
let applications = [];
/** Active mentorships by the caller's role in them (GET /api/mentorships). */
let activeByRole = { mentee: [], mentor: [] };

function card(app) {
  const role = roleLabel(app.role);
  const titleId = `app-${app.role}-title`;
  const fields = el("dl", { class: "details" },
    el("dt", {}, "Status"), el("dd", {}, statusBadge(app.status)),
    el("dt", {}, "Sent"), el("dd", {}, formatDate(app.submitted_at)),
    el("dt", {}, "Last changed"), el("dd", {}, formatDate(app.updated_at)),
    el("dt", {}, "Supervisor"), el("dd", {}, `${fullName(app.supervisor)} (${app.supervisor?.email ?? ""})`),
    el("dt", {}, "Skills, in your order"), el("dd", {}, el("ol", {}, ...(app.skills || []).map((skill) => el("li", {}, skill.name)))),
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
  if (app.status === "revoked" && app.revoked) {
    fields.append(el("dt", {}, "Why the program team revoked it"), el("dd", {}, el("blockquote", { class: "message" }, app.revoked.reason)));
  }
  if (app.status === "revoked" || app.status === "withdrawn") {
    article.append(el("p", {}, "You can change your application and send it for review again whenever you are ready."));
  }
  if (app.status === "pending") article.append(rerouteForm(app));
  if (app.status === "approved" && app.role === "mentee") article.append(pauseControl(app));
  if (app.status === "pending" || app.status === "approved") article.append(withdrawForm(app));
  return article;
}

/** Say what changed in the panel above the applications, and focus it. */
function changed(message) {
  document.getElementById("changed-text").textContent = message;
  document.getElementById("changed").hidden = false;
  document.getElementById("changed-text").focus();
}

/** Keeps the active mentorships by the caller's role in them, for the withdraw forms. */
function keepActive(pairs) {
  if (!pairs.ok) return;
  const active = (pairs.data.mentorships || []).filter((m) => m.status === "active");
  activeByRole = {
    mentee: active.filter((m) => m.my_role === "mentee"),
    mentor: active.filter((m) => m.my_role === "mentor"),
  };
}

async function reload() {
  const [mine, pairs] = await Promise.all([get("/api/applications"), get("/api/mentorships")]);
  if (mine.ok) applications = mine.data.applications || [];
  keepActive(pairs);
  render();
}

function pauseControl(app) {
  const fragment = document.getElementById("pause-template").content.cloneNode(true);
  const text = fragment.querySelector(".pause__text");
  const button = fragment.querySelector("button");
  text.textContent = app.paused
    ? "Your search for a mentor is paused: you get no suggested matches and cannot send requests. Your mentorships go on."
    : "Need a break? Pausing your search stops suggested matches and requests until you resume it. Your mentorships go on.";
  button.textContent = app.paused ? "Resume my search for a mentor" : "Pause my search for a mentor";
  button.addEventListener("click", async () => {
    if (isBusy(button)) return;
    const done = busy(button, "Saving…");
    const response = await put(`${applicationPath(app.id)}/pause`, { paused: !app.paused });
    done();
    if (response.status === 401) return showSignIn(location.pathname);
    if (!response.ok) return showPanelProblem(document.getElementById("load-error"), response.problem);
    await reload();
    changed(response.data.message);
  });
  return fragment;
}

function withdrawForm(app) {
  const fragment = uniqueIds(document.getElementById("withdraw-template").content.cloneNode(true), `withdraw-${app.role}`);
  const form = fragment.querySelector("form");
  const button = form.querySelector('button[type="submit"]');
  button.textContent = `Withdraw my ${app.role} application`;
  const active = activeByRole[app.role] || [];
  if (active.length) {
    const partner = (m) => (app.role === "mentee" ? m.mentor : m.mentee);
    form.querySelector(".withdraw__list").replaceChildren(
      ...active.map((m) => el("li", {}, `With ${fullName(partner(m))}, since ${formatDate(m.started_at)}`)),
    );
    form.querySelector(".withdraw__mentorships").hidden = false;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(button)) return;
    clearErrors(form);
    const endThem = active.length > 0 && new FormData(form).get("end_mentorships") !== null;
    if (active.length && !endThem) {
      return showProblem(form, {
        detail: "Confirm that your mentorships end too.",
        errors: { end_mentorships: "Tick the box to confirm that your mentorships in this role end when you withdraw." },
      });
    }
    const done = busy(button, "Withdrawing…");
    const response = await post(`${applicationPath(app.id)}/withdraw`, { end_mentorships: endThem });
    done();
    if (response.status === 401) return showSignIn(location.pathname);
    if (!response.ok) return showProblem(form, response.problem);
    await reload();
    changed(response.data.message);
  });
  return fragment;
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
      notice(`Your ${app.role} application now goes to ${fullName(response.data.supervisor)} for review. We have emailed them.`,
        document.getElementById(`app-${app.role}-title`));
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
  const who = await whoAmI();
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
  if (applications.some((a) => a.status === "pending" || a.status === "approved")) {
    keepActive(await get("/api/mentorships"));
  }
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
