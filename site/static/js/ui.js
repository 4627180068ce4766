// DOM helpers shared by the pages: building elements from text, dates and
// labels, busy buttons, and showing a problem's field errors next to the
// fields. Text from people and from the API only ever goes in as text.

import { here, showSignIn } from "./api.js";

/** Creates an element; string children become text nodes, never markup. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "America/Chicago" });

/** "November 25, 2026", in the program's time zone. */
const whenFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
  timeZone: "America/Chicago", timeZoneName: "short",
});

/** A moment, Central time ("Dec 7, 2026, 9:15 AM CST"); empty if unreadable. */
export const when = (iso) => (Number.isNaN(new Date(iso).getTime()) ? "" : whenFormat.format(new Date(iso)));

export function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat.format(date);
}

export const roleLabel = (role) => (role === "mentor" ? "Mentor" : "Mentee");

const STATUS = { pending: "Waiting for supervisor review", approved: "Approved", denied: "Denied", revoked: "Approval revoked", withdrawn: "Withdrawn" };
const TONE = { pending: "pending", approved: "approved", denied: "denied", revoked: "neutral", withdrawn: "neutral" };

/** A status badge: the word is there for everyone, the colour only helps. */
export function statusBadge(status) {
  return el("span", { class: `badge badge--${TONE[status] || "pending"}` }, STATUS[status] || String(status));
}

export function fullName(person) {
  return [person?.first_name, person?.last_name].filter(Boolean).join(" ");
}

/** "Taxation, Department of Revenue": where someone works, their division first when they have one. */
export function workplace(person) {
  return [person?.division?.name, person?.department?.name].filter(Boolean).join(", ");
}

/** "Approved on ... by you, on behalf of ..." from a decision record. */
export function decisionSummary(decision, myEmail) {
  const who = (email) => (email === myEmail ? "you" : email);
  const outcome = decision.outcome === "approved" ? "Approved" : "Denied";
  let text = `${outcome} on ${formatDate(decision.decided_at)} by ${who(decision.decided_by)}`;
  if (decision.on_behalf_of) text += `, on behalf of ${who(decision.on_behalf_of)}`;
  return `${text}.`;
}

/** Marks a button busy while a request runs; returns the function that undoes it. */
export function busy(button, label) {
  // A new change under way: the last one's banner has had its say.
  const banner = document.getElementById("page-notice");
  if (banner) banner.hidden = true;
  const original = button.textContent;
  button.setAttribute("aria-disabled", "true");
  button.dataset.busy = "true";
  button.textContent = label;
  return () => {
    button.removeAttribute("aria-disabled");
    delete button.dataset.busy;
    button.textContent = original;
  };
}

export const isBusy = (button) => button?.dataset.busy === "true";

/** Puts a message in the page's status region, read out by screen readers. */
export function announce(text) {
  const status = document.getElementById("page-status");
  if (status) status.textContent = text;
}

/**
 * The page's one success banner: says `text` in the green panel, placed just
 * after `heading` (the title of the section that changed), and takes the
 * focus, so it is in view and read out; `action`, a button, follows the
 * text (an Undo). The next change moves it.
 */
export function notice(text, heading, action) {
  const banner = document.getElementById("page-notice")
    || el("div", { class: "panel panel--success", id: "page-notice", role: "status", tabindex: "-1" });
  banner.replaceChildren(text, ...(action ? [" ", action] : []));
  banner.hidden = false;
  (heading || document.querySelector("main h1"))?.after(banner);
  banner.focus();
}

/** Fills a panel with a problem's title and detail and shows it. */
export function showPanelProblem(panel, problem) {
  panel.replaceChildren(el("h2", {}, problem.title), el("p", {}, problem.detail));
  panel.hidden = false;
}

const controlsOf = (container) => [...container.querySelectorAll("input, select, textarea")];

