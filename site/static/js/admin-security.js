// /admin/, program administrators only: the security log (GET
// /api/admin/security), the recent events and the refusals per hour.
import { get } from "./api.js";
import { el, showPanelProblem } from "./ui.js";
import { dataTable } from "./admin-figures.js";

const KINDS = {
  link_requested: "Sign-in link asked for",
  session_started: "Signed in",
  session_ended: "Signed out",
  provider_refused: "State sign-in failed",
  export: "Export",
  person_looked_up: "Look-up",
  erasure: "Data removed",
  administrator_change: "Administrator changed",
};
const REFUSALS = {
  unauthorized: "Not signed in (401)",
  forbidden: "Not allowed (403)",
  cross_origin: "Not from our pages (403)",
};

const whenFormat = new Intl.DateTimeFormat("en-US", {
  month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit",
  timeZone: "America/Chicago",
});
const when = (iso) => (Number.isNaN(new Date(iso).getTime()) ? iso : whenFormat.format(new Date(iso)));

/** Loads the log into #security-log; `signedOut(response)` handles a 401. */
export async function loadSecurityLog(signedOut) {
  const box = document.getElementById("security-log");
  const response = await get("/api/admin/security");
  if (signedOut(response)) return;
  if (!response.ok) {
    showPanelProblem(box, response.problem);
    return;
  }
  const { events, refusals, kept_days: kept } = response.data;
  box.replaceChildren(
    events.length
      ? dataTable({
        caption: `Security events, newest first (${events.length})`,
        columns: [{ label: "When" }, { label: "What" }, { label: "Who" }, { label: "From" }, { label: "Detail" }],
        rows: events.map((e) => ({
          header: when(e.at),
          cells: [KINDS[e.kind] || e.kind, e.who || "—", e.source || "—", e.detail],
        })),
        className: "data--log",
      })
      : el("p", { class: "empty" }, "No security events today or yesterday."),
    refusals.length
      ? dataTable({
        caption: "Refused requests by hour",
        columns: [{ label: "Hour" }, { label: "Refusal" }, { label: "Count", numeric: true }],
        rows: refusals.map((r) => ({ header: when(r.hour), cells: [REFUSALS[r.kind] || r.kind, r.count] })),
      })
      : el("p", { class: "empty" }, "No requests were refused today or yesterday."),
    el("p", { class: "admin-list__meta" }, `Events are kept for ${kept} days, then removed.`),
  );
}
