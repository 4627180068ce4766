// Registering for a training, in a real browser. The program administrator
// adds a training a week from today with two places and registration open.
// Three employees register from the calendar page (the first signs in from
// its "Sign in to register" link and comes back to the event): the first
// two get a place, the third joins the waiting list as number 1. The first
// cancels from their dashboard, after a confirmation; the third then has a
// place, their dashboard says so, and the outbox has an email telling them.
// The administrator moves the training an hour later and both people with a
// place get an email about it; lowering the places below the two taken is
// refused next to the places field; the roster lists the two, the waiting
// list is empty, and its CSV download has both. Every state is checked with
// axe and at phone width.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, apiOf, axeViolations, programToday, lastMailTo, linkIn, addDays, sidewaysOverflow } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const ONE = "reg.one@mo.gov";
const TWO = "reg.two@mo.gov";
const THREE = "reg.three@mo.gov";
const TITLE = "Having a first conversation about goals";

let platform;
let browser;
let admin;
/** Each employee's browser context, by address. */
const people = {};
/** The training the administrator adds: its id (made by the server) and date. */
const training = { id: null, date: null };

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

/** Every email to `to` in the outbox, newest first. */
async function mailsTo(to) {
  const response = await fetch(`${platform.url}/_local/outbox.json`);
  const all = await response.json();
  return all.filter((m) => m.to === to);
}

/**
 * The emails to `to` sent since `before` (a count from `mailsTo`), waiting
 * up to five seconds for at least one that mentions the training.
 */
async function newMailAbout(to, before) {
  for (let waited = 0; waited < 5_000; waited += 100) {
    const all = await mailsTo(to);
    const fresh = all.slice(0, all.length - before);
    const about = fresh.filter((m) => `${m.subject}\n${m.text}`.includes(TITLE));
    if (about.length) return about;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new email to ${to} about “${TITLE}”`);
}

/** The training on the calendar page, with its registration block. */
const item = (page) => page.locator(`[id="${training.id}"]`);
const block = (page) => page.locator(`[id="register-${training.id}"]`);

/** The person's registration for the training, from the API. */
async function registrationOf(email) {
  const mine = await apiOf(people[email], platform).get("/api/registrations");
  return mine.registrations.find((r) => r.event.id === training.id) || null;
}

/** Opens the calendar page in `context` once the live calendar shows the training. */
async function calendarPage(context) {
  const page = await context.newPage();
  await page.goto(`${platform.url}/calendar/`);
  await block(page).waitFor();
  return page;
}

/** The administrator's card for the training on /admin/calendar/. */
async function adminCard() {
  const page = await admin.newPage();
  await page.goto(`${platform.url}/admin/calendar/`);
  await page.locator("#console").waitFor();
  const card = page.locator(`[id="event-${training.id}"]`);
  await card.waitFor();
  return { page, card };
}

test("the administrator adds a training with two places and registration open", async () => {
  const page = await admin.newPage();
  await page.goto(`${platform.url}/admin/calendar/`);
  await page.locator("#console").waitFor();
  training.date = addDays(programToday(), 7);
  await page.locator("#add-event > summary").click();
  const form = page.locator("#add-event form");
  await form.locator('select[name="kind"]').selectOption("training");
  await form.locator('select[name="audience"]').selectOption("everyone");
  await form.locator('input[name="date"]').fill(training.date);
  await form.locator('input[name="start"]').fill("13:00");
  await form.locator('input[name="end"]').fill("14:00");
  await form.locator('input[name="title"]').fill(TITLE);
  await form.locator('textarea[name="details"]').fill("An hour on agreeing what a mentorship is for, with time to practise.");
  await form.locator('input[name="place"]').fill("Online");
  await form.locator('input[name="capacity"]').fill("2");
  await form.locator('input[name="registration_open"]').check();
  await form.getByRole("button", { name: "Add the event" }).click();
  await page.locator("#calendar-message").waitFor();
  await page.close();

  const live = await apiOf(admin, platform).get("/api/calendar");
  const event = live.events.find((e) => e.title === TITLE);
  assert.ok(event, "the live calendar has the training");
  training.id = event.id;
  assert.equal(event.capacity, 2);
  assert.equal(event.registration_open, true);
  assert.equal(event.registered, 0);
  assert.equal(event.waitlisted, 0);
  assert.equal(event.places_left, 2);
});

test("signed out, the calendar offers places and a way to sign in that comes back to the training", async () => {
  assert.ok(training.id, "the training was added");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  people[ONE] = context;
  const page = await calendarPage(context);
  assert.match(await block(page).innerText(), /2 places left/);
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");

  // The first employee signs in from the training and is brought back to it.
  await block(page).getByRole("link", { name: /^Sign in to register/ }).click();
  await page.locator("#f-email").fill(ONE);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.locator("#link-sent").waitFor();
  await page.goto(linkIn(await lastMailTo(platform, ONE), "/signin/confirm/"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/calendar/");
  assert.equal(new URL(page.url()).hash, `#${training.id}`, "back at the training");
  await block(page).getByRole("button", { name: /^Register/ }).waitFor();
  await page.close();
});

