// The People page (/admin/people/) in a real browser, on the demo data. A
// mentee is matched with a demo mentor through the API; the program
// administrator finds the mentor, records that she has left state service
// after a confirmation that lists what will end, and the mentee sees her
// mentorship ended on her dashboard and by email. The administrator then
// matches the mentee by hand (an address that cannot mentor is refused next
// to the field), moves her to another mentor, ends that mentorship,
// corrects her job title and revokes her approval. Only program
// administrators get the page. Every
// state is checked with axe and photographed at phone and desktop widths
// (tests/e2e/screenshots/people-*).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startPlatform, launch, lastMailTo, decisionMail, signIn, apiOf, axeViolations } from "./support.mjs";

const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
let platform;
let browser;
/** Signed-in browser contexts by email. */
const contexts = {};

const ADMIN = "admin@mo.gov";
const SUPERVISOR = "sam.rivera@mo.gov";
const MENTEE = "casey.morgan@mo.gov";
const LEAVER = "priya.shah@mo.gov";
const WAITING = "jordan.baker@mo.gov";
const NEXT_MENTOR = "james.whitfield@mo.gov";
const MOVED_TO = "maria.okafor@mo.gov";

before(async () => {
  platform = await startPlatform({ demo: true });
  browser = await launch();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** A browser context signed in as `email`, made once. */
async function as(email) {
  if (!contexts[email]) {
    contexts[email] = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signIn(contexts[email], platform, email);
  }
  return contexts[email];
}

const api = async (email) => apiOf(await as(email), platform);

/** The People page as the program administrator, at `query` (e.g. "?email=…"). */
async function peoplePage(query = "") {
  const page = await (await as(ADMIN)).newPage();
  await page.goto(`${platform.url}/admin/people/${query}`);
  await page.locator("#console").waitFor();
  return page;
}

/** The whole page at 360 and 1280 pixels wide. */
async function photograph(page, name) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `people-${name}-${width}.png`), fullPage: true });
  }
}

/** Nothing on the page is wider than a 360 px phone. */
async function fitsAPhone(page) {
  await page.setViewportSize({ width: 360, height: 900 });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wideTables = await page.evaluate(() =>
    [...document.querySelectorAll(".table-wrap")].filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.textContent.slice(0, 40)));
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(over, 0, "no sideways scroll at 360 px");
  assert.deepEqual(wideTables, [], "no table scrolls sideways at 360 px");
}

/** The cells of a table's row, by the table's caption and the row's header. */
async function rowCells(page, caption, header) {
  const row = page.getByRole("table", { name: caption, exact: true }).getByRole("row", { name: header });
  await row.waitFor();
  return (await row.locator("td").allInnerTexts()).map((t) => t.trim());
}

/** The status of one of a person's records, once it reads `status`. */
async function statusBecomes(page, caption, header, status) {
  await page.getByRole("table", { name: caption, exact: true }).getByRole("row", { name: header }).getByText(status, { exact: true }).waitFor();
  assert.equal((await rowCells(page, caption, header))[0], status);
}

