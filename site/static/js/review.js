// /review/: the review queue of supervisors and department administrators,
// and, with ?application=ID, one application in full with Approve and Deny.
import { applicationPath, del, get, here, post, showSignIn, whoAmI } from "./api.js";
import {
  announce, busy, clearErrors, decisionSummary, el, formatDate, fullName, isBusy, notice, roleLabel, showPanelProblem, showProblem, statusBadge, workplace,
} from "./ui.js";
import { noticeWithUndo } from "./undo.js";
import { countCharacters } from "./counts.js";

const reviewUrl = document.getElementById("review").dataset.reviewUrl;
const applicationId = new URLSearchParams(location.search).get("application");
let me = null;
countCharacters(document.getElementById("decision-form"));

const reviewLink = (app) => `${reviewUrl}?application=${encodeURIComponent(app.id)}`;

function summaryCard(app, { showSupervisor = false } = {}) {
  const name = fullName(app);
  const role = roleLabel(app.role);
  const meta = [`${role} application`, workplace(app), `sent ${formatDate(app.submitted_at)}`]
    .filter(Boolean)
    .join(" · ");
  const item = el("li", { class: "card" },
    el("h3", {}, name),
    el("p", { class: "card__meta" }, meta),
  );
  if (showSupervisor && app.supervisor) {
    item.append(el("p", {}, `Supervisor: ${fullName(app.supervisor)} (${app.supervisor.email})`));
  }
  if (app.decision) item.append(el("p", {}, statusBadge(app.status), " ", decisionSummary(app.decision, me.email)));
  item.append(el("p", {},
    el("a", { href: reviewLink(app) },
      app.decision ? "See the application" : "Review the application",
      el("span", { class: "visually-hidden" }, ` from ${name} (${role.toLowerCase()})`),
    ),
  ));
  return item;
}

function fillList(listId, emptyId, apps, options) {
  document.getElementById(listId).replaceChildren(...apps.map((app) => summaryCard(app, options)));
  document.getElementById(emptyId).hidden = apps.length > 0;
}

async function showQueue() {
  const response = await get("/api/reviews");
  if (!response.ok) return failed(response);
  const reviews = response.data || {};
  fillList("pending-list", "pending-empty", reviews.supervisor?.pending || []);
  fillList("decided-list", "decided-empty", reviews.supervisor?.decided || []);

  const departments = (reviews.department_admin || []).map((queue, i) => {
    const titleId = `department-${i}-title`;
    const pending = queue.pending || [];
    const section = el("section", { class: "queue", "aria-labelledby": titleId },
      el("h2", { id: titleId }, `${queue.department?.name ?? "Your department"}: waiting for a decision`),
      el("p", {}, "As a department administrator, decide only when the applicant’s supervisor is away for an extended period. The record shows that you decided on the supervisor’s behalf."),
    );
    if (pending.length) {
      section.append(el("ul", { class: "cards" }, ...pending.map((app) => summaryCard(app, { showSupervisor: true }))));
    } else {
      section.append(el("p", { class: "empty" }, "No applications from this department are waiting."));
    }
    return section;
  });
  document.getElementById("department-queues").replaceChildren(...departments);
  announce("");
  document.getElementById("queue").hidden = false;
}

function addField(list, term, ...value) {
  list.append(el("dt", {}, term), el("dd", {}, ...value));
}

function renderApplication(app) {
  const name = fullName(app);
  document.getElementById("detail-title").textContent = `${name}: ${app.role} application`;
  document.getElementById("detail-status").replaceChildren(statusBadge(app.status));

  // The summary, with the decision under it; then the application in full.
  document.getElementById("detail-summary").textContent =
    [app.job_title, workplace(app), `sent ${formatDate(app.submitted_at)}`].filter(Boolean).join(" · ");
  const fields = document.getElementById("detail-fields");
  fields.replaceChildren();
  addField(fields, "Work email", app.email);
  if (app.phone) addField(fields, "Work phone", app.phone);
  addField(fields, "Work location", app.work_location);
  addField(fields, "Working hours", app.working_hours?.name ?? "");
  addField(fields, "Supervisor", `${fullName(app.supervisor)} (${app.supervisor?.email ?? ""})`);
  if (app.updated_at && app.updated_at !== app.submitted_at) addField(fields, "Last changed", formatDate(app.updated_at));
  addField(fields, "Short bio", app.bio);
  if (app.role === "mentee") addField(fields, "Goals", app.goals ?? "");
  addField(fields, app.role === "mentee" ? "Skills to build, ranked" : "Skills to share, ranked",
    el("ol", {}, ...(app.skills || []).map((skill) => el("li", {}, `${skill.name} (${skill.kind === "soft" ? "soft skill" : "career skill"})`))));
  if (app.prior_mentees?.length) {
    addField(fields, "Mentees served outside MOments", el("ul", {}, ...app.prior_mentees.map((email) => el("li", {}, email))));
  }

  const record = document.getElementById("decision-record");
  const form = document.getElementById("decision-form");
  if (app.decision) {
    const decision = document.getElementById("decision-fields");
    decision.replaceChildren();
    addField(decision, "Outcome", statusBadge(app.status));
    addField(decision, "Decided", decisionSummary(app.decision, me.email));
    if (app.decision.message) addField(decision, "Message", el("blockquote", { class: "message" }, app.decision.message));
    record.hidden = false;
  } else {
    record.hidden = true;
  }

  const ownApplication = app.email === me.email;
  form.hidden = app.status !== "pending" || ownApplication;
  if (ownApplication && app.status === "pending") {
    const problem = document.getElementById("detail-problem");
    showPanelProblem(problem, { title: "This is your own application", detail: "Your supervisor reviews it; you cannot decide it yourself." });
  }
  const onBehalf = document.getElementById("on-behalf");
  if (!form.hidden && app.supervisor?.email !== me.email) {
    onBehalf.textContent = `You are not ${name}’s supervisor. Decide only if ${fullName(app.supervisor)} is away for an extended period: the record will show that you decided on their behalf, and they will see it.`;
    onBehalf.hidden = false;
  } else {
    onBehalf.hidden = true;
  }
}

