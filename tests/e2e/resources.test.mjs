// The links the program team keeps, in a real browser: the program
// administrator adds a link for mentees on /admin/resources/ (an address
// that is not https refused next to its field), mentees find it on their
// resources page and the overview lists it under "For mentees", the mentors'
// page does not show it; removed, it is gone from the page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, axeViolations, sidewaysOverflow } from "./support.mjs";

const ADMIN = "admin@mo.gov";
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

/** A page in a fresh browser (no cached answer), signed out. */
async function visit(path, viewport = { width: 1280, height: 900 }) {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${platform.url}${path}`);
  return page;
}

test("a link the program team adds for mentees shows on their resources page, and goes when removed", async () => {
  // Before any link: the section stays hidden.
  const empty = await visit("/resources/mentees/");
  await empty.waitForLoadState("networkidle");
  assert.equal(await empty.locator("#program-links").isVisible(), false);

  const admin = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signIn(admin.context(), platform, ADMIN);
  await admin.goto(`${platform.url}/admin/`);
  await admin.getByRole("link", { name: "Keep the links for participants" }).click();
  await admin.waitForURL(/\/admin\/resources\/$/);
  const form = admin.locator("#link-form");
  await form.waitFor();
  assert.equal(await admin.locator("#links-list").getByText("No links yet.").count(), 3);

  // An address that is not https is refused next to its field.
  await form.getByLabel("Mentees").check();
  await form.getByLabel("Name of the link").fill("Mentee learning path");
  await form.getByLabel("Web address").fill("http://www.linkedin.com/learning/paths/mentee");
  await form.getByRole("button", { name: "Add the link" }).click();
  await admin.locator("#e-url").waitFor();
  assert.match(await admin.locator("#e-url").innerText(), /starting with https:\/\//);
  assert.equal(await form.getByLabel("Web address").getAttribute("aria-invalid"), "true");
  assert.match(await admin.title(), /^Error: Links for participants/, "the title says there is an error");

  await form.getByLabel("Web address").fill("https://www.linkedin.com/learning/paths/mentee");
  await form.getByLabel("Note (optional)").fill("Courses you finish are added to your training record.");
  await form.getByRole("button", { name: "Add the link" }).click();
  await admin.locator("#links-done").getByText("Added “Mentee learning path”").waitFor();
  assert.match(await admin.title(), /^Links for participants/, "and stops saying so once it is put right");
  assert.deepEqual(await axeViolations(admin), [], "the links page is accessible");
  assert.equal(await sidewaysOverflow(admin), 0, "nothing scrolls sideways on a phone");

  // Mentees find it on their page and on the overview; mentors do not.
  const mentees = await visit("/resources/mentees/");
  const link = mentees.locator("#program-links").getByRole("link", { name: "Mentee learning path" });
  await link.waitFor();
  assert.equal(await link.getAttribute("href"), "https://www.linkedin.com/learning/paths/mentee");
  assert.match(await mentees.locator("#program-links").innerText(), /added to your training record/);
  assert.deepEqual(await axeViolations(mentees), [], "the resources page with links is accessible");
  const overview = await visit("/resources/");
  await overview.locator("#program-links h3", { hasText: "For mentees" }).waitFor();
  assert.equal(await overview.locator("#program-links h3").count(), 1, "only audiences with links have a heading");
  const mentors = await visit("/resources/mentors/");
  await mentors.waitForLoadState("networkidle");
  assert.equal(await mentors.locator("#program-links").isVisible(), false);

  // Removed, it is gone.
  await admin.getByRole("button", { name: "Remove Mentee learning path" }).click();
  await admin.locator("#links-done").getByText("Removed “Mentee learning path”").waitFor();
  const after = await visit("/resources/mentees/");
  await after.waitForLoadState("networkidle");
  assert.equal(await after.locator("#program-links").isVisible(), false);
});