function describedBy(control, id, on) {
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.unshift(id);
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

/** Removes every error shown on `form`. */
export function clearErrors(form) {
  for (const container of form.querySelectorAll("[data-field].has-error")) {
    container.classList.remove("has-error");
    const message = container.querySelector(".field-error");
    if (message) {
      message.hidden = true;
      message.replaceChildren();
      for (const control of controlsOf(container)) {
        control.removeAttribute("aria-invalid");
        describedBy(control, message.id, false);
      }
    }
  }
  const summary = form.querySelector(".error-summary");
  if (summary) summary.hidden = true;
  // The page's title says "Error:" while any form on it shows errors.
  if (!document.querySelector("[data-field].has-error, .error-summary:not([hidden])")) {
    document.title = document.title.replace(ERROR_PREFIX, "");
  }
}

const ERROR_PREFIX = "Error: ";

/** The page's title starts with "Error: ", once, as screen readers announce it first. */
function titleSaysError() {
  if (!document.title.startsWith(ERROR_PREFIX)) document.title = `${ERROR_PREFIX}${document.title}`;
}

/**
 * After a form's call failed: when signed out, the form gives way to the
 * "Sign in to continue" panel (coming back to `next`); otherwise the
 * problem shows next to its fields.
 */
export function showFormFailure(form, response, next = here()) {
  if (response.status === 401) {
    form.hidden = true;
    showSignIn(next);
  } else {
    showProblem(form, response.problem);
  }
}

/**
 * Shows a problem on `form`: each `errors[field]` next to the element with
 * that `data-field`, and a summary at the top, linking to the fields, which
 * takes focus so it is read out first; the page's title starts "Error:".
 */
export function showProblem(form, problem) {
  clearErrors(form);
  titleSaysError();
  const errors = problem.errors || {};
  const items = [];
  const placed = new Set();
  for (const container of form.querySelectorAll("[data-field]")) {
    const field = container.dataset.field;
    if (!Object.prototype.hasOwnProperty.call(errors, field)) continue;
    placed.add(field);
    const text = String(errors[field]);
    const message = container.querySelector(".field-error");
    const controls = controlsOf(container);
    if (message) {
      message.replaceChildren(el("span", { class: "visually-hidden" }, "Error: "), text);
      message.hidden = false;
      for (const control of controls) {
        control.setAttribute("aria-invalid", "true");
        describedBy(control, message.id, true);
      }
    }
    container.classList.add("has-error");
    const summaryText = labelOf(container) ? `${labelOf(container)}: ${text}` : text;
    items.push(controls[0] ? jumpLink(controls[0], container, summaryText) : summaryText);
  }
  for (const [field, text] of Object.entries(errors)) {
    if (!placed.has(field)) items.push(String(text));
  }
  const summary = form.querySelector(".error-summary");
  if (!summary) return;
  summary.querySelector(".error-summary__title").textContent = problem.title || "There is a problem";
  summary.querySelector("[data-detail]").textContent = items.length ? "" : problem.detail || "";
  summary.querySelector("ul").replaceChildren(...items.map((item) => el("li", {}, item)));
  summary.hidden = false;
  summary.focus();
}

// A field's label or legend without "(optional)", so that the summary says
// which field each message is about ("Supervisor's first name: Enter a
// name."). Checkboxes, whose label is a whole statement, have none.
function labelOf(container) {
  const label = container.querySelector(":scope > .field__label, :scope > .fieldset__legend");
  if (!label) return "";
  const copy = label.cloneNode(true);
  for (const optional of copy.querySelectorAll(".field__optional")) optional.remove();
  return copy.textContent.trim();
}

// A summary link moves focus to the field and brings its label into view.
function jumpLink(control, container, text) {
  const link = el("a", { href: `#${control.id}` }, text);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    container.scrollIntoView({ block: "start" });
    control.focus({ preventScroll: true });
  });
  return link;
}

/** Makes the ids inside a cloned <template> unique, and every reference to them. */
export function uniqueIds(fragment, suffix) {
  const renamed = new Map();
  for (const node of fragment.querySelectorAll("[id]")) {
    renamed.set(node.id, `${node.id}-${suffix}`);
    node.id = `${node.id}-${suffix}`;
  }
  const rename = (value) => value.split(/\s+/).map((id) => renamed.get(id) || id).join(" ");
  for (const attribute of ["for", "aria-describedby", "aria-labelledby"]) {
    for (const node of fragment.querySelectorAll(`[${attribute}]`)) {
      node.setAttribute(attribute, rename(node.getAttribute(attribute)));
    }
  }
  return fragment;
}
