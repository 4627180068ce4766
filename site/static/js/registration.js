// Registering for trainings, office hours and information sessions, shared by
// the calendar page and the dashboard: the words for places and for where
// someone stands, the API paths, and "Cancel registration" with its
// confirmation. Calls DELETE /api/calendar/events/{id}/registration.
import { del } from "./api.js";
import { el, isBusy, busy } from "./ui.js";
import { longDate, timeOfDay } from "./calendar.js";

/** The API path of the signed-in person's registration for an event. */
export const registrationPath = (id) => `/api/calendar/events/${encodeURIComponent(id)}/registration`;

/** The one-event calendar file that calendar apps add in one click. */
export const inviteUrl = (id) => `/api/calendar/events/${encodeURIComponent(id)}/invite.ics`;

/** "Tuesday, January 12, 2027, 10:00 a.m. to 11:00 a.m." */
export const eventTimes = (event) => `${longDate(event.date)}, ${timeOfDay(event.start)} to ${timeOfDay(event.end)}`;

const hidden = (text) => el("span", { class: "visually-hidden" }, text);

/** What is left: "2 places left", "Full — join the waiting list", or no limit. */
export function placesText(event) {
  if (event.capacity === null || event.capacity === undefined || event.places_left === null || event.places_left === undefined) {
    return "No limit on places";
  }
  if (event.places_left <= 0) return "Full — join the waiting list";
  return event.places_left === 1 ? "1 place left" : `${event.places_left} places left`;
}

/** Where the person stands, in a sentence. */
export function standing(registration) {
  if (registration.status === "waitlisted") {
    return registration.position
      ? `You are number ${registration.position} on the waiting list.`
      : "You are on the waiting list.";
  }
  return "You have a place.";
}

/** Now in the program's time zone, "2027-01-12 14:05": compared with an event's date and start as text. */
export function programNow() {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Chicago", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

export const hasStarted = (event, now = programNow()) => `${event.date} ${event.start}` <= now;

/** "Add to my calendar": the event's invitation, named for screen readers. */
export function addToCalendar(event) {
  return el("a", { class: "button button--secondary button--small", href: inviteUrl(event.id) },
    "Add to my calendar", hidden(`: ${event.title}, ${longDate(event.date)}`));
}

/**
 * "Cancel registration" (or "Leave the waiting list"), which asks first.
 * Yes sends the DELETE; `done(response)` then decides what the page shows
 * and resolves to a message to show beside the buttons when it went wrong,
 * or nothing. Focus stays with the person all the way.
 */
export function cancelControl(event, registration, done) {
  const waiting = registration.status === "waitlisted";
  const label = waiting ? "Leave the waiting list" : "Cancel registration";
  const open = el("button", { class: "button button--secondary button--small", type: "button" }, label, hidden(`: ${event.title}, ${longDate(event.date)}`));
  const question = el("p", { class: "confirm__question", tabindex: "-1" }, waiting
    ? `Leave the waiting list for “${event.title}”? If you change your mind, you join it again at the end.`
    : `Give up your place at “${event.title}” on ${eventTimes(event)}? If someone is on the waiting list, they get it.`);
  const problem = el("p", { class: "field-error", role: "alert", hidden: true });
  const yes = el("button", { class: "button button--danger button--small", type: "button" }, waiting ? "Yes, leave the waiting list" : "Yes, cancel my registration");
  const no = el("button", { class: "button button--secondary button--small", type: "button" }, waiting ? "No, stay on the list" : "No, keep my place");
  const box = el("div", { class: "confirm", hidden: true }, question, problem, el("p", { class: "actions" }, yes, no));
  open.addEventListener("click", () => {
    open.hidden = true;
    box.hidden = false;
    question.focus();
  });
  no.addEventListener("click", () => {
    box.hidden = true;
    problem.hidden = true;
    open.hidden = false;
    open.focus();
  });
  yes.addEventListener("click", async () => {
    if (isBusy(yes)) return;
    problem.hidden = true;
    const finish = busy(yes, "Cancelling…");
    const response = await del(registrationPath(event.id));
    finish();
    const trouble = await done(response);
    if (trouble) {
      problem.textContent = trouble;
      problem.hidden = false;
    }
  });
  return el("div", { class: "register__cancel" }, open, box);
}
