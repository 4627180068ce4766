// "Needs attention" in a real browser, on the demo data: a training whose
// places are taken shows on the admin page as an event filling up; the
// program administrator follows the count to its list, on a desktop and on
// a phone, and finds the same line first on her dashboard; a department
// administrator sees her department's share without the program's lines.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, apiOf, axeViolations, sidewaysOverflow, addDays, programToday, countSteps, stepsLine } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const PHONE = { width: 390, height: 844 };
let platform;
let browser;

before(async () => {
  platform = await startPlatform({ demo: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

async function signedIn(email, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  await signIn(context, platform, email);
  return context;
}

test("an event filling up is counted on the admin page and listed a click away", async (t) => {
  const team = await signedIn(ADMIN);
  const added = await apiOf(team, platform).post("/api/admin/calendar/events", {
    group: "", kind: "training", audience: "mentors-and-mentees",
    date: addDays(programToday(), 20), start: "10:00", end: "11:00",
    title: "First meetings that work", details: "An hour on the first meeting of a pair.",
    place: "Truman Building, room 490", link: "", capacity: 2, registration_open: true,
  });
  for (const email of ["reg.one@mo.gov", "reg.two@mo.gov"]) {
    await apiOf(await signedIn(email), platform).post(`/api/calendar/events/${added.id}/registration`);
  }

  // From the home page, signed in, by her dashboard, which opens with
  // it: the steps are counted.
  const finding = await countSteps(team);
  const page = await team.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My dashboard" }).click();
  await page.locator("#work-list").getByRole("link", { name: "Needs attention: 1 event filling up" }).click();
  await page.waitForURL(/\/admin\/attention\/\?show=events$/);
  const list = page.locator("#attention-list");
  await list.getByText("First meetings that work").waitFor();
  t.diagnostic(stepsLine("an administrator finds what needs attention, from the home page", finding));
  assert.match(await list.innerText(), /2 of 2 places taken, 0 waiting/);
  assert.equal(await page.locator("#list-title").evaluate((h) => h === document.activeElement), true, "the list's title has focus");
  assert.deepEqual(await axeViolations(page), [], "the list is accessible");

  // The admin page opens with the same summary, each count a link.
  await page.goto(`${platform.url}/admin/`);
  const summary = page.locator("#attention-summary");
  const filling = summary.getByRole("link", { name: "1 event filling up" });
  await filling.waitFor();
  assert.match(await summary.innerText(), /0 applications waiting more than 14 days for a decision/);
  assert.deepEqual(await axeViolations(page), [], "the admin page with its summary is accessible");
  await filling.click();
  await page.waitForURL(/\/admin\/attention\/\?show=events$/);

  // On a phone the same list reads without scrolling sideways.
  const phone = await (await signedIn(ADMIN, PHONE)).newPage();
  await phone.goto(`${platform.url}/admin/attention/?show=events`);
  await phone.locator("#attention-list").getByText("First meetings that work").waitFor();
  assert.equal(await sidewaysOverflow(phone), 0, "nothing scrolls sideways on a phone");
});

test("a department administrator sees her department's share, without the program's lines", async () => {
  const dana = await signedIn("dana.admin@mo.gov");
  const page = await dana.newPage();
  await page.goto(`${platform.url}/admin/attention/`);
  const summary = page.locator("#attention-summary");
  await summary.getByText(/requests to mentors unanswered/).waitFor();
  const text = await summary.innerText();
  assert.doesNotMatch(text, /filling up|no meeting for weeks/);
  assert.equal(await page.locator("#list-section").isVisible(), false, "no list until one is chosen");
  assert.deepEqual(await axeViolations(page), [], "the page is accessible");
  await page.goto(`${platform.url}/dashboard/`);
  await page.locator("#work-list").getByText("Nothing in your care has waited too long.").waitFor();
});
