// The program calendar kept on /admin/calendar/, in a real browser. The
// program administrator adds a training a week from today with two places;
// without any restart it is on the calendar page and, when it is among the
// next four dates, in "Upcoming dates" on the home page. She moves it an
// hour later and the calendar page shows the new time; the calendar file
// (/api/calendar.ics, read with ical.js as a calendar app would) has it
// with the new start, the same UID, a SEQUENCE above 0 and absolute URLs.
// She cancels it after a confirmation: the feed says STATUS:CANCELLED and
// the calendar page keeps it, marked as cancelled. An end before the start
// is refused next to the end field, and the page is for program
// administrators only. Every state is checked with axe and at phone width.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import { startPlatform, launch, signIn, apiOf, axeViolations, programToday, addDays, sidewaysOverflow } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const TITLE = "Practice session for new pairs";

let platform;
let browser;
let admin;
/** The event the administrator adds: its id (made by the server) and its date. */
const added = { id: null, date: null, uid: null };

before(async () => {
  platform = await startPlatform();
  browser = await launch();
  admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signIn(admin, platform, ADMIN);
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** "Tuesday, January 12, 2027", as the pages write a date. */
function longDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-US", { weekday: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** The admin calendar page, loaded. */
async function adminPage() {
  const page = await admin.newPage();
  await page.goto(`${platform.url}/admin/calendar/`);
  await page.locator("#console").waitFor();
  return page;
}

/** The event's card on the admin page. */
const card = (page, id) => page.locator(`[id="event-${id}"]`);

/** The calendar file as a calendar app reads it: its events, by the URL that leads to each. */
async function feed() {
  const response = await fetch(`${platform.url}/api/calendar.ics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") || "", /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(await response.text()));
  const events = calendar.getAllSubcomponents("vevent");
  assert.ok(events.length > 0, "the feed has events");
  // Every link in the feed is absolute: calendar apps have no page to resolve it against.
  for (const event of events) {
    const url = event.getFirstPropertyValue("url");
    if (url === null) continue;
    assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+\/calendar\/#\S+$/, `URL ${url}`);
    assert.ok(String(url).startsWith(`${platform.url}/calendar/#`), `${url} is on this site`);
  }
  return events;
}

/** Our event in the feed. */
async function ourFeedEvent() {
  const events = await feed();
  const ours = events.find((e) => e.getFirstPropertyValue("url") === `${platform.url}/calendar/#${added.id}`);
  assert.ok(ours, `the feed has ${added.id}`);
  return ours;
}

/** The calendar page signed out, once the live calendar has our event. */
async function calendarItem() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${platform.url}/calendar/`);
  const item = page.locator(`[id="${added.id}"]`);
  await item.waitFor();
  return { page, item, close: () => context.close() };
}

test("the administrator adds a training and it is on the calendar and the home page at once", async () => {
  const page = await adminPage();
  assert.deepEqual(await axeViolations(page), []);
  // The next run is said in words, from the seed's match groups.
  assert.match(await page.locator("#next-run").innerText(), /Suggested matches|matching run/);

  added.date = addDays(programToday(), 7);
  await page.locator("#add-event > summary").click();
  const form = page.locator("#add-event form");
  await form.locator('select[name="kind"]').selectOption("training");
  await form.locator('select[name="audience"]').selectOption("mentors-and-mentees");
  await form.locator('input[name="date"]').fill(added.date);
  await form.locator('input[name="start"]').fill("10:00");
  await form.locator('input[name="end"]').fill("11:00");
  await form.locator('input[name="title"]').fill(TITLE);
  await form.locator('textarea[name="details"]').fill("An hour to practise a first meeting, in pairs, with the program team.");
  await form.locator('input[name="place"]').fill("Online");
  await form.locator('input[name="link"]').fill("https://meet.example.gov/practice");
  await form.locator('input[name="capacity"]').fill("2");
  await form.locator('input[name="registration_open"]').check();
  assert.deepEqual(await axeViolations(page), [], "the open form");
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");
  await form.getByRole("button", { name: "Add the event" }).click();

  const message = page.locator("#calendar-message");
  await message.waitFor();
  assert.match(await message.innerText(), new RegExp(TITLE));
  assert.equal(await page.evaluate(() => document.activeElement?.id), "calendar-message", "the message takes the focus");

  const live = await apiOf(admin, platform).get("/api/calendar");
  const event = live.events.find((e) => e.title === TITLE);
  assert.ok(event, "the live calendar has the event");
  assert.equal(event.capacity, 2);
  assert.equal(event.registration_open, true);
  assert.equal(event.cancelled, false);
  added.id = event.id;
  await card(page, added.id).waitFor();
  assert.match(await card(page, added.id).innerText(), /2 places/);
  assert.deepEqual(await axeViolations(page), []);
  await page.close();

  // Anyone, signed out, sees it on the calendar page with its time and places.
  const calendar = await calendarItem();
  const text = await calendar.item.innerText();
  assert.match(text, new RegExp(TITLE));
  assert.ok(text.includes(longDate(added.date)), `${longDate(added.date)} in ${text}`);
  assert.match(text, /10:00 a\.m\. to 11:00 a\.m\./);
  assert.match(text, /For mentors and mentees/);
  assert.match(text, /2 places/);
  assert.deepEqual(await axeViolations(calendar.page), []);
  await calendar.close();

  // The home page's next four dates, as calendar.js picks them.
  const today = programToday();
  const keyed = [
    ...live.groups.flatMap((g) => ["window_opens", "window_closes", "approvals_due", "matches_on"].map((f, i) => [`${g[f]} 00:0${i + 1}`, null])),
    ...live.events.map((e) => [`${e.date} ${e.start}`, e.id]),
  ].filter(([key]) => key.slice(0, 10) >= today).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const nextFour = keyed.slice(0, 4).map(([, id]) => id);
  const home = await browser.newPage();
  await home.goto(`${platform.url}/`);
  await home.waitForLoadState("networkidle");
  const shown = home.locator(".upcoming li.event:not([hidden])");
  if (nextFour.includes(added.id)) {
    await shown.filter({ hasText: TITLE }).waitFor();
  } else {
    assert.equal(await shown.filter({ hasText: TITLE }).count(), 0, "not among the next four dates");
  }
  assert.ok((await shown.count()) <= 4);
  await home.close();

  added.uid = (await ourFeedEvent()).getFirstPropertyValue("uid");
  assert.ok(added.uid, "the event has a UID");
});

test("moved an hour later, the calendar page and the calendar file show the new time", async () => {
  assert.ok(added.id, "the event was added");
  const page = await adminPage();
  const ours = card(page, added.id);
  await ours.locator("summary", { hasText: "Edit this event" }).click();
  await ours.locator('input[name="start"]').fill("11:00");
  await ours.locator('input[name="end"]').fill("12:00");
  await ours.getByRole("button", { name: "Save changes" }).click();
  await page.locator("#calendar-message").waitFor();
  assert.match(await page.locator("#calendar-message").innerText(), /saved/);
  assert.match(await card(page, added.id).innerText(), /11:00 a\.m\. to 12:00 p\.m\./);
  await page.close();

  const calendar = await calendarItem();
  await calendar.item.filter({ hasText: "11:00 a.m. to 12:00 p.m." }).waitFor();
  await calendar.close();

  const event = await ourFeedEvent();
  const start = event.getFirstPropertyValue("dtstart");
  // Times are written in UTC, which every calendar app reads without a
  // time-zone definition; in program time they are 11:00 to 12:00.
  assert.equal(start.zone.tzid, "UTC");
  const chicago = (t) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/Chicago", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(t.toJSDate());
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
  };
  assert.equal(chicago(start), `${added.date} 11:00`, "starts at 11:00 program time");
  assert.equal(chicago(event.getFirstPropertyValue("dtend")), `${added.date} 12:00`);
  assert.equal(event.getFirstPropertyValue("uid"), added.uid, "the UID stays, so calendar apps update the event instead of adding another");
  assert.ok(Number(event.getFirstPropertyValue("sequence")) > 0, "SEQUENCE rose with the change");
  assert.match(String(event.getFirstPropertyValue("summary")), new RegExp(TITLE));
});

test("cancelling asks first, then the calendar file says CANCELLED and the calendar keeps it, marked", async () => {
  assert.ok(added.id, "the event was added");
  const page = await adminPage();
  const ours = card(page, added.id);
  await ours.getByRole("button", { name: /^Cancel this event/ }).click();
  const question = ours.locator("[data-question]");
  await question.waitFor();
  assert.match(await question.innerText(), new RegExp(`Cancel “${TITLE}”`));
  assert.deepEqual(await axeViolations(page), [], "the confirmation");
  // Changing one's mind changes nothing.
  await ours.getByRole("button", { name: "No, keep it" }).click();
  assert.equal(await question.isVisible(), false);
  const before = (await apiOf(admin, platform).get("/api/calendar")).events.find((e) => e.id === added.id);
  assert.equal(before.cancelled, false);

  await ours.getByRole("button", { name: /^Cancel this event/ }).click();
  await ours.getByRole("button", { name: "Yes, cancel the event" }).click();
  const message = page.locator("#calendar-message");
  await message.filter({ hasText: "is cancelled" }).waitFor();
  assert.match(await card(page, added.id).innerText(), /Cancelled/);
  assert.equal(await card(page, added.id).getByRole("button", { name: /^Cancel this event/ }).count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  await page.close();

  const event = await ourFeedEvent();
  assert.equal(event.getFirstPropertyValue("status"), "CANCELLED");
  assert.equal(event.getFirstPropertyValue("uid"), added.uid);

  const calendar = await calendarItem();
  await calendar.page.locator(`[id="${added.id}"].event--cancelled`).waitFor();
  assert.match(await calendar.item.innerText(), /Cancelled/);
  assert.deepEqual(await axeViolations(calendar.page), []);
  await calendar.close();
});

test("an end before the start is refused next to the end field", async () => {
  const page = await adminPage();
  await page.locator("#add-event > summary").click();
  const form = page.locator("#add-event form");
  await form.locator('select[name="kind"]').selectOption("office-hours");
  await form.locator('select[name="audience"]').selectOption("everyone");
  await form.locator('input[name="date"]').fill(addDays(programToday(), 10));
  await form.locator('input[name="start"]').fill("15:00");
  await form.locator('input[name="end"]').fill("14:00");
  await form.locator('input[name="title"]').fill("Office hours");
  await form.locator('textarea[name="details"]').fill("Questions about applying, answered.");
  await form.getByRole("button", { name: "Add the event" }).click();

  const error = form.locator('[data-field="end"] .field-error');
  await error.waitFor();
  assert.ok((await error.innerText()).trim().length > "Error: ".length, "the error says what is wrong");
  assert.equal(await form.locator('input[name="end"]').getAttribute("aria-invalid"), "true");
  assert.equal(await form.locator('[data-field="start"] .field-error').isVisible(), false, "only the end is wrong");
  assert.equal(await page.locator("#calendar-message").isVisible(), false, "nothing was saved");
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");
  await page.close();
});

test("the page is for program administrators only", async () => {
  const context = await browser.newContext();
  await signIn(context, platform, "pat.lee@mo.gov");
  const page = await context.newPage();
  await page.goto(`${platform.url}/admin/calendar/`);
  await page.locator("#not-admin").waitFor();
  assert.equal(await page.locator("#console").isVisible(), false);
  const refused = await context.request.get(`${platform.url}/api/admin/calendar`);
  assert.equal(refused.status(), 403);
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});