test("signed out the page asks to sign in; anyone but a program administrator is told it is not for them", async () => {
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${platform.url}/admin/people/?email=alex.nguyen%40mo.gov`);
  await visitor.locator("#signin-needed").waitFor();
  assert.match(await visitor.locator("#signin-needed a[data-signin]").getAttribute("href"), /\/signin\/\?next=%2Fadmin%2Fpeople%2F%3Femail%3D/);
  assert.equal(await visitor.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(visitor), [], "the sign-in prompt is accessible");

  for (const email of ["dana.admin@mo.gov", "alex.nguyen@mo.gov"]) {
    const page = await (await as(email)).newPage();
    await page.goto(`${platform.url}/admin/people/?email=${encodeURIComponent(MENTEE)}`);
    await page.locator("#not-admin").waitFor();
    assert.match(await page.locator("#not-admin").innerText(), new RegExp(`This page is for program administrators.*${email.replace(/\./g, "\\.")}`, "s"));
    assert.equal(await page.locator("#console").isVisible(), false, `${email} sees no records`);
    assert.deepEqual(await axeViolations(page), [], "the message is accessible");
    if (email.startsWith("dana")) await photograph(page, "not-admin");
  }
});

test("a mentor who left state service: her part ends in one step, her mentee is told and matched again by hand", async () => {
  // A new mentee applies, the supervisor approves, she selects Priya, who accepts; Jordan's request waits for Priya too.
  const mentee = await api(MENTEE);
  await mentee.post("/api/applications", {
    role: "mentee",
    first_name: "Casey",
    last_name: "Morgan",
    phone: "",
    department: "revenue",
    job_title: "Tax Examiner",
    work_location: "Jefferson City",
    supervisor_first_name: "Sam",
    supervisor_last_name: "Rivera",
    supervisor_email: SUPERVISOR,
    working_hours: "daytime",
    bio: "Four years examining business tax returns.",
    goals: "Learn to lead a small team.",
    skills: ["leadership", "public-speaking", "time-management"],
    full_time: true,
    not_at_risk: true,
    no_disciplinary_action: true,
    agreement: true,
  });
  const sam = await api(SUPERVISOR);
  const queue = await sam.get("/api/reviews");
  assert.ok(queue.supervisor.pending.some((app) => app.email === MENTEE), "the application waits for the supervisor");
  for (const app of queue.supervisor.pending) {
    await sam.post(`/api/applications/${app.id}/decision`, { outcome: "approve" });
  }
  await Promise.all(queue.supervisor.pending.map((app) => decisionMail(platform, app.email)));
  const { mentors } = await mentee.get("/api/mentors");
  const mentor = (first) => mentors.find((m) => m.first_name === first).id;
  const asked = await mentee.post("/api/requests", { mentor: mentor("Priya"), message: "I would like to learn to lead a team." });
  await (await api(LEAVER)).post(`/api/requests/${asked.id}/accept`);
  await (await api(WAITING)).post("/api/requests", { mentor: mentor("Priya"), message: "I would like to plan my next step." });

  // The administrator finds Priya by her work email.
  const page = await peoplePage();
  await page.locator("#f-lookup-email").fill(LEAVER);
  await page.getByRole("button", { name: "Look up" }).click();
  await page.getByRole("heading", { name: "Priya Shah", level: 2 }).waitFor();
  assert.match(page.url(), /\/admin\/people\/\?email=priya\.shah%40mo\.gov$/, "the address can be shared");
  assert.equal((await rowCells(page, `Mentorships of ${LEAVER}`, `Mentor of ${MENTEE}`))[0], "Active");
  assert.equal((await rowCells(page, `Requests of ${LEAVER}`, `Received from ${WAITING}`))[0], "Waiting for an answer");
  assert.deepEqual(await axeViolations(page), [], "a person's records are accessible");
  await fitsAPhone(page);
  await photograph(page, "mentor");

  // "Has left state service" asks first, saying what will end.
  await page.getByRole("button", { name: "Has left state service", exact: true }).click();
  await page.locator("#left-confirm").waitFor();
  assert.equal(await page.locator("#left-confirm-title").evaluate((h) => h === document.activeElement), true, "focus moves to the question");
  assert.equal(await page.locator("#left-start").isVisible(), false);
  assert.match(await page.locator("#left-confirm-title").innerText(), /Confirm that Priya Shah has left state service/);
  const effects = await page.locator("#left-effects").innerText();
  assert.match(effects, /revoke their mentor application/);
  assert.match(effects, new RegExp(`end the mentorship in which they mentor ${MENTEE.replace(/\./g, "\\.")}.*email`));
  assert.match(effects, new RegExp(`close the request from ${WAITING.replace(/\./g, "\\.")}`));
  assert.match(effects, /sign them out on every computer and phone/);

  // The reason is needed; its absence shows next to the field.
  await page.getByRole("button", { name: "Confirm: has left state service" }).click();
  await page.locator("#e-left-reason").waitFor();
  assert.equal(await page.locator("#f-left-reason").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(page), [], "the confirmation, with its error, is accessible");
  await photograph(page, "left-confirm");

  await page.getByLabel("How you know they have left").fill("Her supervisor told us she retired on Friday.");
  await page.getByRole("button", { name: "Confirm: has left state service" }).click();
  const done = page.locator("#person-done-text");
  await done.waitFor();
  assert.match(await done.innerText(), /\S/, "the API's message is shown");
  assert.equal(await done.evaluate((p) => p === document.activeElement), true, "focus moves to the message");
  await statusBecomes(page, `Mentorships of ${LEAVER}`, `Mentor of ${MENTEE}`, "Discontinued");
  await statusBecomes(page, `Applications of ${LEAVER}`, "Mentor", "Approval revoked");
  await statusBecomes(page, `Requests of ${LEAVER}`, `Received from ${WAITING}`, "Closed");
  assert.equal(await page.locator("#left-confirm").isVisible(), false);
  assert.deepEqual(await axeViolations(page), [], "the result is accessible");
  await photograph(page, "left-done");
  const priyaNow = await contexts[LEAVER].request.get(`${platform.url}/api/me`);
  assert.equal(priyaNow.status(), 401, "she is signed out everywhere");

  // The mentee sees the mentorship ended on her dashboard, and was emailed.
  const casey = await contexts[MENTEE].newPage();
  await casey.goto(`${platform.url}/dashboard/`);
  await casey.locator("#mentorship-list .card", { hasText: "Priya Shah" }).getByText("Discontinued").waitFor();
  const told = await lastMailTo(platform, MENTEE);
  assert.match(told.text, /Priya Shah/);
  assert.match(`${told.subject}\n${told.text}`, /ended/);

  // From Priya's records to the mentee's, by the link on her address.
  await page.getByRole("table", { name: `Mentorships of ${LEAVER}`, exact: true }).getByRole("link", { name: MENTEE }).click();
  await page.waitForURL(/\?email=casey\.morgan%40mo\.gov$/);
  await page.getByRole("heading", { name: "Casey Morgan", level: 2 }).waitFor();
  assert.equal((await rowCells(page, `Mentorships of ${MENTEE}`, `Mentee of ${LEAVER}`))[0], "Discontinued");
  assert.equal(await page.locator("#match-mentee-box").isVisible(), false, "she has no mentor application");

  // Matching by hand: someone who is not an approved mentor is refused, next to the field.
  await page.getByText("Choose a mentor for them").click();
  const match = page.locator("#match-mentor-form");
  await match.getByLabel("Mentor’s work email").fill("alex.nguyen@mo.gov");
  await match.getByLabel("Reason for matching them by hand").fill("Casey and James agreed it at the program's kickoff.");
  await page.getByRole("button", { name: "Match with a mentor" }).click();
  const refusal = page.locator("#e-match-mentor");
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /\S/, "the API's reason is shown");
  assert.equal(await page.locator("#f-match-mentor").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(page), [], "the refusal is accessible");
  await photograph(page, "match-refused");

  await match.getByLabel("Mentor’s work email").fill(NEXT_MENTOR);
  await page.getByRole("button", { name: "Match with a mentor" }).click();
  await page.locator("#person-done").getByText(`${NEXT_MENTOR} now mentors ${MENTEE}`).waitFor();
  assert.equal(await refusal.isVisible(), false);
  await statusBecomes(page, `Mentorships of ${MENTEE}`, `Mentee of ${NEXT_MENTOR}`, "Active");
  assert.deepEqual(await axeViolations(page), [], "the match is accessible");
  await fitsAPhone(page);
  await photograph(page, "matched");

  await casey.reload();
  await casey.locator("#mentorship-list .card", { hasText: "James Whitfield" }).getByText("Active").waitFor();
});

test("from the mentee's page the administrator moves her to another mentor, ends that mentorship and revokes her approval", async () => {
  // She can be found by name, too.
  const search = await peoplePage();
  await search.locator("#f-lookup-email").fill("Casey Mor");
  await search.getByRole("button", { name: "Look up" }).click();
  await search.locator("#found-title").getByText("1 person named").waitFor();
  assert.deepEqual(await axeViolations(search), [], "the people found are accessible");
  await search.locator("#found-list").getByRole("link", { name: "Casey Morgan" }).click();
  await search.getByRole("heading", { name: "Casey Morgan", level: 2 }).waitFor();
  await search.close();

  const page = await peoplePage(`?email=${encodeURIComponent(MENTEE)}`);
  await page.getByRole("heading", { name: "Casey Morgan", level: 2 }).waitFor();
  assert.equal(await page.locator("#f-lookup-email").inputValue(), MENTEE, "the address fills the search");

  // Move to another mentor.
  const withJames = page.locator("#person-mentorships .card", { hasText: NEXT_MENTOR });
  await withJames.getByText("Move the mentee to another mentor").click();
  await withJames.getByLabel("New mentor’s work email").fill(MOVED_TO);
  await withJames.getByLabel("Reason for the move").fill("James has taken on a large project.");
  assert.deepEqual(await axeViolations(page), [], "the open form is accessible");
  await withJames.getByRole("button", { name: "Move to another mentor" }).click();
  await page.locator("#person-done").getByText(`${MENTEE} is now mentored by ${MOVED_TO}`).waitFor();
  await statusBecomes(page, `Mentorships of ${MENTEE}`, `Mentee of ${NEXT_MENTOR}`, "Discontinued");
  await statusBecomes(page, `Mentorships of ${MENTEE}`, `Mentee of ${MOVED_TO}`, "Active");

  // End it.
  const withMaria = page.locator("#person-mentorships .card", { hasText: MOVED_TO });
  await withMaria.getByText("End this mentorship").click();
  await withMaria.getByLabel("Reason for ending it").fill("Casey asked to pause mentoring for now.");
  await withMaria.getByRole("button", { name: "End mentorship" }).click();
  await page.locator("#person-done").getByText("has ended, counted as discontinued").waitFor();
  await statusBecomes(page, `Mentorships of ${MENTEE}`, `Mentee of ${MOVED_TO}`, "Discontinued");
  assert.equal(await page.locator("#person-mentorships .card").count(), 0, "no active mentorship is left to act on");

  // Correct her job title: she stays approved and is told what changed and by whom.
  await page.getByText("Correct the details of their mentee application").click();
  const correction = page.locator("form", { has: page.getByRole("button", { name: "Save the correction" }) });
  assert.equal(await correction.getByLabel("Job title").inputValue(), "Tax Examiner", "the form holds the record as it is");
  await correction.getByRole("button", { name: "Save the correction" }).click();
  await correction.locator('[data-field="note"] .field-error').waitFor();
  await correction.getByLabel("Job title").fill("Senior Tax Examiner");
  await correction.getByLabel("Note to them").fill("Your title changed with the reorganisation in May.");
  assert.deepEqual(await axeViolations(page), [], "the correction form is accessible");
  await correction.getByRole("button", { name: "Save the correction" }).click();
  await page.locator("#person-done").getByText("is corrected").waitFor();
  await statusBecomes(page, `Applications of ${MENTEE}`, "Mentee", "Approved");
  const told = await lastMailTo(platform, MENTEE);
  assert.match(told.subject, /corrected your application/);
  assert.match(told.text, /job title/);
  assert.match(told.text, new RegExp(ADMIN.replace(/\./g, "\\.")));

  // Revoke her approval: she can no longer be matched.
  await page.getByText("Revoke the approval of their mentee application").click();
  await page.getByLabel("Reason for revoking").fill("Her supervisor withdrew the approval.");
  await page.getByRole("button", { name: "Revoke approval" }).click();
  await statusBecomes(page, `Applications of ${MENTEE}`, "Mentee", "Approval revoked");
  await page.locator("#person-done-text").waitFor();
  assert.equal(await page.locator("#match").isVisible(), false, "no match by hand without an approved application");
  assert.deepEqual(await axeViolations(page), [], "the revoked application is accessible");
  await fitsAPhone(page);
  await photograph(page, "revoked");

  // The audit trail names what the administrator did.
  await page.getByRole("button", { name: "Audit trail of the mentee application" }).click();
  const trail = page.getByRole("table", { name: "Changes to the application, oldest first" });
  await trail.getByRole("row").filter({ hasText: "Revoked the approval" }).filter({ hasText: ADMIN }).waitFor();
});
