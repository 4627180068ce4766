// /admin/, program administrators only: department administrators
// (GET, POST, DELETE /api/admin/department-admins), program administrators
// (GET, POST, DELETE /api/admin/program-admins), the program team's contact
// details (GET /api/contacts, PUT /api/admin/contact), the suggested matches
// (POST /api/admin/matching/preview, .../publish), requests to remove a
// person's data (GET /api/admin/erasures, POST .../{email}), and the
// security log (admin-security.js). A person's records, and acting on them,
// are on /admin/people/ (admin-people.js).
import { call, get, here, post, showSignIn } from "./api.js";
import { announce, busy, clearErrors, el, formatDate, isBusy, showPanelProblem, showProblem } from "./ui.js";
import { count, dataTable } from "./admin-figures.js";
import { loadSecurityLog } from "./admin-security.js";

const { profileUrl, peopleUrl } = document.getElementById("admin").dataset;

/** A person's address, linking to their records on the People page. */
const personLink = (email) => el("a", { href: `${peopleUrl}?${new URLSearchParams({ email })}` }, email);

const hidden = (text) => el("span", { class: "visually-hidden" }, text);
const whenFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
  timeZone: "America/Chicago", timeZoneName: "short",
});
const when = (iso) => (Number.isNaN(new Date(iso).getTime()) ? "" : whenFormat.format(new Date(iso)));

/** True when the response is a 401, after showing the sign-in panel. */
function signedOut(response) {
  if (response.status !== 401) return false;
  document.getElementById("console").hidden = true;
  showSignIn(here());
  return true;
}

/**
 * An "are you sure?" panel under `trigger`, which it replaces while open.
 * `act` runs on "yes"; focus goes to the question, and back to `trigger` on "no".
 */
function confirmInline(trigger, { question, yes, act }) {
  const text = el("p", { tabindex: "-1", class: "confirm__question" }, question);
  const yesButton = el("button", { class: "button button--danger button--small", type: "button" }, yes);
  const noButton = el("button", { class: "button button--secondary button--small", type: "button" }, "Cancel");
  const panel = el("div", { class: "confirm" }, text, el("div", { class: "actions" }, yesButton, noButton));
  const close = () => {
    panel.remove();
    trigger.hidden = false;
  };
  noButton.addEventListener("click", () => {
    close();
    trigger.focus();
  });
  yesButton.addEventListener("click", async () => {
    if (isBusy(yesButton)) return;
    const done = busy(yesButton, "Working…");
    await act();
    done();
    close();
  });
  trigger.hidden = true;
  trigger.after(panel);
  text.focus();
}

// --- Department administrators ---------------------------------------------------

const adminForm = document.getElementById("add-admin-form");
const adminPath = (department, email) =>
  `/api/admin/department-admins/${encodeURIComponent(department)}/${encodeURIComponent(email)}`;

function adminItem(department, admin) {
  const remove = el("button", { class: "button button--secondary button--small", type: "button" },
    "Remove", hidden(` ${admin.email} from the ${department.name}`));
  remove.addEventListener("click", () => confirmInline(remove, {
    question: `Remove ${admin.email} as administrator of the ${department.name}? They will no longer see its figures and exports, receive its Monday digest, or decide its applications.`,
    yes: "Yes, remove",
    act: async () => {
      const response = await call("DELETE", adminPath(department.id, admin.email));
      if (signedOut(response)) return;
      const notice = response.ok
        ? `${admin.email} no longer administers the ${department.name}.`
        : response.problem.detail;
      await loadAdmins(notice, !response.ok);
      document.getElementById("admins-title").focus();
    },
  }));
  const added = [admin.added_by ? `added by ${admin.added_by}` : "", admin.added_at ? `on ${formatDate(admin.added_at)}` : ""]
    .filter(Boolean).join(" ");
  return el("li", { class: "admin-list__person" },
    el("span", { class: "admin-list__email" }, personLink(admin.email)),
    added ? el("span", { class: "admin-list__meta" }, ` ${added}`) : null,
    " ", remove);
}

