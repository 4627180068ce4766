// Program dates: the calendar page and "Upcoming dates" on the home page.
// The site is built with the dates of its seed (data/calendar.toml); this
// marks the ones that have passed (by the day in the program's time zone),
// keeps the next N of a list with `data-upcoming="N"`, then fetches the
// live calendar (GET /api/calendar) and shows it in the same markup as
// templates/macros/dates.html, so nothing moves when it arrives. If the
// fetch fails, the dates of the build stay. Everything from the API goes
// in as text. The admin calendar page borrows the words for dates, times
// and audiences from here.

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "Tuesday, January 12, 2027" from "2027-01-12"; "" when it is not a date. */
export function longDate(date) {
  const [y, m, d] = String(date).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (!y || !m || !d || Number.isNaN(day.getTime())) return "";
  return `${DAYS[day.getUTCDay()]}, ${MONTHS[m - 1]} ${d}, ${y}`;
}

/** "2:00 p.m." from "14:00". */
export function timeOfDay(at) {
  const [h, m] = String(at).split(":");
  const hour = Number(h);
  return `${hour % 12 === 0 ? 12 : hour % 12}:${m} ${hour < 12 ? "a.m." : "p.m."}`;
}

export const AUDIENCES = {
  everyone: "Open to everyone",
  mentors: "For mentors",
  mentees: "For mentees",
  "mentors-and-mentees": "For mentors and mentees",
  supervisors: "For supervisors",
};

export const KINDS = {
  training: "Training",
  "office-hours": "Office hours",
  "information-session": "Information session",
};

/** A match group's four dates: the field, its kind (for the colour), title and details. */
export const KEY_DATES = [
  ["window_opens", "window", "Application window opens", "Two weeks to apply as a mentee or a mentor in time for this group’s suggested matches."],
  ["window_closes", "window", "Application window closes", "Applications sent by the end of today are reviewed in time for this group’s suggested matches. You can still apply afterwards."],
  ["approvals_due", "deadline", "Supervisor approvals due", "Supervisors approve or deny their team members’ applications by today."],
  ["matches_on", "matches", "Suggested matches sent", "Every approved mentee who still needs a mentor receives suggested mentors by email."],
];

