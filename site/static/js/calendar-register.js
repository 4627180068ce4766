// The calendar page: the live calendar (calendar.js) with registration
// added to each event people may register for now. Signed out, an event
// says how many places are left and offers "Sign in to register", coming
// back to it. Signed in (the marker cookie session.js reads), the page asks
// once for the person's registrations (GET /api/registrations) and shows
// where they stand, with Register, Join the waiting list, Add to my
// calendar and Cancel registration. Calls POST and DELETE
// /api/calendar/events/{id}/registration; after each, the calendar is read
// again so the counts are current. Everything goes in as text.
import { get, post, signInUrl } from "./api.js";
import { announce, busy, el, isBusy } from "./ui.js";
import { extendEvents, longDate, refresh } from "./calendar.js";
import { addToCalendar, cancelControl, eventTimes, hasStarted, placesText, programNow, registrationPath, standing } from "./registration.js";

let signedIn = document.cookie.split("; ").includes("moments_signed_in=1");
/** The person's registrations by event id; empty when signed out. */
let mine = new Map();
/** The first read of them, started with the page so that it runs beside the calendar's. */
let firstRead = signedIn ? get("/api/registrations") : null;
/** A message to show in one event's block after something was done there: { id, title, lines, invite, warning }. */
let notice = null;

const hidden = (text) => el("span", { class: "visually-hidden" }, text);
const blockId = (id) => `register-${id}`;

async function readMine() {
  const response = await (firstRead || get("/api/registrations"));
  firstRead = null;
  if (response.status === 401) {
    // The marker outlived the session: this visitor is signed out.
    signedIn = false;
    mine = new Map();
    return;
  }
  if (!response.ok) return;
  const list = Array.isArray(response.data?.registrations) ? response.data.registrations : [];
  mine = new Map(list.filter((r) => r?.event?.id).map((r) => [r.event.id, r]));
}

function noticePanel(event) {
  if (!notice || notice.id !== event.id) return null;
  const panel = el("div", { class: `panel register__notice ${notice.warning ? "panel--warning" : "panel--success"}`, tabindex: "-1" },
    el("p", { class: "register__notice-title" }, notice.title),
    ...notice.lines.map((line) => el("p", {}, line)));
  if (notice.invite) panel.append(el("p", {}, addToCalendar(event)));
  return panel;
}

function registerButton(event) {
  const full = event.capacity !== null && event.capacity !== undefined && Number(event.places_left) <= 0;
  const button = el("button", { class: "button button--small", type: "button" },
    full ? "Join the waiting list" : "Register", hidden(`: ${event.title}, ${longDate(event.date)}`));
  button.addEventListener("click", async () => {
    if (isBusy(button)) return;
    const finish = busy(button, full ? "Joining…" : "Registering…");
    const response = await post(registrationPath(event.id), {});
    finish();
    if (response.status === 401) {
      signedIn = false;
      notice = { id: event.id, title: "Please sign in again", lines: ["Your session has ended. Sign in and you come back here to register."], warning: true };
      return update(event.id);
    }
    if (!response.ok) {
      notice = { id: event.id, title: "We could not register you", lines: [response.problem.detail], warning: true };
      return update(event.id);
    }
    const r = response.data || {};
    notice = r.status === "waitlisted"
      ? {
        id: event.id,
        title: r.position ? `You are number ${r.position} on the waiting list` : "You are on the waiting list",
        lines: [
          `“${event.title}” is full. If someone with a place cancels, the first person on the waiting list gets it, and we email them.`,
        ],
      }
      : {
        id: event.id,
        title: "You are registered",
        lines: [
          `You have a place at “${event.title}”: ${eventTimes(event)}`,
          "We emailed you a confirmation with a link to add it to your calendar. You can also add it here.",
        ],
        invite: true,
      };
    return update(event.id);
  });
  return button;
}

/** What one event shows about registering, under its details. */
function block(event, registration) {
  const box = el("div", { class: "register", id: blockId(event.id) });
  const panel = noticePanel(event);
  if (panel) box.append(panel);
  if (event.registration_open) box.append(el("p", { class: "register__places" }, placesText(event)));
  if (!signedIn) {
    box.append(el("p", { class: "actions" }, el("a", { class: "button button--small", href: signInUrl(`/calendar/#${event.id}`) },
      "Sign in to register", hidden(`: ${event.title}, ${longDate(event.date)}`))));
    return box;
  }
  if (registration) {
    box.append(el("p", { class: "register__standing" }, el("strong", {}, standing(registration))));
    const actions = el("div", { class: "actions" });
    if (registration.status === "registered") actions.append(addToCalendar(event));
    actions.append(cancelControl(event, registration, async (response) => {
      if (response.status === 401) {
        signedIn = false;
        await update(event.id);
        return "";
      }
      if (!response.ok && response.status !== 404) return response.problem.detail;
      notice = {
        id: event.id,
        title: registration.status === "waitlisted" ? "You left the waiting list" : "Your registration is cancelled",
        lines: [registration.status === "waitlisted"
          ? `You are no longer on the waiting list for “${event.title}”.`
          : `You no longer have a place at “${event.title}”. If you added it to your calendar, you can delete it there.`],
      };
      await update(event.id);
      return "";
    }));
    box.append(actions);
    return box;
  }
  box.append(el("p", { class: "actions" }, registerButton(event)));
  return box;
}

/**
 * Someone back from signing in (or following a link) to an event the live
 * calendar added: once it is shown, bring it into view, as the browser
 * would have had it been there from the start.
 */
let target = location.hash.slice(1);

function bringTargetIntoView() {
  if (!target) return;
  let id = target;
  target = "";
  try {
    id = decodeURIComponent(id);
  } catch {
    // A malformed address: look for it as written.
  }
  requestAnimationFrame(() => document.getElementById(id)?.scrollIntoView());
}

/** The calendar's addition to each event: the block, for events open now or that the person is registered for. */
async function prepare() {
  if (signedIn) await readMine();
  bringTargetIntoView();
  const now = programNow();
  return (event, item) => {
    const registration = mine.get(event.id);
    if (event.cancelled || hasStarted(event, now)) return;
    if (!event.registration_open && !registration) return;
    item.append(block(event, registration));
  };
}

/** After an action on `id`: the calendar and the registrations read again, the notice shown and focused. */
async function update(id) {
  announce("");
  const calendar = await refresh();
  const panel = document.getElementById(blockId(id))?.querySelector(".register__notice");
  if (!calendar || !panel) {
    // The calendar could not be read again: say it where the page tells everyone.
    if (notice) announce(`${notice.title}. ${notice.lines.join(" ")}`);
    return;
  }
  panel.focus();
}

extendEvents(prepare);