test("three employees register: two get a place, the third is number 1 on the waiting list", async () => {
  assert.ok(people[ONE], "the first employee signed in");
  for (const email of [TWO, THREE]) {
    people[email] = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signIn(people[email], platform, email);
  }

  for (const [email, placesBefore] of [[ONE, /2 places left/], [TWO, /1 place left/]]) {
    const before = (await mailsTo(email)).length;
    const page = await calendarPage(people[email]);
    assert.match(await block(page).innerText(), placesBefore);
    await block(page).getByRole("button", { name: /^Register/ }).click();
    const notice = block(page).locator(".register__notice");
    await notice.waitFor();
    const said = await notice.innerText();
    assert.match(said, /You are registered/);
    assert.match(said, /We emailed you a confirmation/);
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("register__notice")), true, "the message takes the focus");
    // The invitation is offered, and it is a calendar file.
    const invite = await notice.getByRole("link", { name: /^Add to my calendar/ }).getAttribute("href");
    const ics = await people[email].request.get(new URL(invite, platform.url).href);
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()["content-type"] || "", /^text\/calendar/);
    assert.match(await ics.text(), /BEGIN:VEVENT/);
    // Where they stand, once the page has read it again.
    await block(page).locator(".register__standing", { hasText: "You have a place." }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");
    await page.close();
    assert.equal((await registrationOf(email))?.status, "registered");
    await newMailAbout(email, before);
  }

  const page = await calendarPage(people[THREE]);
  assert.match(await block(page).innerText(), /Full — join the waiting list/);
  await block(page).getByRole("button", { name: /^Join the waiting list/ }).click();
  const notice = block(page).locator(".register__notice");
  await notice.waitFor();
  assert.match(await notice.innerText(), /You are number 1 on the waiting list/);
  await block(page).locator(".register__standing", { hasText: "You are number 1 on the waiting list." }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");
  await page.close();
  const waiting = await registrationOf(THREE);
  assert.equal(waiting?.status, "waitlisted");
  assert.equal(waiting?.position, 1);

  const event = (await apiOf(admin, platform).get("/api/calendar")).events.find((e) => e.id === training.id);
  assert.equal(event.registered, 2);
  assert.equal(event.waitlisted, 1);
  assert.equal(event.places_left, 0);
});

