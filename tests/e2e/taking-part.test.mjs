// Taking part on one's own terms, in a real browser on the demo data: on My
// applications a new mentee pauses her search for a mentor (requests are
// refused meanwhile) and resumes it; a mentor she is matched with withdraws
// his application, is asked to confirm that their mentorship ends, and the
// mentee finds it ended and is emailed. Checked with axe and photographed
// at phone and desktop widths (tests/e2e/screenshots/taking-part-*).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startPlatform, launch, lastMailTo, decisionMail, signIn, apiOf, axeViolations } from "./support.mjs";

const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
let platform;
let browser;

const SUPERVISOR = "sam.rivera@mo.gov";
const MENTEE = "riley.park@mo.gov";
const MENTOR = "james.whitfield@mo.gov";

before(async () => {
  platform = await startPlatform({ demo: true });
  browser = await launch();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

async function signedIn(email) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signIn(context, platform, email);
  return context;
}

async function photograph(page, name) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `taking-part-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("a mentee pauses her search and resumes it; her mentor withdraws, confirming that their mentorship ends", async () => {
  const menteeContext = await signedIn(MENTEE);
  const mentee = apiOf(menteeContext, platform);
  await mentee.post("/api/applications", {
    role: "mentee",
    first_name: "Riley",
    last_name: "Park",
    phone: "",
    department: "revenue",
    job_title: "Revenue Agent",
    work_location: "Jefferson City",
    supervisor_first_name: "Sam",
    supervisor_last_name: "Rivera",
    supervisor_email: SUPERVISOR,
    working_hours: "daytime",
    bio: "Two years auditing sales tax returns.",
    goals: "Learn to plan and run a project.",
    skills: ["leadership", "public-speaking", "time-management"],
    full_time: true,
    not_at_risk: true,
    no_disciplinary_action: true,
    agreement: true,
  });
  const sam = apiOf(await signedIn(SUPERVISOR), platform);
  const queue = await sam.get("/api/reviews");
  const mine = queue.supervisor.pending.find((app) => app.email === MENTEE);
  await sam.post(`/api/applications/${mine.id}/decision`, { outcome: "approve" });
  await decisionMail(platform, MENTEE);

  // She pauses her search from My applications.
  const page = await menteeContext.newPage();
  await page.goto(`${platform.url}/my/applications/`);
  await page.getByRole("button", { name: "Pause my search for a mentor" }).click();
  await page.locator("#changed-text").waitFor();
  assert.match(await page.locator("#changed-text").innerText(), /paused/);
  assert.equal(await page.locator("#changed-text").evaluate((p) => p === document.activeElement), true, "the news has the focus");
  await page.getByRole("button", { name: "Resume my search for a mentor" }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await photograph(page, "paused");

  // Meanwhile her requests are refused, saying why.
  const { mentors } = await mentee.get("/api/mentors");
  const james = mentors.find((m) => m.first_name === "James").id;
  await assert.rejects(mentee.post("/api/requests", { mentor: james }), /409.*paused your search/);

  // She resumes, asks James, and he accepts.
  await page.getByRole("button", { name: "Resume my search for a mentor" }).click();
  await page.getByRole("button", { name: "Pause my search for a mentor" }).waitFor();
  assert.match(await page.locator("#changed-text").innerText(), /on again/);
  const asked = await mentee.post("/api/requests", { mentor: james, message: "I would like to learn project planning." });
  const mentorContext = await signedIn(MENTOR);
  await apiOf(mentorContext, platform).post(`/api/requests/${asked.id}/accept`);

  // James withdraws his mentor application; the page says the mentorship ends and asks him to confirm.
  const his = await mentorContext.newPage();
  await his.goto(`${platform.url}/my/applications/`);
  const card = his.getByRole("article", { name: "Mentor application" });
  await card.getByText("Withdraw this application").click();
  const form = card.locator("form.withdraw__form");
  assert.match(await form.locator(".withdraw__list").innerText(), /With Riley Park/);
  await form.getByRole("button", { name: "Withdraw my mentor application" }).click();
  const error = form.locator('[data-field="end_mentorships"] .field-error');
  await error.waitFor();
  assert.match(await error.innerText(), /confirm that your mentorships/);
  assert.deepEqual(await axeViolations(his), []);
  await photograph(his, "confirm");
  await form.getByLabel("End these mentorships too").check();
  await form.getByRole("button", { name: "Withdraw my mentor application" }).click();
  await his.locator("#changed").waitFor();
  const news = await his.locator("#changed-text").innerText();
  assert.match(news, /withdrawn/);
  assert.match(news, /mentorship has ended/);
  await card.getByText("Withdrawn", { exact: true }).waitFor();
  assert.deepEqual(await axeViolations(his), []);
  await photograph(his, "withdrawn");

  // Riley finds it ended, and was emailed with the survey.
  const { mentorships } = await mentee.get("/api/mentorships");
  assert.equal(mentorships[0].status, "discontinued");
  const mail = await lastMailTo(platform, MENTEE);
  assert.match(mail.subject, /has ended/);
  assert.match(mail.text, /James/);
});
