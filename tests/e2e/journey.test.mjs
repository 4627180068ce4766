// The first journey, in a real browser: a team member applies as a mentee,
// the supervisor opens the emailed review link, which signs her in for that
// review with one press, and decides, and the applicant receives the decision by email. And someone
// applies as a mentor with the keyboard alone, and as a mentee too.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, lastMailTo, mailArriving, linkIn, signInFromHere, axeViolations, tabTo, arrowUntil, countSteps, stepsLine, applicationPage, continueTo, applyThrough } from "./support.mjs";

let platform;
let browser;

before(async () => {
  platform = await startPlatform();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** How many emails went to `to` so far. */
async function mailCount(to) {
  const all = await (await fetch(`${platform.url}/_local/outbox.json`)).json();
  return all.filter((m) => m.to === to).length;
}

/**
 * Follow the task link in `mail`: the page says whom it signs in and for
 * what, and one press signs in and opens the task.
 */
async function followTaskLink(page, mail, task) {
  await page.goto(linkIn(mail, "/signin/confirm/"));
  await page.locator("#confirm-task").waitFor();
  assert.equal(await page.locator("#confirm-email").innerText(), mail.to);
  assert.match(await page.locator("#confirm-task").innerText(), task);
  assert.equal(new URL(page.url()).hash, "", "the token leaves the address bar");
  await page.getByRole("button", { name: "Sign in and continue" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/signin/"));
}

/** Ada's answers, with the supervisor's address and the skills given. */
const adaAnswers = (supervisorEmail, skills = ["data-analysis", "leadership", "teamwork"]) => ({
  first_name: "Ada",
  last_name: "Lovelace",
  department: "revenue",
  job_title: "Revenue Analyst",
  work_location: "Jefferson City",
  supervisor: ["Grace", "Hopper", supervisorEmail],
  skills,
  bio: "Analyst in collections reporting & curious about leading a team (3 < 5 years in).",
  goals: "Lead my first project.",
});

/** Answers every page of a mentee application, sends it, and waits for the panel that says so. */
async function applyAsMentee(page, supervisorEmail) {
  await applyThrough(page, adaAnswers(supervisorEmail));
  await page.getByRole("button", { name: "Submit application" }).click();
  await page.locator("#submitted").waitFor();
}

test("mentee applies; the supervisor denies from the emailed link with a message; the mentee is told", async () => {
  const ada = await (await browser.newContext()).newPage();
  await ada.goto(`${platform.url}/apply/mentee/`);
  await signInFromHere(ada, platform, "ada.lovelace@mo.gov");

  // One page at a time: the first asks about her, and says how many follow.
  await applicationPage(ada, "About you").waitFor();
  assert.equal(await ada.locator("#step-count").innerText(), "Step 1 of 5");
  assert.equal(await ada.getByRole("link", { name: "Back" }).isVisible(), false, "nothing before the first page");
  assert.deepEqual(await axeViolations(ada), [], "the first page is accessible");
  // Continue with nothing typed: the API's messages for this page's fields
  // only, all at once, with a summary; the other pages' turn comes later.
  await ada.locator("#submit-application").click();
  await ada.locator("#application-errors").waitFor();
  assert.match(await ada.title(), /^Error: About you/);
  assert.deepEqual((await ada.locator("#application-errors li").allInnerTexts()).map((t) => t.split(":")[0]), ["First name", "Last name"]);
  assert.equal(await ada.evaluate(() => document.activeElement.id), "application-errors", "the summary takes the focus");
  // Limits show before sending, and count down as she types: the numbers
  // the API enforces (site/data/limits.toml).
  assert.equal(await ada.locator("#c-first_name").innerText(), "You have 60 characters left");
  await ada.locator("#f-first_name").fill("Ada");
  assert.equal(await ada.locator("#c-first_name").innerText(), "You have 57 characters left");
  await ada.locator("#f-last_name").fill("Lovelace");
  await continueTo(ada, "Your work");
  assert.equal(await ada.locator("#step-count").innerText(), "Step 2 of 5");
  assert.match(await ada.title(), /^Your work/, "no error once put right");
  // The browser's Back button goes back a page, and forward again.
  await ada.goBack();
  await applicationPage(ada, "About you").waitFor();
  assert.equal(await ada.locator("#f-first_name").inputValue(), "Ada");
  await ada.goForward();
  await applicationPage(ada, "Your work").waitFor();
  await ada.locator("#f-department").selectOption("revenue");
  await ada.locator("#f-job_title").fill("Revenue Analyst");
  await ada.locator("#f-work_location").fill("Jefferson City");
  await ada.getByLabel("Daytime").check();
  await continueTo(ada, "Your supervisor");
  assert.deepEqual(await axeViolations(ada), [], "the supervisor's page is accessible");
  await ada.locator("#f-supervisor_first_name").fill("Grace");
  await ada.locator("#f-supervisor_last_name").fill("Hopper");
  await ada.locator("#f-supervisor_email").fill("grace.hopper@mo.gov");
  await continueTo(ada, "Your skills");
  // Two skills are not enough: the API's message appears next to the field.
  await ada.locator("#f-skills-1").selectOption("data-analysis");
  await ada.locator("#f-skills-2").selectOption("leadership");
  await ada.locator("#submit-application").click();
  await ada.locator("#e-skills").waitFor();
  assert.match(await ada.locator("#e-skills").innerText(), /at least 3/);
  assert.equal(await ada.locator("#f-skills-1").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(ada), [], "a page with errors is accessible");
  await ada.locator("#f-skills-3").selectOption("public-speaking");
  await continueTo(ada, "Your goals");
  assert.deepEqual(await axeViolations(ada), [], "the goals page is accessible");
  assert.equal(await ada.locator("#c-bio").innerText(), "You have 1,500 characters left");
  await ada.locator("#f-bio").fill("x".repeat(1501));
  assert.equal(await ada.locator("#c-bio").innerText(), "You have 1 character too many");
  assert.match(await ada.locator("#c-bio").getAttribute("class"), /field__count--over/);
  assert.match(await ada.locator("#f-bio").getAttribute("aria-describedby"), /c-bio/);
  await ada.locator("#f-bio").fill(adaAnswers("").bio);
  await ada.locator("#f-goals").fill("Lead my first project.");
  await continueTo(ada, "Check your answers");
  // She leaves and comes back on the same device: what she typed is kept,
  // and she goes on from the page she reached; the eligibility statements
  // she confirms again.
  await ada.reload();
  await applicationPage(ada, "Check your answers").waitFor();
  await ada.locator("#draft-notice").waitFor();
  assert.equal(await ada.locator("#f-first_name").inputValue(), "Ada");
  assert.equal(await ada.locator("#f-skills-3").inputValue(), "public-speaking");
  assert.equal(await ada.getByLabel("Daytime").isChecked(), true);
  assert.equal(await ada.locator("#c-first_name").innerText(), "You have 57 characters left");
  assert.equal(await ada.locator("#f-full_time").isChecked(), false);
  assert.deepEqual(await axeViolations(ada), [], "the kept application is accessible");
  // Every answer, each with a link to change it; below them, the statements
  // she makes in sending it.
  const answers = ada.locator("#answers");
  assert.match(await answers.innerText(), /Job title\s+Revenue Analyst/);
  assert.deepEqual(await answers.locator("ol li").allInnerTexts(), ["Data analysis and reporting", "Leadership", "Public speaking and presenting"]);
  assert.deepEqual(await axeViolations(ada), [], "the check page is accessible");
  // A change opens its page with the field focused, and Continue comes straight back.
  await answers.getByRole("link", { name: "Change Job title" }).click();
  await applicationPage(ada, "Your work").waitFor();
  assert.equal(await ada.evaluate(() => document.activeElement.id), "f-job_title");
  await ada.locator("#f-job_title").fill("Senior Revenue Analyst");
  await continueTo(ada, "Check your answers");
  assert.match(await answers.innerText(), /Job title\s+Senior Revenue Analyst/);
  // Sent without the statements: each is asked for next to its box.
  await ada.getByRole("button", { name: "Submit application" }).click();
  await ada.locator("#e-full_time").waitFor();
  assert.match(await ada.title(), /^Error: Check your answers/);
  assert.deepEqual(await axeViolations(ada), [], "the check page with errors is accessible");
  for (const name of ["full_time", "not_at_risk", "no_disciplinary_action", "agreement"]) {
    await ada.locator(`#f-${name}`).check();
  }
  await ada.getByRole("button", { name: "Submit application" }).click();
  await ada.locator("#submitted").waitFor();
  assert.equal(await ada.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("moments_draft_")).length), 0,
    "once sent, nothing is kept on the device");

  // The supervisor opens the review link from the outbox, signed out: the
  // link signs her in for this review.
  const grace = await (await browser.newContext()).newPage();
  await followTaskLink(grace, await lastMailTo(platform, "grace.hopper@mo.gov"), /review Ada Lovelace's mentee application/);

  await grace.locator("#decision-form").waitFor();
  // Text typed by the applicant is shown as text, never as markup.
  assert.match(await grace.locator("#detail-fields").innerText(), /curious about leading a team \(3 < 5 years in\)/);
  assert.deepEqual(await axeViolations(grace), [], "review page is accessible");
  assert.match(await grace.locator(".eligibility").innerText(), /work full time/, "the statements the applicant confirmed");
  // On a phone the decision is on the first screen, right under the summary.
  const phone = await grace.context().newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(grace.url());
  await phone.locator("#decision-form").waitFor();
  const lowest = Math.max(...await Promise.all(["Approve application", "Deny application"].map(async (name) => {
    const box = await phone.getByRole("button", { name }).boundingBox();
    return box.y + box.height;
  })));
  assert.ok(lowest <= 844, `the decision buttons end ${lowest} px down a 844 px phone screen`);
  await phone.close();
  const message = "Let's talk after the busy season <3 — ask me again in March.";
  const mailsToAda = await mailCount("ada.lovelace@mo.gov");
  await grace.locator("#f-message").fill(message);
  await grace.getByRole("button", { name: "Deny application" }).click();
  // The page asks first, restating the decision and the message to be sent.
  await grace.locator("#decision-confirm-title").getByText("Deny Ada Lovelace’s mentee application?").waitFor();
  assert.equal(await grace.locator("#decision-confirm-title").evaluate((h) => h === document.activeElement), true, "the question has focus");
  assert.ok((await grace.locator("#decision-confirm-text").innerText()).includes(message), "the message is restated");
  assert.deepEqual(await axeViolations(grace), [], "the confirmation is accessible");
  await grace.getByRole("button", { name: "Go back" }).click();
  assert.equal(await grace.locator("#decision-confirm").isVisible(), false, "going back asks nothing more");
  assert.equal(await mailCount("ada.lovelace@mo.gov"), mailsToAda, "nothing is sent before the decision is confirmed");
  await grace.getByRole("button", { name: "Deny application" }).click();
  await grace.getByRole("button", { name: "Yes, deny it" }).click();
  await grace.locator("#decision-record").waitFor();
  // For a few seconds the decision can be taken back, and nothing is sent.
  const banner = grace.locator("#page-notice");
  assert.match(await banner.innerText(), /You denied Ada Lovelace’s application\. We email Ada in 10 seconds; until then you can undo it\./);
  assert.equal(await banner.evaluate((b) => b === document.activeElement), true, "the banner has focus");
  assert.deepEqual(await axeViolations(grace), [], "the banner with Undo is accessible");
  await banner.getByRole("button", { name: "Undo" }).click();
  await banner.getByText("Undone: Ada Lovelace’s application waits for your decision again, and no email was sent.").waitFor();
  await grace.getByRole("button", { name: "Deny application" }).waitFor();
  assert.equal(await grace.locator("#decision-record").isVisible(), false, "no decision is shown");
  assert.equal(await grace.locator("#f-message").inputValue(), message, "the message is still there");
  await grace.getByRole("button", { name: "Deny application" }).click();
  await grace.getByRole("button", { name: "Yes, deny it" }).click();
  await grace.locator("#decision-record").waitFor();
  assert.equal(await mailCount("ada.lovelace@mo.gov"), mailsToAda, "nothing is sent while it can be undone");
  // Once the seconds pass the Undo button goes, and the email leaves.
  await banner.getByText("Ada gets an email saying so.").waitFor({ timeout: 15000 });
  assert.equal(await banner.getByRole("button", { name: "Undo" }).count(), 0);

  const told = await mailArriving(platform, "ada.lovelace@mo.gov", /not approved/);
  assert.equal(await mailCount("ada.lovelace@mo.gov"), mailsToAda + 1, "one email, for the decision that stands");
  assert.ok(told.text.includes(message), "the supervisor's message reaches the applicant");

  // The applicant sees the decision and the message on My applications.
  await ada.goto(`${platform.url}/my/applications/`);
  await ada.getByText(message).waitFor();
});

test("supervisor approves, and a second decision is refused with a clear message", async (t) => {
  // Sam applies from the home page, signed out: the steps are counted.
  const samContext = await browser.newContext();
  const applying = await countSteps(samContext);
  const sam = await samContext.newPage();
  await sam.goto(`${platform.url}/`);
  await sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apply" }).click();
  await sam.getByRole("link", { name: "Start the mentee application" }).click();
  await signInFromHere(sam, platform, "sam.okafor@mo.gov");
  await applyAsMentee(sam, "lin.boss@mo.gov");
  t.diagnostic(stepsLine("apply as a mentee, from the home page, signed out", applying));

  // Click 1 opens the emailed link, click 2 signs in and opens the
  // application, click 3 approves; no second email is needed.
  const mailsToLin = await mailCount("lin.boss@mo.gov");
  const lin = await (await browser.newContext()).newPage();
  await followTaskLink(lin, await lastMailTo(platform, "lin.boss@mo.gov"), /review Ada Lovelace's mentee application/);
  const link = lin.url();
  // A second tab with the same application open, to decide twice.
  const second = await lin.context().newPage();
  await second.goto(link);
  await second.locator("#decision-form").waitFor();

  await lin.getByRole("button", { name: "Approve application" }).click();
  await lin.getByRole("button", { name: "Yes, approve it" }).click();
  await lin.locator("#decision-record").waitFor();
  assert.equal(await mailCount("lin.boss@mo.gov"), mailsToLin, "no second email to the supervisor");
  await mailArriving(platform, "sam.okafor@mo.gov", /is approved/);
  // The link worked once: opened again, it says so before anyone presses.
  const again = await (await browser.newContext()).newPage();
  await again.goto(linkIn(await lastMailTo(platform, "lin.boss@mo.gov"), "/signin/confirm/"));
  await again.locator("#confirm-expired").waitFor();

  await second.getByRole("button", { name: "Deny application" }).click();
  await second.getByRole("button", { name: "Yes, deny it" }).click();
  await second.locator("#decision-errors, #detail-problem").first().waitFor();
  assert.match(await second.locator("main").innerText(), /already been approved/);
});

test("someone applies as a mentor with the keyboard alone and as a mentee; the supervisor approves both from the emailed links", async (t) => {
  const kim = await (await browser.newContext()).newPage();
  await kim.goto(`${platform.url}/apply/mentor/`);
  await signInFromHere(kim, platform, "kim.keys@mo.gov");
  await kim.locator("#application-form").waitFor();

  // From the top of the page, with Tab, typing, arrow keys and Space only.
  const type = async (name, text) => {
    await tabTo(kim, `#f-${name}`);
    await kim.keyboard.type(text);
  };
  const choose = async (selector, value) => {
    await tabTo(kim, selector);
    await arrowUntil(kim, "ArrowDown", `document.querySelector("${selector}").value === "${value}"`);
  };
  // Enter on the Continue button moves to the next page.
  const onward = async (heading) => {
    await tabTo(kim, "#submit-application");
    await kim.keyboard.press("Enter");
    await applicationPage(kim, heading).waitFor();
  };
  await type("first_name", "Kim");
  await type("last_name", "Keys");
  await onward("Your work");
  await choose("#f-department", "transportation");
  await type("job_title", "Bridge Inspector");
  await type("work_location", "Kansas City");
  await tabTo(kim, 'input[name="working_hours"]');
  await arrowUntil(kim, "ArrowRight", `document.querySelector("#f-working_hours-evening").checked`);
  await onward("Your supervisor");
  await type("supervisor_first_name", "Lee");
  await type("supervisor_last_name", "Park");
  await type("supervisor_email", "lee.park@mo.gov");
  await onward("Your skills");
  await choose("#f-skills-1", "project-management");
  // A skill ranked once is not offered at the other ranks.
  assert.equal(await kim.locator('#f-skills-2 option[value="project-management"]').isDisabled(), true);
  await choose("#f-skills-2", "problem-solving");
  assert.match(await kim.locator("#skills-count").innerText(), /2 of 6 chosen: choose at least 1 more/);
  await choose("#f-skills-3", "training-design");
  assert.match(await kim.locator("#skills-count").innerText(), /3 of 6 chosen/);
  await onward("What you offer");
  assert.deepEqual(await axeViolations(kim), [], "a mentor's page about what they offer is accessible");
  await type("bio", "Fifteen years inspecting bridges; I train every new inspector in our district.");
  await onward("Check your answers");
  for (const name of ["full_time", "not_at_risk", "no_disciplinary_action", "agreement"]) {
    await tabTo(kim, `#f-${name}`);
    await kim.keyboard.press("Space");
  }
  await tabTo(kim, "#submit-application");
  await kim.keyboard.press("Enter");
  await kim.locator("#submitted").waitFor();
  assert.match(await kim.locator("#submitted-next").innerText(), /Lee Park \(lee\.park@mo\.gov\)/);

  // The same person applies as a mentee too.
  await kim.goto(`${platform.url}/apply/mentee/`);
  await applyAsMentee(kim, "lee.park@mo.gov");

  // Two review emails reach the supervisor; each link opens its application.
  const mails = (await (await fetch(`${platform.url}/_local/outbox.json`)).json()).filter((m) => m.to === "lee.park@mo.gov");
  assert.equal(mails.length, 2, "one review email per application");
  const leeContext = await browser.newContext();
  const approving = await countSteps(leeContext);
  const lee = await leeContext.newPage();
  for (const [n, mail] of mails.entries()) {
    await followTaskLink(lee, mail, /review (Kim Keys's mentor|Ada Lovelace's mentee) application/);
    await lee.getByRole("button", { name: "Approve application" }).click();
    await lee.getByRole("button", { name: "Yes, approve it" }).click();
    await lee.locator("#decision-record").waitFor();
    if (n === 0) t.diagnostic(stepsLine("a supervisor approves, from the review email", approving));
  }

  // Both applications are approved, and the mentor profile is live.
  await kim.goto(`${platform.url}/dashboard/`);
  await kim.locator("#application-list").getByText("Mentor application").waitFor();
  const applications = await kim.locator("#application-list").innerText();
  assert.match(applications, /Mentee application: Approved/);
  assert.match(applications, /Mentor application: Approved/);
  await kim.getByRole("link", { name: "See my mentor profile as mentees see it" }).click();
  await kim.locator("#profile").waitFor();
  assert.match(await kim.locator("#profile-name").innerText(), /Kim Keys/);
  assert.match(await kim.locator("#profile-fields").innerText(), /Project management/);
});
