// Announcements in a real browser, on a phone: a program administrator
// finds the page from the admin page, is told what is missing, previews a
// Markdown message to approved mentors with room for a mentee (the email
// as it arrives, and how many it reaches), sends it and watches it go; a
// mentor stops announcements from the link in hers, and the next
// announcement to the same group passes her by. A scheduled one waits for
// its time; cancelled, it reaches nobody.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, axeViolations, sidewaysOverflow, linkIn, addDays, programToday } from "./support.mjs";

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

async function outbox() {
  return (await fetch(`${platform.url}/_local/outbox.json`)).json();
}

/** The recipients of every email with this subject. */
async function recipients(subject) {
  return (await outbox()).filter((m) => m.subject === subject).map((m) => m.to).sort();
}

async function sendFromThePage(admin, subject, text) {
  const form = admin.locator("#announcement-form");
  await form.getByLabel("Approved mentors with room for a mentee").check();
  await form.getByLabel("Subject").fill(subject);
  await form.getByLabel("Message").fill(text);
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = admin.locator("#preview");
  await preview.waitFor();
  const reach = await admin.locator("#preview-reach").innerText();
  const send = admin.locator("#send-announcement");
  assert.match(await send.innerText(), /^Send it to \d+ (people|person)$/);
  await send.click();
  await admin.locator("#announcement-done").getByText(`“${subject}” is on its way`).waitFor();
  // The local platform runs the jobs at once; the page follows them.
  await admin.locator("#announcement-list li", { hasText: subject }).getByText(/^Sent: /).waitFor({ timeout: 20_000 });
  return reach;
}

test("an announcement to mentors with room is previewed, sent and followed; a mentor stops the next one", async () => {
  const admin = await (await browser.newContext({ viewport: PHONE })).newPage();
  await signIn(admin.context(), platform, ADMIN);
  await admin.goto(`${platform.url}/admin/`);
  await admin.getByRole("link", { name: "Write to participants or supervisors" }).click();
  await admin.waitForURL(/\/admin\/announcements\/$/);
  const form = admin.locator("#announcement-form");
  await form.waitFor();

  // Nothing filled in: each missing answer is named, and the title says so.
  await form.getByRole("button", { name: "Preview" }).click();
  await admin.locator("#announcement-errors").waitFor();
  assert.match(await admin.title(), /^Error: Announcements/);
  for (const field of ["group", "subject", "body"]) {
    assert.equal(await admin.locator(`#e-${field}`).isVisible(), true, field);
  }

  const subject = "New mentees are looking";
  const reach = await sendFromThePage(admin, subject,
    "## Good news\n\nNew mentees can send requests from **Monday**. Meanwhile, [check your profile](https://moments.mo.gov/dashboard/).");
  const count = Number(reach.match(/(\d+) (people|person) now/)[1]);
  const reached = await recipients(subject);
  assert.equal(reached.length, count, `the preview's ${count} is who got it`);
  assert.ok(count >= 2, "the demo has mentors with room");
  assert.deepEqual(await axeViolations(admin), [], "the announcements page is accessible");
  assert.equal(await sidewaysOverflow(admin), 0, "nothing scrolls sideways on a phone");

  // The email reads as plain text, with the link after its words.
  const mail = (await outbox()).find((m) => m.subject === subject && m.to === reached[0]);
  assert.match(mail.text, /^Good news\n\nNew mentees can send requests from Monday\. Meanwhile, check your profile \(https:\/\/moments\.mo\.gov\/dashboard\/\)\./);

  // She stops announcements from her link, on her phone.
  const mentor = await (await browser.newContext({ viewport: PHONE })).newPage();
  await mentor.goto(linkIn(mail, "/announcements/"));
  await mentor.locator("#choice").waitFor();
  assert.equal(new URL(mentor.url()).hash, "", "the token leaves the address bar");
  assert.match(await mentor.locator("#choice-title").innerText(), new RegExp(reached[0].replace(".", "\\.")));
  await mentor.getByRole("button", { name: "Stop announcements" }).click();
  await mentor.getByRole("button", { name: "Get announcements again" }).waitFor();
  assert.match(await mentor.locator("#choice-text").innerText(), /will not get MOments announcements/);
  assert.deepEqual(await axeViolations(mentor), [], "the announcements page is accessible");
  assert.equal(await sidewaysOverflow(mentor), 0);

  // The next one to the same group passes her by.
  const next = "Office hours on Thursday";
  await sendFromThePage(admin, next, "Bring your questions about taking on a mentee.");
  const now = await recipients(next);
  assert.deepEqual(now, reached.slice(1), "everyone but her");

  // Another presses his mail client's own Unsubscribe: the outbox shows the
  // List-Unsubscribe address his copy carries and presses it as the client
  // would, with one POST and no page of ours.
  const his = (await outbox()).find((m) => m.subject === next && m.to === now[0]);
  assert.match(his.unsubscribe, /\/api\/announcements\/[^/]+\/unsubscribe\/[^/]+\/[\w-]+$/);
  const box = await (await browser.newContext()).newPage();
  await box.goto(`${platform.url}/_local/outbox`);
  const copy = box.locator("article", { hasText: next }).filter({ hasText: now[0] });
  await copy.getByText("List-Unsubscribe=One-Click").waitFor();
  await copy.getByRole("button", { name: "Unsubscribe, as a mail client's own button would" }).click();
  await box.waitForLoadState();
  assert.match(await box.locator("body").innerText(), /"receive":\s*false/);
  const last = "Mentor lunch next month";
  await sendFromThePage(admin, last, "Meet the other mentors over lunch.");
  assert.deepEqual(await recipients(last), reached.slice(2), "everyone but the two who stopped them");
});

