// /admin/announcements/, program and department administrators: an
// announcement previewed as it arrives with its reach (POST
// /api/admin/announcements/preview), then sent now or at a time (POST
// /api/admin/announcements); the latest (GET /api/admin/announcements),
// followed every few seconds while any is being sent, and a scheduled one
// cancelled (POST .../{id}/cancel).
import { get, post } from "./api.js";
import { announce, busy, clearErrors, el, isBusy, showPanelProblem, showProblem, when } from "./ui.js";
import { anyAdministrator, gateFailed } from "./admin-gate.js";

const form = document.getElementById("announcement-form");
const previewPanel = document.getElementById("preview");
const sendButton = document.getElementById("send-announcement");
const list = document.getElementById("announcement-list");
const done = document.getElementById("announcement-done");
const ofField = document.getElementById("of-field");
const ofSelect = document.getElementById("f-of");
const sendAtField = document.getElementById("send-at-field");
let calendar = { groups: [], events: [] };
let following = null;

const count = (n) => Number(n).toLocaleString("en-US");
const people = (n) => `${count(n)} ${n === 1 ? "person" : "people"}`;

function said(text, isProblem = false) {
  done.textContent = text;
  done.className = `panel ${isProblem ? "panel--error" : "panel--success"} panel--info`;
  done.hidden = false;
  announce(text);
}

function body() {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? "").trim();
  return {
    subject: value("subject"),
    body: String(data.get("body") ?? ""),
    group: value("group"),
    department: value("department"),
    of: ofField.hidden ? "" : value("of"),
    send_at: value("when") === "later" ? value("send_at") : "",
  };
}

/** The event or match group choice, for the groups that need one. */
function showOf() {
  const group = new FormData(form).get("group");
  const options = group === "registrants"
    ? calendar.events.filter((e) => !e.cancelled).map((e) => ({ id: e.id, name: `${e.title} (${e.date})` }))
    : group === "match_group" ? calendar.groups.map((g) => ({ id: g.id, name: g.name })) : null;
  ofField.hidden = !options;
  if (!options) return;
  document.getElementById("of-label").textContent = group === "registrants" ? "Which event?" : "Which match group?";
  ofSelect.replaceChildren(el("option", { value: "" }, "Choose one"), ...options.map((o) => el("option", { value: o.id }, o.name)));
}

form.addEventListener("change", (event) => {
  if (event.target.name === "group") showOf();
  if (event.target.name === "when") sendAtField.hidden = new FormData(form).get("when") !== "later";
  previewPanel.hidden = true;
});
form.addEventListener("input", () => { previewPanel.hidden = true; });

let previewed = null;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("preview-announcement");
  if (isBusy(button)) return;
  clearErrors(form);
  previewPanel.hidden = true;
  const wanted = body();
  const undo = busy(button, "Preparing the preview…");
  const response = await post("/api/admin/announcements/preview", wanted);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) return showProblem(form, response.problem);
  const p = response.data;
  previewed = wanted;
  document.getElementById("preview-reach").textContent = p.reach === 0
    ? `Nobody is in this audience just now (${p.audience}).`
    : `${p.audience}: ${people(p.reach)} now, fewer if some have stopped announcements.`;
  document.getElementById("preview-subject").textContent = p.subject;
  document.getElementById("preview-text").textContent = p.text;
  sendButton.hidden = p.reach === 0;
  sendButton.textContent = wanted.send_at ? `Schedule it for ${wanted.send_at.replace("T", " at ")}` : `Send it to ${people(p.reach)}`;
  previewPanel.hidden = false;
  previewPanel.focus();
});

document.getElementById("edit-announcement").addEventListener("click", () => {
  previewPanel.hidden = true;
  document.getElementById("f-subject").focus();
});

sendButton.addEventListener("click", async () => {
  if (isBusy(sendButton) || !previewed) return;
  const undo = busy(sendButton, "Sending…");
  const response = await post("/api/admin/announcements", previewed);
  undo();
  if (response.status === 401 || response.status === 403) return gateFailed(response);
  if (!response.ok) {
    previewPanel.hidden = true;
    return showProblem(form, response.problem);
  }
  const a = response.data;
  form.reset();
  showOf();
  sendAtField.hidden = true;
  previewPanel.hidden = true;
  previewed = null;
  said(a.send_at > a.written_at
    ? `“${a.subject}” is scheduled for ${when(a.send_at)}. You can cancel it below until then.`
    : `“${a.subject}” is on its way. Its progress shows below.`);
  await load();
  document.getElementById("sent-title").focus();
});

