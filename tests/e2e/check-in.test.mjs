// A pair that goes quiet, in a real browser, on the demo data: a new mentee
// is matched with a demo mentor through the API and they log nothing; the
// local clock moves 30 days on and both are emailed a check-in. On a phone
// the mentee follows the "We need help" link, signs in with one press,
// finds that answer chosen and sends it; the program team's address hears
// of it and the program administrator, from the admin page, sees the pair
// first among the quiet pairs, and sets the weeks (a bad number refused next to its field). The
// mentor's link then shows the check-in already answered.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, lastMailTo, decisionMail, signIn, apiOf, axeViolations, sidewaysOverflow, tokenIn } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const SUPERVISOR = "sam.rivera@mo.gov";
const MENTEE = "casey.morgan@mo.gov";
const MENTOR = "priya.shah@mo.gov";
const TEAM = "mentoring@mo.gov";
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

async function api(email) {
  const context = await browser.newContext();
  await signIn(context, platform, email);
  return apiOf(context, platform);
}

/** The answer links of the newest check-in email to `to`, by answer. */
async function checkInLinks(to) {
  const mail = await lastMailTo(platform, to);
  assert.equal(mail.subject, "How is your MOments mentorship going?");
  const links = mail.text.split(/\s+/).filter((w) => w.startsWith("http") && w.includes("/signin/confirm/"));
  assert.equal(links.length, 3, mail.text);
  return { mail, meeting: links[0], needHelp: links[1], finished: links[2] };
}