async function loadAdmins(notice = "", isProblem = false) {
  const list = document.getElementById("admin-list");
  const response = await get("/api/admin/department-admins");
  if (signedOut(response)) return;
  if (!response.ok) {
    showPanelProblem(list, response.problem);
    return;
  }
  const departments = response.data.departments || [];
  const staffed = departments.filter((d) => d.admins?.length);
  const without = departments.filter((d) => !d.admins?.length).map((d) => d.department.name);
  list.replaceChildren(
    notice ? el("p", { class: `panel ${isProblem ? "panel--error" : "panel--success"} panel--info` }, notice) : "",
    el("h3", {}, "Current department administrators"),
    staffed.length
      ? el("ul", { class: "cards admin-list" }, ...staffed.map((d) => el("li", { class: "card" },
        el("h4", {}, d.department.name),
        el("ul", { class: "admin-list__people" }, ...d.admins.map((a) => adminItem(d.department, a))))))
      : el("p", { class: "empty" }, "No department has an administrator yet."),
    without.length
      ? el("details", { class: "disclosure" },
        el("summary", {}, `Departments without an administrator (${without.length})`),
        el("ul", {}, ...without.map((name) => el("li", {}, name))))
      : "",
  );
  if (notice) announce(notice);
}

adminForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("add-admin");
  if (isBusy(button)) return;
  clearErrors(adminForm);
  const data = new FormData(adminForm);
  const body = { email: String(data.get("email") ?? "").trim(), department: String(data.get("department") ?? "") };
  const done = busy(button, "Adding…");
  const response = await post("/api/admin/department-admins", body);
  done();
  if (signedOut(response)) return;
  if (!response.ok) return showProblem(adminForm, response.problem);
  adminForm.reset();
  await loadAdmins(`${response.data.email} now administers the ${response.data.department.name}.`);
});

// --- Program administrators ---------------------------------------------------

const programAdminForm = document.getElementById("add-program-admin-form");

function programAdminItem(admin) {
  const added = admin.added_by
    ? `added by ${admin.added_by}${admin.added_at ? ` on ${formatDate(admin.added_at)}` : ""}`
    : "there from the start";
  const remove = el("button", { class: "button button--secondary button--small", type: "button" },
    "Remove", hidden(` ${admin.email} as program administrator`));
  remove.addEventListener("click", () => confirmInline(remove, {
    question: admin.you
      ? "Remove yourself as program administrator? You will lose this page as soon as you do."
      : `Remove ${admin.email} as program administrator? They will lose this page at once.`,
    yes: "Yes, remove",
    act: async () => {
      const response = await call("DELETE", `/api/admin/program-admins/${encodeURIComponent(admin.email)}`);
      if (signedOut(response)) return;
      if (response.ok && admin.you) {
        window.location.reload();
        return;
      }
      const notice = response.ok
        ? `${admin.email} is no longer a program administrator.`
        : response.problem.detail;
      await loadProgramAdmins(notice, !response.ok);
      document.getElementById("program-admins-title").focus();
    },
  }));
  return el("li", { class: "admin-list__person" },
    el("span", { class: "admin-list__email" }, personLink(admin.email)),
    admin.you ? el("span", { class: "admin-list__meta" }, " (you)") : null,
    el("span", { class: "admin-list__meta" }, ` ${added}`),
    " ", remove);
}

async function loadProgramAdmins(notice = "", isProblem = false) {
  const list = document.getElementById("program-admin-list");
  const response = await get("/api/admin/program-admins");
  if (signedOut(response)) return;
  if (!response.ok) {
    showPanelProblem(list, response.problem);
    return;
  }
  const admins = response.data.admins || [];
  list.replaceChildren(
    notice ? el("p", { class: `panel ${isProblem ? "panel--error" : "panel--success"} panel--info` }, notice) : "",
    el("h3", {}, "Current program administrators"),
    el("ul", { class: "admin-list__people" }, ...admins.map(programAdminItem)),
  );
  if (notice) announce(notice);
}

programAdminForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("add-program-admin");
  if (isBusy(button)) return;
  clearErrors(programAdminForm);
  const body = { email: String(new FormData(programAdminForm).get("email") ?? "").trim() };
  const done = busy(button, "Adding…");
  const response = await post("/api/admin/program-admins", body);
  done();
  if (signedOut(response)) return;
  if (!response.ok) return showProblem(programAdminForm, response.problem);
  programAdminForm.reset();
  await loadProgramAdmins(`${response.data.email} is now a program administrator.`);
});

// --- Program contact ---------------------------------------------------------------------

