// /admin/, program administrators only: department administrators
// (GET, POST, DELETE /api/admin/department-admins), program administrators
// (GET, POST, DELETE /api/admin/program-admins), the program team's contact
// details (GET /api/contacts, PUT /api/admin/contact), requests to remove a
// person's data (GET /api/admin/erasures, POST .../{email}), and the
// security log (admin-security.js). A person's records, and acting on them,
// are on /admin/people/ (admin-people.js).
import { call, get, here, post, showSignIn } from "./api.js";
import {
  announce, busy, clearErrors, el, formatDate, isBusy, notice, showPanelProblem, showProblem, when,
} from "./ui.js";
import { loadSecurityLog } from "./admin-security.js";

const { peopleUrl } = document.getElementById("admin").dataset;

/** A person's address, linking to their records on the People page. */
const personLink = (email) => el("a", { href: `${peopleUrl}?${new URLSearchParams({ email })}` }, email);

const hidden = (text) => el("span", { class: "visually-hidden" }, text);

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
  notice("The contact details are saved. The contact page shows them within a minute.", document.getElementById("contact-title"));
  document.getElementById("contact-status").textContent = "Saved. The contact page shows the change within a minute.";
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