test("a quiet pair is asked after four weeks; 'we need help' reaches the team and the admin page", async () => {
  // Casey applies, Sam approves, Casey selects Priya, who accepts.
  const admin = await api(ADMIN);
  await admin.put("/api/admin/contact", { email: TEAM, version: 0 });
  const mentee = await api(MENTEE);
  await mentee.post("/api/applications", {
    role: "mentee", first_name: "Casey", last_name: "Morgan", phone: "", department: "revenue",
    job_title: "Tax Examiner", work_location: "Jefferson City", supervisor_first_name: "Sam",
    supervisor_last_name: "Rivera", supervisor_email: SUPERVISOR, working_hours: "daytime",
    bio: "Four years examining business tax returns.", goals: "Learn to lead a small team.",
    skills: ["leadership", "public-speaking", "time-management"],
    full_time: true, not_at_risk: true, no_disciplinary_action: true, agreement: true,
  });
  const sam = await api(SUPERVISOR);
  const queue = await sam.get("/api/reviews");
  const casey = queue.supervisor.pending.find((app) => app.email === MENTEE);
  await sam.post(`/api/applications/${casey.id}/decision`, { outcome: "approve" });
  await decisionMail(platform, MENTEE);
  const { mentors } = await mentee.get("/api/mentors");
  const asked = await mentee.post("/api/requests", { mentor: mentors.find((m) => m.first_name === "Priya").id });
  const { mentorship } = await (await api(MENTOR)).post(`/api/requests/${asked.id}/accept`);

  // Thirty days on the local clock, with nothing logged: both are asked.
  const moved = await fetch(`${platform.url}/_local/jobs/run-later`, { method: "POST" });
  assert.match(await moved.text(), new RegExp(`ms-${mentorship.id}-quiet-\\d{8}: Sent\\(2\\)`));
  const toCasey = await checkInLinks(MENTEE);
  assert.match(toCasey.mail.text, /You and Priya Shah have not logged a meeting since/);
  const toPriya = await checkInLinks(MENTOR);

  // On her phone Casey follows "We need help": one press signs her in.
  const phone = await (await browser.newContext({ viewport: PHONE })).newPage();
  await phone.goto(toCasey.needHelp);
  await phone.locator("#confirm-task").waitFor();
  assert.match(await phone.locator("#confirm-task").innerText(), /answer how your mentorship with Priya Shah is going/);
  await phone.getByRole("button", { name: "Sign in and continue" }).click();
  await phone.waitForURL(/\/check-in\/\?mentorship=/);
  const form = phone.locator("#check-in-form");
  await form.waitFor();
  assert.match(await phone.locator("#check-in-about").innerText(), /Priya Shah: no meeting logged since/);
  assert.equal(await form.getByLabel("We need help").isChecked(), true, "the answer from the link is chosen");
  assert.equal(await form.getByLabel("We've finished").isChecked(), false);
  assert.deepEqual(await axeViolations(phone), [], "the check-in is accessible");
  assert.equal(await sidewaysOverflow(phone), 0, "nothing scrolls sideways on a phone");
  const button = form.getByRole("button", { name: "Send my answer" });
  const box = await button.boundingBox();
  assert.ok(box.y + box.height <= PHONE.height * 1.5, `the button is near the top on a phone (${box.y} px)`);
  await button.click();
  await phone.locator("#done").waitFor();
  assert.equal(await phone.locator("#done-title").evaluate((h) => h === document.activeElement), true, "focus moves to the outcome");
  assert.match(await phone.locator("#done").innerText(), /program team has been told/);
  assert.deepEqual(await axeViolations(phone), [], "the outcome is accessible");

  // The team's address hears of it.
  const told = await lastMailTo(platform, TEAM);
  assert.equal(told.subject, "A MOments pair has asked for help");
  assert.match(told.text, /Mentee: Casey Morgan\nMentor: Priya Shah/);

  // The program administrator sees the pair first among the quiet pairs.
  const adminPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(adminPage.context(), platform, ADMIN);
  await adminPage.goto(`${platform.url}/admin/`);
  // "Needs attention", first on the admin page, counts the pair and leads to it.
  await adminPage.locator("#attention-summary").getByRole("link", { name: "1 pair with no meeting for weeks, 1 asking for help" }).click();
  await adminPage.waitForURL(/\/admin\/quiet\/$/);
  const first = adminPage.locator("#quiet-list li").first();
  await first.waitFor();
  const listed = await first.innerText();
  assert.match(listed, /Casey Morgan, mentee \(casey\.morgan@mo\.gov\), and Priya Shah, mentor/);
  assert.match(listed, /We need help \(the mentee/);
  assert.equal(await adminPage.locator("#quiet-form").getByLabel("Weeks without a meeting before a check-in").inputValue(), "4");

  // A number of weeks out of range is refused next to its field; a good one is saved.
  const weeks = adminPage.locator("#quiet-form").getByLabel("Weeks without a meeting before a check-in");
  await weeks.fill("52");
  await adminPage.getByRole("button", { name: "Save the number of weeks" }).click();
  await adminPage.locator("#e-quiet_weeks").waitFor();
  assert.match(await adminPage.locator("#e-quiet_weeks").innerText(), /from 1 to 26/);
  assert.equal(await weeks.getAttribute("aria-invalid"), "true");
  assert.match(await adminPage.title(), /^Error: Pairs that have gone quiet/);
  await weeks.fill("6");
  await adminPage.getByRole("button", { name: "Save the number of weeks" }).click();
  await adminPage.locator("#quiet-status").getByText("Saved: pairs are asked after 6 weeks").waitFor();
  assert.deepEqual(await axeViolations(adminPage), [], "the quiet pairs page is accessible");
  assert.match(told.text, /\/admin\/quiet\//, "the team's email links to the page");

  // Priya's link opens the check-in, already answered by Casey: nothing to send.
  const priya = await (await browser.newContext({ viewport: PHONE })).newPage();
  await priya.goto(toPriya.meeting);
  await priya.getByRole("button", { name: "Sign in and continue" }).click();
  await priya.locator("#answered").waitFor();
  assert.match(await priya.locator("#answered-text").innerText(), /Casey Morgan answered “We need help”/);
  assert.equal(await priya.locator("#check-in-form").isVisible(), false);
  assert.ok(tokenIn(toPriya.finished), "each answer has a link of its own");
});