const contactForm = document.getElementById("contact-form");
/** The version of the contact details the form was filled from. */
let contactVersion = 0;

function contactSaved(program) {
  contactVersion = program.version;
  contactForm.elements.email.value = program.email ?? "";
  contactForm.elements.phone.value = program.phone ?? "";
  const status = document.getElementById("contact-status");
  status.textContent = program.updated_at ? `Last saved ${when(program.updated_at)}.` : "Not set yet: the contact page asks people to come to office hours instead.";
}

async function loadContact() {
  const response = await get("/api/contacts");
  if (!response.ok) {
    showPanelProblem(document.getElementById("contact-status"), response.problem);
    return;
  }
  contactSaved(response.data.program);
}

contactForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("save-contact");
  if (isBusy(button)) return;
  clearErrors(contactForm);
  const data = new FormData(contactForm);
  const body = { email: String(data.get("email") ?? "").trim(), phone: String(data.get("phone") ?? "").trim(), version: contactVersion };
  const done = busy(button, "Saving…");
  const response = await call("PUT", "/api/admin/contact", body);
  done();
  if (signedOut(response)) return;
  // Someone else saved first: show theirs, and say so.
  if (response.status === 409) await loadContact();
  if (!response.ok) return showProblem(contactForm, response.problem);
  contactSaved(response.data);
  announce("The contact details are saved. The contact page shows them within a minute.");
  document.getElementById("contact-status").textContent = "Saved. The contact page shows the change within a minute.";
});

// --- Suggested matches -------------------------------------------------------------------

function recordsTable(caption, columns, rows, empty, className = "") {
  return rows.length
    ? dataTable({ caption, className, columns: columns.map((label) => ({ label })), rows })
    : el("p", { class: "empty" }, empty);
}

const matchingProblem = document.getElementById("matching-problem");

function matchingFailed(response) {
  showPanelProblem(matchingProblem, response.problem);
  matchingProblem.focus();
}

function figure(list, term, value) {
  list.append(el("dt", {}, term), el("dd", {}, String(value)));
}

function suggestionItem(s) {
  const name = `${s.first_name} ${s.last_name}`;
  return el("li", {},
    profileUrl ? el("a", { href: `${profileUrl}?id=${encodeURIComponent(s.mentor_application_id)}` }, name) : name,
    `, ${s.job_title}, ${s.department?.name ?? ""} (fit ${s.score}). ${s.reason}`);
}

function renderPreview(p) {
  const figures = document.getElementById("preview-figures");
  figures.replaceChildren();
  figure(figures, "Run", p.run);
  figure(figures, "Worked out", when(p.computed_at));
  figure(figures, "Approved mentees who need a mentor", count(p.mentees));
  figure(figures, "Of them, with one mentor and looking for a second", count(p.second_mentor));
  figure(figures, "Of them, with at least one suggestion", count(p.with_suggestions));
  figure(figures, "Mentors who can take a mentee now", count(p.mentors_listed));
  figure(figures, "Total fit of all suggestions (see how a fit is scored)", count(p.total_fit));
  figure(figures, "Most lists any one mentor is in", count(p.largest_lists_per_mentor));
  document.getElementById("preview-lists").replaceChildren(recordsTable(
    "Suggested mentors for each mentee, best fit first",
    ["Mentee", "Suggested mentors"],
    p.lists.map((list) => ({
      header: el("span", {}, list.name, el("br"), el("span", { class: "admin-list__meta" }, personLink(list.email)),
        list.priority ? el("span", { class: "admin-list__meta" }, el("br"), "Left without suggestions last time") : "",
        list.second_mentor ? el("span", { class: "admin-list__meta" }, el("br"), "Has one mentor; these are for a second") : ""),
      cells: [el("div", {},
        list.suggestions.length ? el("ol", { class: "suggestions" }, ...list.suggestions.map(suggestionItem)) : "",
        list.short_reason ? el("p", { class: "admin-list__meta" }, `Shorter than five: ${list.short_reason}`) : "")],
    })),
    "No approved mentee needs a mentor at the moment.",
    "data--matches",
  ));
  document.getElementById("publish-matches").hidden = p.mentees === 0;
  document.getElementById("publish-confirm").hidden = true;
  document.getElementById("preview").hidden = false;
}

