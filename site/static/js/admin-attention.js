// /admin/attention/, for program and department administrators: what has
// waited too long (GET /api/admin/attention) and, with ?show=, one list of
// it, the longest waiting first.
import { get } from "./api.js";
import { announce, el, formatDate } from "./ui.js";
import { anyAdministrator, gateFailed } from "./admin-gate.js";
import { attentionList } from "./attention.js";

const root = document.getElementById("attention-page");
const { listUrl, quietUrl, peopleUrl, reviewUrl, calendarUrl } = root.dataset;
const show = new URLSearchParams(location.search).get("show");
let program = false;

const days = (n) => `${n} ${n === 1 ? "day" : "days"}`;
/** An address: a link to the person's page for program administrators. */
const person = (email) => (program ? el("a", { href: `${peopleUrl}?${new URLSearchParams({ email })}` }, email) : email);
const item = (...lines) => el("li", { class: "admin-list__person" }, ...lines.map(([cls, ...parts]) => el("p", cls ? { class: cls } : {}, ...parts)));

/** Each list: its title, what it holds, and how one item reads. */
const LISTS = {
  applications: {
    title: "Applications waiting for a decision",
    intro: (w) => `Pending for more than ${days(w.after_days)}. The supervisor can decide from the link in their email; a department administrator can decide for them.`,
    item: (a) => item(
      [null, `${a.name}, ${a.role} application, ${a.department?.name ?? ""} (`, person(a.email), ")"],
      ["admin-list__meta", `Waiting ${days(a.days)} for ${a.supervisor_name} (`, person(a.supervisor_email), `), sent ${formatDate(a.submitted_at)}. `,
        el("a", { href: `${reviewUrl}?application=${encodeURIComponent(a.id)}` }, "Open the application")]),
  },
  requests: {
    title: "Requests mentors have not answered",
    intro: (w) => `Sent ${days(w.after_days)} ago or more. The mentor was reminded after 7 days; the request closes by itself after 14.`,
    item: (r) => item(
      [null, person(r.mentee_email), ` (${r.mentee_department?.name ?? ""}) asked `, person(r.mentor_email), ` (${r.mentor_department?.name ?? ""})`],
      ["admin-list__meta", `Waiting ${days(r.days)}, sent ${formatDate(r.sent_at)}.`]),
  },
  surveys: {
    title: "Surveys not answered",
    intro: (w) => `Not answered ${days(w.after_days)} after the mentorship ended; each person was asked again after 7 days.`,
    item: (s) => item(
      [null, person(s.email), ` (the ${s.role}), about the mentorship with `, person(s.partner_email)],
      ["admin-list__meta", `Ended ${formatDate(s.ended_at)}, ${days(s.days)} ago.`]),
  },
  events: {
    title: "Events filling up",
    intro: () => "Upcoming events open for registration with four-fifths of their places taken, or a waiting list. Add places or another session on the calendar page.",
    item: (e) => item(
      [null, el("a", { href: calendarUrl }, e.title), `, ${formatDate(`${e.date}T12:00:00Z`)}`],
      ["admin-list__meta", `${e.registered} of ${e.capacity ?? "unlimited"} places taken, ${e.waitlisted} waiting.`]),
  },
};

function showList(a) {
  const list = LISTS[show];
  const waiting = list && a[show];
  if (!waiting) return;
  document.getElementById("list-title").textContent = list.title;
  document.getElementById("list-intro").textContent = list.intro(waiting);
  document.getElementById("attention-list").replaceChildren(waiting.items.length
    ? el("ul", { class: "admin-list__people" }, ...waiting.items.map(list.item))
    : el("p", { class: "empty" }, "Nothing here has waited too long."));
  document.getElementById("list-section").hidden = false;
}

async function start() {
  const me = await anyAdministrator();
  if (!me) return;
  program = (me.roles || []).includes("program_admin");
  const response = await get("/api/admin/attention");
  if (!response.ok) return gateFailed(response);
  document.getElementById("attention-summary").replaceChildren(attentionList(response.data, { listUrl, quietUrl }));
  showList(response.data);
  announce("");
  document.getElementById("console").hidden = false;
  if (LISTS[show]) document.getElementById("list-title").focus();
}

start();