test("the first cancels from the dashboard and the third gets the place, on their dashboard and by email", async () => {
  assert.equal((await registrationOf(THREE))?.status, "waitlisted", "the third is waiting");
  const before = (await mailsTo(THREE)).length;
  const page = await people[ONE].newPage();
  await page.goto(`${platform.url}/dashboard/`);
  await page.locator("#board").waitFor();
  const section = page.locator("#trainings-section");
  const card = section.locator("#trainings-upcoming li", { hasText: TITLE });
  await card.waitFor();
  assert.match(await card.innerText(), /You have a place\./);
  assert.deepEqual(await axeViolations(page), []);

  // Changing one's mind keeps the place.
  await card.getByRole("button", { name: /^Cancel registration/ }).click();
  await card.getByRole("button", { name: "No, keep my place" }).click();
  assert.equal((await registrationOf(ONE))?.status, "registered");

  await card.getByRole("button", { name: /^Cancel registration/ }).click();
  assert.deepEqual(await axeViolations(page), [], "the confirmation");
  await card.getByRole("button", { name: "Yes, cancel my registration" }).click();
  await page.locator("#page-status").filter({ hasText: "is cancelled" }).waitFor();
  assert.equal(await section.locator("#trainings-upcoming li", { hasText: TITLE }).count(), 0);
  assert.equal(await registrationOf(ONE), null);
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");
  await page.close();

  const third = await people[THREE].newPage();
  await third.goto(`${platform.url}/dashboard/`);
  await third.locator("#board").waitFor();
  const theirs = third.locator("#trainings-upcoming li", { hasText: TITLE });
  await theirs.waitFor();
  assert.match(await theirs.innerText(), /You have a place\./);
  await theirs.getByRole("link", { name: /^Add to my calendar/ }).waitFor();
  assert.deepEqual(await axeViolations(third), []);
  await third.close();
  assert.equal((await registrationOf(THREE))?.status, "registered");

  const mail = await newMailAbout(THREE, before);
  assert.ok(mail.some((m) => /place/i.test(`${m.subject}\n${m.text}`)), "the email says a place opened");
});

test("moved an hour later, both people with a place get an email", async () => {
  const before = { [TWO]: (await mailsTo(TWO)).length, [THREE]: (await mailsTo(THREE)).length, [ONE]: (await mailsTo(ONE)).length };
  const { page, card } = await adminCard();
  await card.locator("summary", { hasText: "Edit this event" }).click();
  await card.locator('input[name="start"]').fill("14:00");
  await card.locator('input[name="end"]').fill("15:00");
  await card.getByRole("button", { name: "Save changes" }).click();
  await page.locator("#calendar-message").filter({ hasText: "saved" }).waitFor();
  await page.close();
  for (const email of [TWO, THREE]) await newMailAbout(email, before[email]);
  // Who cancelled is not told about a training they left.
  assert.equal((await mailsTo(ONE)).length, before[ONE]);
});

test("places cannot drop below the people registered; the roster and its CSV list the two", async () => {
  const { page, card } = await adminCard();

  await card.locator("summary", { hasText: "Edit this event" }).click();
  await card.locator('input[name="capacity"]').fill("1");
  await card.getByRole("button", { name: "Save changes" }).click();
  const error = card.locator('[data-field="capacity"] .field-error');
  await error.waitFor();
  assert.match(await error.innerText(), /2/, "the message gives the number registered");
  assert.equal(await card.locator('input[name="capacity"]').getAttribute("aria-invalid"), "true");
  assert.equal((await apiOf(admin, platform).get("/api/calendar")).events.find((e) => e.id === training.id).capacity, 2);
  await card.locator("summary", { hasText: "Edit this event" }).click();

  await card.locator("summary", { hasText: "Registrations" }).click();
  const roster = card.locator(".roster-box");
  await roster.locator(".roster").first().waitFor();
  const text = await roster.innerText();
  assert.match(text, /2 of 2 places taken/);
  for (const email of [TWO, THREE]) assert.ok(text.includes(email), `${email} on the roster`);
  assert.ok(!text.includes(ONE), "who cancelled is not on it");
  assert.doesNotMatch(text, /Waiting list/, "nobody is waiting");
  // Attendance waits for the training to start.
  assert.equal(await roster.locator('input[type="checkbox"]').count(), 0);
  assert.match(text, /once the event has started/);
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(await sidewaysOverflow(page), 0, "no sideways scroll at 390 px");

  const href = await roster.getByRole("link", { name: /^Download the list \(CSV\)/ }).getAttribute("href");
  const csv = await admin.request.get(new URL(href, platform.url).href);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()["content-type"] || "", /^text\/csv/);
  const body = await csv.text();
  for (const email of [TWO, THREE]) assert.ok(body.includes(email), `${email} in the CSV`);
  assert.ok(!body.includes(ONE), "who cancelled is not in the CSV");
  await page.close();
});