let previewed = null;

document.getElementById("preview-matches").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (isBusy(button)) return;
  matchingProblem.hidden = true;
  const done = busy(button, "Working out the matches…");
  const response = await post("/api/admin/matching/preview");
  done();
  if (signedOut(response)) return;
  if (!response.ok) return matchingFailed(response);
  previewed = response.data;
  document.getElementById("published").hidden = true;
  renderPreview(previewed);
  announce(`${count(previewed.with_suggestions)} of ${count(previewed.mentees)} mentees would get suggestions.`);
  document.getElementById("preview-title").focus();
});

document.getElementById("publish-matches").addEventListener("click", () => {
  document.getElementById("publish-confirm-text").textContent =
    `We work out the lists again as we publish, so they take in any change since this preview. Each mentee sees their list on My dashboard, and each of the ${count(previewed?.with_suggestions ?? 0)} with suggestions gets one email (once per run; this is run ${previewed?.run ?? ""}). This cannot be undone.`;
  document.getElementById("publish-confirm").hidden = false;
  document.getElementById("publish-confirm-title").focus();
});

document.getElementById("publish-no").addEventListener("click", () => {
  document.getElementById("publish-confirm").hidden = true;
  document.getElementById("publish-matches").focus();
});

document.getElementById("publish-yes").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  if (isBusy(button)) return;
  const done = busy(button, "Publishing…");
  const response = await post("/api/admin/matching/publish");
  done();
  document.getElementById("publish-confirm").hidden = true;
  if (signedOut(response)) return;
  if (!response.ok) return matchingFailed(response);
  const r = response.data;
  document.getElementById("preview").hidden = true;
  document.getElementById("published-text").textContent =
    `Run ${r.run}: ${count(r.with_suggestions)} of ${count(r.mentees)} mentees now have suggested mentors on their dashboard, and ${count(r.emailed)} ${r.emailed === 1 ? "mentee was" : "mentees were"} emailed just now.`;
  document.getElementById("published").hidden = false;
  announce("Suggested matches published.");
  document.getElementById("published-title").focus();
});

// --- Requests to remove data ----------------------------------------------------------

function erasureItem(request) {
  const asked = el("p", { class: "admin-list__meta" }, `Asked on ${formatDate(request.requested_at)}`);
  const note = request.note ? el("p", {}, "Their note: ", el("q", {}, request.note)) : null;
  let action;
  if (request.blocked_by) {
    action = el("p", { class: "panel panel--warning" }, `Not yet: ${request.blocked_by}`);
  } else {
    action = el("button", { class: "button button--danger button--small", type: "button" },
      "Remove their data", hidden(` (${request.email})`));
    action.addEventListener("click", () => confirmInline(action, {
      question: `Remove everything that identifies ${request.email}? This cannot be undone.`,
      yes: "Yes, remove it",
      act: async () => {
        const response = await post(`/api/admin/erasures/${encodeURIComponent(request.email)}`);
        if (signedOut(response)) return;
        const notice = response.ok
          ? `The data of ${request.email} has been removed, and they have been told.`
          : response.problem.detail;
        await loadErasures(notice, !response.ok);
        document.getElementById("erasures-title").focus();
      },
    }));
  }
  return el("li", { class: "card" }, el("h3", {}, personLink(request.email)), asked, note, action);
}

async function loadErasures(notice = "", isProblem = false) {
  const list = document.getElementById("erasure-list");
  const response = await get("/api/admin/erasures");
  if (signedOut(response)) return;
  if (!response.ok) {
    showPanelProblem(list, response.problem);
    return;
  }
  const requests = response.data.requests || [];
  list.replaceChildren(
    notice ? el("p", { class: `panel ${isProblem ? "panel--error" : "panel--success"}` }, notice) : "",
    requests.length
      ? el("ul", { class: "cards admin-list" }, ...requests.map(erasureItem))
      : el("p", { class: "empty" }, "No one is waiting for their data to be removed."),
  );
  if (notice) announce(notice);
}

/** Shows the program administrators' tools. */
export async function startTools() {
  document.getElementById("security-refresh").addEventListener("click", () => loadSecurityLog(signedOut));
  await Promise.all([loadAdmins(), loadProgramAdmins(), loadContact(), loadErasures(), loadSecurityLog(signedOut)]);
}