async function showApplication(id) {
  const response = await get(applicationPath(id));
  if (!response.ok) return failed(response);
  let app = response.data;
  renderApplication(app);
  announce("");
  document.getElementById("detail").hidden = false;

  const form = document.getElementById("decision-form");
  let outcome = null;
  for (const button of form.querySelectorAll('button[name="outcome"]')) {
    button.addEventListener("click", () => {
      outcome = button.value;
    });
  }
  const actions = document.getElementById("decision-actions");
  const confirm = document.getElementById("decision-confirm");
  const yes = document.getElementById("decision-yes");
  const messageBox = form.elements.namedItem("message");
  const asking = (on) => {
    confirm.hidden = !on;
    actions.hidden = on;
    messageBox.readOnly = on;
  };
  // Approve or Deny first asks, restating the decision and the message.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.submitter || form.querySelector(`button[value="${outcome}"]`);
    if (!button) return;
    clearErrors(form);
    document.getElementById("detail-problem").hidden = true;
    const approve = button.value === "approve";
    const message = String(new FormData(form).get("message") ?? "").trim();
    const first = app.first_name || fullName(app);
    document.getElementById("decision-confirm-title").textContent =
      `${approve ? "Approve" : "Deny"} ${fullName(app)}’s ${app.role} application?`;
    const sent = message ? `, with your message: “${message}”` : approve ? "" : ", without a message (you can add one above to say why)";
    const next = approve
      ? (app.role === "mentor" ? "Their profile is then listed for mentees to find." : "They can then look for a mentor.")
      : "They can change the application and send it for review again.";
    document.getElementById("decision-confirm-text").textContent =
      `We will email ${first} that you ${approve ? "approved" : "denied"} it${sent}. ${next}`;
    yes.textContent = approve ? "Yes, approve it" : "Yes, deny it";
    yes.value = button.value;
    asking(true);
    document.getElementById("decision-confirm-title").focus();
  });
  document.getElementById("decision-back").addEventListener("click", () => {
    asking(false);
    form.querySelector(`button[value="${yes.value}"]`)?.focus();
  });
  yes.addEventListener("click", async () => {
    const button = yes;
    if (isBusy(button)) return;
    const message = String(new FormData(form).get("message") ?? "").trim();
    const done = busy(button, button.value === "approve" ? "Approving…" : "Denying…");
    const result = await post(`${applicationPath(app.id)}/decision`, { outcome: button.value, message });
    done();
    asking(false);
    if (result.ok) {
      app = result.data;
      renderApplication(app);
      offerUndo(app, (undone) => {
        app = undone;
      });
    } else if (result.status === 401) {
      showSignIn(here());
    } else if (result.status === 422) {
      showProblem(form, result.problem);
    } else {
      // 403 or 409: explain, and show the application as it stands now.
      showPanelProblem(document.getElementById("detail-problem"), result.problem);
      const fresh = await get(applicationPath(app.id));
      if (fresh.ok) {
        app = fresh.data;
        renderApplication(app);
      }
      document.getElementById("detail-problem").focus();
    }
  });
}

/**
 * The banner after a decision, with an Undo button for as long as the
 * answer's `undo_until` allows (the applicant's email waits until then).
 * `replaced` gets the application after an undo.
 */
function offerUndo(app, replaced) {
  const verb = app.status === "approved" ? "approved" : "denied";
  const what = `You ${verb} ${fullName(app)}’s application.`;
  noticeWithUndo({
    heading: document.getElementById("decision-record-title"),
    waiting: (seconds) => `${what} We email ${app.first_name} in ${seconds} seconds; until then you can undo it.`,
    told: `${what} ${app.first_name} gets an email saying so.`,
    since: app.decision?.decided_at,
    until: app.decision?.undo_until,
    undo: () => del(`${applicationPath(app.id)}/decision`),
    undone: (pending) => {
      replaced(pending);
      renderApplication(pending);
      notice(`Undone: ${fullName(app)}’s application waits for your decision again, and no email was sent.`,
        document.getElementById("decision-form-title"));
    },
    failed: (response) => {
      if (response.status === 401) return showSignIn(here());
      showPanelProblem(document.getElementById("detail-problem"), response.problem);
      document.getElementById("detail-problem").focus();
    },
  });
}

function failed(response) {
  announce("");
  if (response.status === 401) {
    showSignIn(here());
  } else {
    showPanelProblem(document.getElementById("load-error"), response.problem);
  }
}

async function start() {
  announce(applicationId ? "Loading the application…" : "Loading applications to review…");
  const who = await whoAmI();
  if (!who.ok) return failed(who);
  me = who.data;
  for (const node of document.querySelectorAll("[data-me-email]")) node.textContent = me.email;
  if (applicationId) await showApplication(applicationId);
  else await showQueue();
}

start();
