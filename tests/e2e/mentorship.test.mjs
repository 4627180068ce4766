// The heart of the program in a real browser, on the demo data: a supervisor
// approves a mentee, who finds a mentor and selects them; the mentor accepts
// from the emailed link; both see the pair and each other's details; they
// log a meeting, which the other side disputes and takes back, end the
// mentorship, and both answer the survey.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, lastMailTo, decisionMail, mailArriving, linkIn, signIn, signInFromHere, apiOf, axeViolations, programToday, publishMatching, addDays, countSteps, stepsLine } from "./support.mjs";

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

async function newPage() {
  return (await browser.newContext()).newPage();
}

test("approve → search → select → accept → meet → end → survey", async (t) => {
  // The supervisor approves Alex's pending mentee application.
  const sam = await newPage();
  await sam.goto(`${platform.url}/review/`);
  await signInFromHere(sam, platform, "sam.rivera@mo.gov");
  await sam.getByRole("link", { name: /Alex Nguyen/ }).first().click();
  await sam.getByRole("button", { name: "Approve application" }).click();
  await sam.getByRole("button", { name: "Yes, approve it" }).click();
  await sam.locator("#decision-record").waitFor();
  await decisionMail(platform, "alex.nguyen@mo.gov");

  // Alex searches, opens Maria's profile and selects her.
  const alexContext = await browser.newContext();
  const alexSteps = await countSteps(alexContext);
  const alex = await alexContext.newPage();
  await alex.goto(`${platform.url}/mentors/`);
  await signInFromHere(alex, platform, "alex.nguyen@mo.gov");
  await alex.locator("#results").getByRole("link", { name: /Maria Okafor/ }).first().waitFor();
  assert.deepEqual(await axeViolations(alex), [], "find a mentor is accessible");
  // Alex asked for a flash mentorship: the filter keeps Maria (either
  // suits her) and leaves out James, who asked for committed.
  await alex.locator("#results").getByRole("link", { name: "James Whitfield", exact: true }).waitFor();
  await alex.locator("#f-kind-flash").check();
  await alex.getByRole("button", { name: /^Search/ }).click();
  await alex.waitForURL(/kind=flash/);
  await alex.locator("#results").getByRole("link", { name: /Maria Okafor/ }).first().waitFor();
  assert.equal(await alex.locator("#results").getByRole("link", { name: "James Whitfield", exact: true }).count(), 0, "committed-only mentors are filtered out");
  assert.match(await alex.locator("#results").innerText(), /Kind of mentorship: Committed or flash/);
  await alex.locator("#results").getByRole("link", { name: /Maria Okafor/ }).first().click();
  await alex.locator("#select-mentor").waitFor();
  assert.equal(await alex.locator("#contact").isVisible(), false, "no contact details before the match");
  await alex.locator("#f-message").fill("I would like to grow into leading a team.");
  await alex.locator("#select-mentor").click();
  await alex.locator("#requested").waitFor();

  // Maria opens the emailed link, which signs her in for the request with one press; she reads and accepts.
  const asked = await lastMailTo(platform, "maria.okafor@mo.gov");
  const mariaContext = await browser.newContext();
  const accepting = await countSteps(mariaContext);
  const maria = await mariaContext.newPage();
  await maria.goto(linkIn(asked, "/signin/confirm/"));
  // The page asks what the link is for, then shows it.
  await maria.locator("#confirm-task").waitFor();
  assert.match(await maria.locator("#confirm-task").innerText(), /answer Alex Nguyen's request/);
  await maria.getByRole("button", { name: "Sign in and continue" }).click();
  await maria.locator("#application").getByText("Revenue Analyst").first().waitFor();
  assert.deepEqual(await axeViolations(maria), [], "the request page is accessible");
  await maria.locator("#accept-button").click();
  await maria.locator("#matched").waitFor();
  t.diagnostic(stepsLine("a mentor accepts, from the request email", accepting));
  assert.match(await maria.locator("#matched").innerText(), /alex\.nguyen@mo\.gov/);

  // Alex follows the match email to the mentorship page and sees Maria's details.
  const matched = await lastMailTo(platform, "alex.nguyen@mo.gov");
  assert.match(matched.text, /48 hours/);
  await alex.goto(linkIn(matched, "/mentorships/"));
  await alex.locator("#pair-people").getByText("maria.okafor@mo.gov").waitFor();

  // A mentee may have two mentors: when the program team publishes the
  // quarter's suggestions, Alex's are for a second mentorship, without Maria.
  const team = await browser.newContext();
  await signIn(team, platform, "admin@mo.gov");
  const published = await publishMatching(apiOf(team, platform));
  assert.ok(published.publishing.emailed >= 1, JSON.stringify(published));
  assert.match((await lastMailTo(platform, "alex.nguyen@mo.gov")).subject, /second mentorship/);
  const board = await alex.context().newPage();
  await board.goto(`${platform.url}/dashboard/`);
  await board.getByRole("heading", { name: "Suggested mentors for a second mentorship" }).waitFor();
  assert.ok(await board.locator("#suggestion-list li").count() >= 1);
  assert.equal(await board.locator("#suggestion-list").getByText("Maria Okafor").count(), 0);
  assert.deepEqual(await axeViolations(board), [], "the dashboard with second-mentor suggestions is accessible");
  await board.close();

  // On a phone, logging a meeting is one tap from the top of the page.
  await alex.setViewportSize({ width: 390, height: 844 });
  const opening = { ...alexSteps };
  await alex.reload();
  const shortcut = alex.getByRole("link", { name: "Log a meeting" });
  await shortcut.waitFor();
  const box = await shortcut.boundingBox();
  assert.ok(box.y + box.height <= 844, `the shortcut is on the first screen (${box.y} px)`);
  const nextBox = await alex.getByRole("link", { name: "Next meeting" }).boundingBox();
  assert.ok(nextBox.y + nextBox.height <= 844, `so is the next meeting's (${nextBox.y} px)`);
  await shortcut.click();
  const reached = { pages: alexSteps.pages - opening.pages, presses: alexSteps.presses - opening.presses };
  await alex.waitForURL(/#log-meeting-title$/);
  await alex.waitForFunction(() => {
    const box = document.getElementById("f-date").getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  const form = await alex.locator("#f-date").boundingBox();
  assert.ok(form.y >= 0 && form.y < 844, "the form is in view");
  await alex.setViewportSize({ width: 1280, height: 900 });

  // A missing date and a length over the day's eight hours are named together, in one set of errors.
  await alex.locator("#f-date").fill("");
  await alex.locator("#f-minutes").fill("100000");
  await alex.locator("#log-meeting").click();
  await alex.locator("#e-minutes").getByText("from 1 to 480").waitFor();
  assert.equal(await alex.locator("#e-date").isVisible(), true, "the date's error shows beside the length's");

  // A meeting is logged and counted as training credit.
  const logging = { ...alexSteps };
  await alex.locator("#f-date").fill(programToday());
  await alex.locator("#f-minutes").fill("60");
  await alex.locator("#f-topic").fill("Getting to know each other");
  await alex.locator("#log-meeting").click();
  await alex.locator("#meeting-rows").getByText("Getting to know each other").waitFor();
  t.diagnostic(stepsLine("log a meeting, from the mentorship page on a phone (the refused try left out)", {
    pages: reached.pages + alexSteps.pages - logging.pages,
    presses: reached.presses + alexSteps.presses - logging.presses,
  }));
  assert.match(await alex.locator("#meetings-total").innerText(), /1(\.0+)? hour/);
  // One success banner, under the meetings' heading, with the focus.
  const banner = alex.locator("#page-notice");
  assert.match(await banner.innerText(), /^Meeting of .* logged\. /);
  assert.equal(await banner.evaluate((b) => b === document.activeElement), true, "the banner has the focus");
  assert.equal(await alex.locator("#meetings-heading + #page-notice").count(), 1, "it sits under the meetings' heading");
  assert.deepEqual(await axeViolations(alex), [], "the mentorship page is accessible");
  assert.equal(await alex.getByRole("button", { name: /^Dispute/ }).count(), 0, "no say on your own entry");

  // Maria sees the entry Alex logged, disputes it, and Alex sees the mark.
  await maria.goto(alex.url());
  const row = maria.locator("#meeting-rows tr", { hasText: "Getting to know each other" });
  await row.getByText("Alex Nguyen").waitFor();
  await row.getByRole("button", { name: /^Dispute: meeting of/ }).click();
  await row.getByText("Disputed").waitFor();
  assert.deepEqual(await axeViolations(maria), [], "the meeting log with a dispute is accessible");
  await alex.reload();
  await alex.locator("#meeting-rows tr", { hasText: "Getting to know each other" }).getByText("Disputed").waitFor();
  // They talk it over; Maria takes the dispute back.
  await row.getByRole("button", { name: /^Take back the dispute/ }).click();
  await row.getByRole("button", { name: /^Dispute: meeting of/ }).waitFor();
  assert.equal(await row.getByText("Disputed").count(), 0);

  // Alex proposes their next meeting; Maria accepts it on her page; both
  // are emailed the calendar file, which opens without signing in.
  await alex.reload();
  const next = alex.locator("#next-meeting");
  await next.getByText("No meeting planned yet").waitFor();
  await alex.locator("#propose-summary").click();
  await alex.locator("#nm-date").fill(addDays(programToday(), 1));
  await alex.locator("#nm-start").fill("10:00");
  await alex.locator("#nm-place").fill("Room 12, Truman Building");
  await alex.locator("#propose-button").click();
  await next.getByText(/^You proposed/).waitFor();
  assert.match((await lastMailTo(platform, "maria.okafor@mo.gov")).subject, /Alex Nguyen proposes a mentoring meeting/);
  await maria.reload();
  await maria.getByRole("button", { name: "Accept this time" }).click();
  await maria.locator("#next-meeting").getByText(/^Agreed with Alex Nguyen/).waitFor();
  assert.deepEqual(await axeViolations(maria), [], "the page with a planned meeting is accessible");
  const invite = await lastMailTo(platform, "alex.nguyen@mo.gov");
  const file = await fetch(linkIn(invite, "/api/mentorships/"));
  assert.match(file.headers.get("content-type"), /^text\/calendar/);
  const ics = (await file.text()).replace(/\r\n /g, "");
  assert.match(ics, /BEGIN:VEVENT/);
  assert.match(ics, /LOCATION:Room 12\\, Truman Building/);
  await alex.reload();
  await alex.getByRole("link", { name: "Add to my calendar" }).waitFor();

  // Alex writes their goals, one a line, in the agreement; Maria marks
  // the first met, with a note, and Alex sees where they stand.
  // The form starts from flash, since Alex asked for it and Maria said
  // either suits her.
  assert.equal(await alex.locator("#f-kind-flash").isChecked(), true);
  assert.match(await alex.locator("#kind-wishes").innerText(), /You asked for a flash mentorship\. Maria said either kind suits them\./);
  await alex.locator("#f-goals").fill("- Lead a small project\n- Present to the division");
  await alex.locator("#save-agreement").click();
  await alex.locator("#goals-summary").getByText("0 of 2 goals met").waitFor();
  assert.match(await alex.locator("#agreement-fields").innerText(), /Kind of mentorship\s+Flash: a few meetings about one thing/);
  await maria.reload();
  const first = maria.locator("#goal-list li").first();
  await first.getByText("Update this goal").click();
  await first.getByLabel("Met", { exact: true }).check();
  await first.getByLabel(/^Note/).fill("Led the records clean-up from start to finish.");
  await first.getByRole("button", { name: "Save this goal" }).click();
  await maria.locator("#goals-summary").getByText("1 of 2 goals met").waitFor();
  assert.deepEqual(await axeViolations(maria), [], "the goals with their marks are accessible");
  await alex.reload();
  await alex.locator("#goal-list li").first().getByText("Led the records clean-up from start to finish.").waitFor();
  assert.match(await alex.locator("#goal-list li").first().innerText(), /Met[\s\S]*marked by Maria Okafor/);

  // Alex ends it, undoes that within the seconds it allows, and ends it
  // again; both are invited to the survey once, when the seconds pass.
  const endedMail = async () => (await (await fetch(`${platform.url}/_local/outbox.json`)).json())
    .filter((m) => /has ended/.test(m.subject)).length;
  const endedBefore = await endedMail();
  await alex.locator("#f-outcome-completed").check();
  await alex.locator("#f-reason").fill("We met the goals we set.");
  await alex.locator("#end-button").click();
  await alex.locator("#end-yes").click();
  await alex.locator("#ended").waitFor();
  assert.match(await banner.innerText(), /The mentorship has ended\. We email you both in 10 seconds to ask for the survey; until then you can undo it\./);
  assert.deepEqual(await axeViolations(alex), [], "the banner with Undo is accessible");
  await banner.getByRole("button", { name: "Undo" }).click();
  await banner.getByText("Undone: your mentorship with Maria Okafor goes on, and nobody was told it had ended.").waitFor();
  assert.equal(await alex.locator("#ended").isVisible(), false, "it is active again");
  await alex.locator("#end-button").click();
  await alex.locator("#end-yes").click();
  await alex.locator("#ended").waitFor();
  assert.equal(await endedMail(), endedBefore, "nothing is sent while it can be undone");
  await banner.getByText("The mentorship has ended. We are asking you both to answer the survey.").waitFor({ timeout: 15000 });
  await mailArriving(platform, "maria.okafor@mo.gov", /has ended/);
  await mailArriving(platform, "alex.nguyen@mo.gov", /has ended/);
  assert.equal(await endedMail(), endedBefore + 2, "one email each, for the ending that stands");

  // The survey page alone lists the surveys waiting for Maria.
  await maria.goto(`${platform.url}/survey/`);
  const waiting = maria.locator("#open-survey-list").getByRole("link", { name: "Survey about mentoring Alex Nguyen" });
  await waiting.waitFor();
  assert.deepEqual(await axeViolations(maria), [], "the list of open surveys is accessible");

  for (const [page, email] of [
    [alex, "alex.nguyen@mo.gov"],
    [maria, "maria.okafor@mo.gov"],
  ]) {
    const invitation = await lastMailTo(platform, email);
    await page.goto(linkIn(invitation, "/signin/confirm/"));
    await page.locator("#confirm-task").waitFor();
    assert.match(await page.locator("#confirm-task").innerText(), /answer the survey about your mentorship/);
    await page.getByRole("button", { name: "Sign in and continue" }).click();
    await page.locator("#survey-form").waitFor();
    await page.locator("#f-satisfaction-5").check();
    await page.locator("#f-goals_met-yes").check();
    await page.locator("#f-meetings").fill("1");
    await page.locator("#f-cadence-monthly").check();
    await page.locator("#f-would_recommend-true").check();
    await page.locator("#f-went_well").fill("Clear goals & honest feedback.");
    assert.deepEqual(await axeViolations(page), [], "the survey is accessible");
    await page.locator("#send-survey").click();
    await page.locator("#thanks").waitFor();
  }
  // Answered, it is no longer waiting.
  await maria.goto(`${platform.url}/survey/`);
  await maria.locator("#no-open-surveys").waitFor({ state: "visible" });
  assert.equal(await maria.locator("#open-survey-list li").count(), 0);
});

test("withdrawing a request asks first, can be undone for 10 seconds, and the mentor hears of it only once it stands", async () => {
  const context = await browser.newContext();
  await signIn(context, platform, "alex.nguyen@mo.gov");
  const alex = apiOf(context, platform);
  const { mentors } = await alex.get("/api/mentors?name=priya");
  await alex.post("/api/requests", { mentor: mentors[0].id, message: "Could we talk about onboarding?" });
  const toPriya = async () => (await (await fetch(`${platform.url}/_local/outbox.json`)).json()).filter((m) => m.to === "priya.shah@mo.gov");
  const before = (await toPriya()).length;

  const page = await context.newPage();
  await page.goto(`${platform.url}/dashboard/`);
  const card = page.locator("#outgoing-list li").filter({ hasText: "Priya Shah" });
  await card.getByRole("button", { name: "Withdraw request to Priya Shah" }).click();
  const question = card.getByText("Withdraw your request to Priya Shah? We will email Priya Shah that you withdrew it.");
  await question.waitFor();
  assert.equal(await question.evaluate((p) => p === document.activeElement), true, "the question has focus");
  assert.deepEqual(await axeViolations(page), [], "the question is accessible");
  await card.getByRole("button", { name: "Keep the request" }).click();
  assert.equal(await card.getByText("Waiting for an answer").isVisible(), true, "kept");
  assert.equal((await toPriya()).length, before, "nothing is sent while asking");

  await card.getByRole("button", { name: "Withdraw request to Priya Shah" }).click();
  await card.getByRole("button", { name: "Yes, withdraw it" }).click();
  const withdrawn = page.locator("#outgoing-list li").filter({ hasText: "Priya Shah" }).getByText("Withdrawn");
  await withdrawn.waitFor();
  // For a few seconds it can be taken back, and Priya hears nothing.
  const banner = page.locator("#page-notice");
  assert.equal(await banner.innerText(),
    "You withdrew your request to Priya Shah. We email them in 10 seconds; until then you can undo it. Undo");
  assert.equal(await banner.evaluate((b) => b === document.activeElement), true, "the banner has the focus");
  assert.deepEqual(await axeViolations(page), [], "the banner with Undo is accessible");
  await banner.getByRole("button", { name: "Undo" }).click();
  await banner.getByText("Undone: your request to Priya Shah waits for their answer again, and no email was sent.").waitFor();
  await card.getByText("Waiting for an answer").waitFor();

  // Withdrawn again, and left: the email goes once the seconds pass.
  await card.getByRole("button", { name: "Withdraw request to Priya Shah" }).click();
  await card.getByRole("button", { name: "Yes, withdraw it" }).click();
  await withdrawn.waitFor();
  assert.equal((await toPriya()).length, before, "nothing is sent while it can be undone");
  await banner.getByText("You withdrew your request to Priya Shah. They get an email saying so.").waitFor({ timeout: 15000 });
  assert.equal(await banner.getByRole("button", { name: "Undo" }).count(), 0, "the Undo button is gone");
  await mailArriving(platform, "priya.shah@mo.gov", /^A MOments request to you was withdrawn$/);
  const sent = await toPriya();
  assert.equal(sent.length, before + 1, "one email, for the withdrawal that stands");

  // The request's own page offers the same Undo.
  const again = await alex.post("/api/requests", { mentor: mentors[0].id, message: "Could we try again?" });
  const asked = (await toPriya()).length;
  await page.goto(`${platform.url}/requests/?id=${again.id}`);
  await page.getByRole("button", { name: "Withdraw request" }).click();
  assert.match(await banner.innerText(), /You withdrew this request\. We email Priya Shah in 10 seconds; until then you can undo it\./);
  await banner.getByRole("button", { name: "Undo" }).click();
  await banner.getByText("Undone: your request waits for Priya Shah’s answer again, and no email was sent.").waitFor();
  assert.equal((await alex.get(`/api/requests/${again.id}`)).status, "pending");
  assert.equal((await toPriya()).length, asked, "nothing more was sent");
});