function progress(a) {
  if (a.status === "scheduled") return el("p", {}, `Scheduled for ${when(a.send_at)}.`);
  if (a.status === "cancelled") return el("p", {}, "Cancelled before it was sent; nobody got it.");
  if (a.status === "queueing") return el("p", {}, `Finding the audience and queueing: ${count(a.queued)} of ${count(a.found - a.opted_out)} so far.`);
  const parts = [`${count(a.sent)} of ${count(a.queued)} sent`];
  if (a.retrying) parts.push(`${count(a.retrying)} refused and waiting to be tried again`);
  if (a.failed) parts.push(`${count(a.failed)} could not be delivered`);
  if (a.skipped) parts.push(`${count(a.skipped)} stopped announcements before theirs went`);
  if (a.opted_out) parts.push(`${count(a.opted_out)} had stopped announcements and were left out`);
  const text = el("p", {}, `${a.status === "sent" ? "Sent" : "Sending"}: ${parts.join("; ")}.`);
  const bar = el("progress", { max: String(Math.max(a.queued, 1)), value: String(a.sent + a.failed + a.skipped) });
  bar.setAttribute("aria-label", `${a.subject}: sent`);
  return el("div", { class: "announcement-progress" }, text, a.status === "sending" ? bar : null);
}

function item(a) {
  const cancel = a.status === "scheduled"
    ? el("button", { class: "button button--secondary button--small", type: "button" }, "Cancel", el("span", { class: "visually-hidden" }, ` “${a.subject}”`))
    : null;
  cancel?.addEventListener("click", async () => {
    if (isBusy(cancel)) return;
    const undo = busy(cancel, "Cancelling…");
    const response = await post(`/api/admin/announcements/${encodeURIComponent(a.id)}/cancel`, {});
    undo();
    if (response.status === 401 || response.status === 403) return gateFailed(response);
    if (!response.ok) return said(response.problem.detail, true);
    said(`Cancelled “${a.subject}”. Nobody gets it.`);
    await load();
  });
  return el("li", { class: "admin-list__person" },
    el("strong", {}, a.subject), " ",
    el("span", { class: "admin-list__meta" }, `To ${a.audience}. Written by ${a.written_by}, ${when(a.written_at)}.`),
    progress(a), cancel);
}

async function load() {
  const response = await get("/api/admin/announcements");
  if (!response.ok) {
    showPanelProblem(document.getElementById("load-error"), response.problem);
    return false;
  }
  const all = response.data.announcements || [];
  list.replaceChildren(all.length
    ? el("ul", { class: "admin-list__people" }, ...all.map(item))
    : el("p", { class: "empty" }, "No announcements yet."));
  // Follow what is on its way: being queued or sent, or due within the minute.
  const soon = Date.now() + 60_000;
  const moving = all.some((a) => a.status === "queueing" || a.status === "sending"
    || (a.status === "scheduled" && new Date(a.send_at).getTime() <= soon));
  clearTimeout(following);
  if (moving) following = setTimeout(load, 3000);
  return true;
}

async function start() {
  const me = await anyAdministrator();
  if (!me) return;
  if (!(me.roles || []).includes("program_admin")) {
    // Department administrators write to their own departments only, and
    // not to an event's registrants.
    const mine = new Set((me.departments || []).map((d) => d.id));
    const select = document.getElementById("f-department");
    for (const option of [...select.options]) if (!mine.has(option.value)) option.remove();
    document.getElementById("f-group-registrants")?.closest(".choice")?.remove();
  }
  const cal = await get("/api/calendar");
  if (cal.ok) calendar = { groups: cal.data.groups || [], events: cal.data.events || [] };
  if (!(await load())) return;
  announce("");
  document.getElementById("console").hidden = false;
}

start();
