// "Needs attention" (GET /api/admin/attention): what has waited too long,
// one line per kind, each count linking to its list. The admin page, the
// attention page and an administrator's dashboard show it.
import { el } from "./ui.js";

// Not mentoring.js's `count`: the admin page loads nothing else of that
// module, and has little weight to spare.
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** The lines of the summary, as [how many, words, link]. */
export function attentionLines(a, { listUrl, quietUrl }) {
  const list = (show) => `${listUrl}?show=${show}`;
  const lines = [
    [a.applications.count, `${count(a.applications.count, "application", "applications")} waiting more than ${a.applications.after_days} days for a decision`, list("applications")],
    [a.requests.count, `${count(a.requests.count, "request", "requests")} to mentors unanswered for ${a.requests.after_days} days or more`, list("requests")],
  ];
  if (a.quiet_pairs) {
    const help = a.quiet_pairs.need_help ? `, ${a.quiet_pairs.need_help} asking for help` : "";
    lines.push([a.quiet_pairs.count, `${count(a.quiet_pairs.count, "pair", "pairs")} with no meeting for weeks${help}`, quietUrl]);
  }
  lines.push([a.surveys.count, `${count(a.surveys.count, "survey", "surveys")} unanswered ${a.surveys.after_days} days after the pair ended`, list("surveys")]);
  if (a.events) lines.push([a.events.count, `${count(a.events.count, "event", "events")} filling up`, list("events")]);
  return lines;
}

/** The summary as a list: counts above zero are links to their lists. */
export function attentionList(a, urls) {
  return el("ul", { class: "attention" }, ...attentionLines(a, urls).map(([n, words, href]) =>
    el("li", { class: n ? "attention__item attention__item--due" : "attention__item" },
      n ? el("a", { href }, words) : words)));
}