/** Today in the program's time zone, "2027-01-12": compared with dates as text. */
export function programToday() {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Chicago",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function node(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

const when = (date, ...rest) =>
  node("p", { class: "event__when" }, node("time", { datetime: date }, longDate(date)), ...rest, node("span", { class: "event__past" }, " Past"));

/** What an event's last line says: who it is for, where, places, registration and its link. */
function meta(event) {
  const line = node("p", { class: "event__meta" }, AUDIENCES[event.audience] || AUDIENCES.everyone);
  if (event.place) line.append(` · ${event.place}`);
  if (event.capacity) line.append(` · ${event.capacity} places`);
  if (event.registration_open) line.append(" · Registration is open");
  if (typeof event.link === "string" && event.link.startsWith("https://")) {
    line.append(" · ", node("a", { href: event.link }, "Join or register",
      node("span", { class: "visually-hidden" }, `: ${event.title}, ${longDate(event.date)}`)));
  }
  return line;
}

/**
 * One training, office hours or information session, as the `event` macro
 * makes it. `add(event, item)`, when given, adds to it (the calendar page's
 * registration).
 */
export function eventItem(event, { anchor = false, hidden = false, add = null } = {}) {
  const title = event.cancelled
    ? node("p", { class: "event__title" }, node("span", { class: "event__cancelled" }, "Cancelled"), " ", node("s", {}, event.title))
    : node("p", { class: "event__title" }, event.title);
  const item = node("li", {
    class: `event event--${event.kind}${event.cancelled ? " event--cancelled" : ""}`,
    id: anchor ? event.id : null,
    "data-date": event.date,
    hidden,
  },
  when(event.date, `, ${timeOfDay(event.start)} to ${timeOfDay(event.end)}`),
  title,
  node("p", { class: "event__details" }, event.details),
  meta(event));
  if (add) add(event, item);
  return item;
}

/** One of a group's four dates, as the `key_date` macro makes it. */
function keyDateItem(group, field, { anchor = false, hidden = false, named = false } = {}) {
  const [, kind, title, details] = KEY_DATES.find(([f]) => f === field);
  return node("li", {
    class: `event event--${kind}`,
    id: anchor ? `${group.id}-${field.replaceAll("_", "-")}` : null,
    "data-date": group[field],
    hidden,
  },
  when(group[field]),
  node("p", { class: "event__title" }, named ? `${group.name}: ${title.toLowerCase()}` : title),
  node("p", { class: "event__details" }, details));
}

/**
 * The items of `calendar` in the order of the `items` macro: a group's
 * dates (at "00:01" to "00:04") and the events, by date and time. `group`
 * "" takes everything, "-" the events of no listed group, else one group.
 */
function items(calendar, group, hidden, add = null) {
  const known = new Set(calendar.groups.map((g) => g.id));
  const lines = [];
  for (const g of calendar.groups) {
    if (group !== "" && group !== g.id) continue;
    KEY_DATES.forEach(([field], i) => {
      lines.push([`${g[field]} 00:0${i + 1} group ${g.id} ${field}`, () => keyDateItem(g, field, { anchor: group !== "", hidden, named: group === "" })]);
    });
  }
  for (const e of calendar.events) {
    const of = e.group && known.has(e.group) ? e.group : "-";
    if (group !== "" && group !== of) continue;
    lines.push([`${e.date} ${e.start} event ${e.id} -`, () => eventItem(e, { anchor: group !== "", hidden, add })]);
  }
  lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return lines.map(([, make]) => make());
}

function groupSection(id, name, summary, list) {
  return node("section", { class: "calendar-group", "aria-labelledby": `group-${id}` },
    node("h2", { id: `group-${id}` }, name),
    node("p", {}, summary),
    node("ol", { class: "events" }, ...list));
}

/** The calendar page's sections, from the live calendar. */
function renderGroups(container, calendar, add) {
  const sections = calendar.groups.map((g) => groupSection(g.id, g.name, g.summary, items(calendar, g.id, false, add)));
  const others = items(calendar, "-", false, add);
  if (others.length) {
    sections.push(groupSection("other", "More sessions", "Trainings, office hours and information sessions outside a match group.", others));
  }
  container.replaceChildren(...sections);
  const none = document.getElementById("calendar-none");
  if (none) none.hidden = calendar.groups.length > 0;
}

/** Marks past dates, and keeps only the next N of each `data-upcoming` list. */
function markDates() {
  const today = programToday();
  for (const event of document.querySelectorAll(".event[data-date]")) {
    event.classList.toggle("event--past", event.dataset.date < today);
  }
  for (const list of document.querySelectorAll("[data-upcoming]")) {
    const keep = Number(list.dataset.upcoming);
    let shown = 0;
    for (const event of list.querySelectorAll(".event")) {
      const upcoming = !event.classList.contains("event--past") && shown < keep;
      event.hidden = !upcoming;
      if (upcoming) shown += 1;
    }
    const none = document.getElementById(list.dataset.none);
    if (none) none.hidden = shown > 0;
  }
}

/** "2027-01-12" moved by `days`. */
function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const GROUP_KINDS = ["event--window", "event--deadline", "event--matches"];

/**
 * The live calendar holds the groups whose suggested matches went out and
 * the events that took place in the last 90 days, and everything later.
 * The built page is trimmed the same way first, so that the live calendar
 * replaces it without moving anything.
 */
function trimToWindow(container) {
  const cutoff = addDays(programToday(), -90);
  for (const section of container.querySelectorAll(".calendar-group")) {
    const matches = section.querySelector(".event--matches[data-date]");
    if (matches && matches.dataset.date < cutoff) section.remove();
  }
  for (const item of container.querySelectorAll(".event[data-date]")) {
    const event = !GROUP_KINDS.some((kind) => item.classList.contains(kind));
    if (event && item.dataset.date < cutoff) item.remove();
  }
  for (const section of container.querySelectorAll(".calendar-group")) {
    if (!section.querySelector(".event")) section.remove();
  }
  const none = document.getElementById("calendar-none");
  if (none) none.hidden = Boolean(container.querySelector('.calendar-group:not([aria-labelledby="group-other"])'));
}

/**
 * The live calendar, or null when it cannot be had (the built dates then
 * stay). `fresh` asks past the minute the API lets browsers keep it, for
 * the counts of places right after someone registered.
 */
async function live(fresh = false) {
  try {
    const response = await fetch("/api/calendar", { headers: { Accept: "application/json" }, cache: fresh ? "no-cache" : "default" });
    if (!response.ok) return null;
    const calendar = await response.json();
    return Array.isArray(calendar?.groups) && Array.isArray(calendar?.events) ? calendar : null;
  } catch {
    return null;
  }
}

/**
 * What the calendar page adds to each event (registration): a function
 * given the live calendar that resolves to `add(event, item)`, called for
 * each event of the page's sections. Set by a module that imports this one,
 * before the live calendar arrives.
 */
let extension = null;

export function extendEvents(prepare) {
  extension = prepare;
}

async function show(calendar) {
  const groups = document.getElementById("calendar-groups");
  const add = extension ? await extension(calendar) : null;
  if (groups) renderGroups(groups, calendar, add);
  for (const list of document.querySelectorAll("[data-upcoming]")) list.replaceChildren(...items(calendar, "", true));
  markDates();
}

/** Reads the live calendar again, past any cached copy, and shows it; resolves to it, or null. */
export async function refresh() {
  const calendar = await live(true);
  if (calendar) await show(calendar);
  return calendar;
}

async function start() {
  const groups = document.getElementById("calendar-groups");
  const upcoming = [...document.querySelectorAll("[data-upcoming]")];
  if (!groups && !upcoming.length) return;
  if (groups) trimToWindow(groups);
  markDates();
  const calendar = await live();
  if (calendar) await show(calendar);
}

start();