test("a scheduled announcement waits; one cancelled reaches nobody, the other goes when its time comes", async () => {
  const admin = await (await browser.newContext({ viewport: PHONE })).newPage();
  await signIn(admin.context(), platform, ADMIN);
  await admin.goto(`${platform.url}/admin/announcements/`);
  const form = admin.locator("#announcement-form");
  await form.waitFor();
  const tomorrow = addDays(programToday(), 1);

  async function schedule(subject) {
    await form.getByLabel("Approved mentors with room for a mentee").check();
    await form.getByLabel("Subject").fill(subject);
    await form.getByLabel("Message").fill("The training moves to the Truman Building, room 490.");
    await form.getByLabel("At a date and time (Central time)").check();
    await form.locator("#f-send_at").fill(`${tomorrow}T09:30`);
    await form.getByRole("button", { name: "Preview" }).click();
    await admin.locator("#preview").waitFor();
    await admin.locator("#send-announcement").click();
    await admin.locator("#announcement-done").getByText(`“${subject}” is scheduled for`).waitFor();
    const item = admin.locator("#announcement-list li", { hasText: subject });
    await item.getByText(/^Scheduled for /).waitFor();
    return item;
  }

  // Cancelled before its time: nobody gets it, even once every job has run.
  const cancelled = "Room change (first try)";
  const first = await schedule(cancelled);
  assert.deepEqual(await axeViolations(admin), [], "a scheduled announcement is accessible");
  await first.getByRole("button", { name: `Cancel “${cancelled}”` }).click();
  await first.getByText("Cancelled before it was sent; nobody got it.").waitFor();

  const kept = "Room change for the training";
  await schedule(kept);
  assert.deepEqual(await recipients(kept), [], "nothing goes before its time");
  const ran = await fetch(`${platform.url}/_local/jobs/run-all`, { method: "POST" });
  assert.ok(ran.ok, await ran.text());
  await admin.reload();
  await admin.locator("#announcement-list li", { hasText: kept }).getByText(/^Sent: /).waitFor({ timeout: 20_000 });
  assert.ok((await recipients(kept)).length >= 1, "it went when its time came");
  assert.deepEqual(await recipients(cancelled), [], "the cancelled one never went");
});
