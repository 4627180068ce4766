// The contact page, in a real browser: reached from every page's footer,
// it lists the program team's address and each department's MOments
// administrators as the program team keeps them on the admin page, with a
// bad address refused next to its field, on a desktop and on a phone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signInFromHere, axeViolations, sidewaysOverflow } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const TEAM = "mentoring@mo.gov";
const APPOINTED = "tara.admin@mo.gov";
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

/** The contact page in a fresh browser (no cached answer), from the home page's footer. */
async function contactPage() {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${platform.url}/`);
  await page.locator("footer").getByRole("link", { name: "Contact" }).click();
  await page.waitForURL(/\/contact\/$/);
  await page.locator("#department-contacts dl").waitFor();
  return page;
}

/** What the page lists under a department's name. */
const listedFor = (page, department) =>
  page.locator("#department-contacts dt", { hasText: department }).locator("xpath=following-sibling::dd[1]").innerText();

test("the contact page lists the program team and the department administrators the team appoints", async () => {
  // Before the team sets anything: the page says where to go instead.
  const before = await contactPage();
  assert.match(await before.locator("#program-contact").innerText(), /not published its address/);
  assert.match(await listedFor(before, "Department of Transportation"), /None listed yet/);

  const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await admin.goto(`${platform.url}/admin/`);
  await admin.locator("#signin-needed").waitFor();
  await signInFromHere(admin, platform, ADMIN);
  await admin.locator("#console").waitFor();

  // A bad address is refused next to its field; then the details are saved.
  const form = admin.locator("#contact-form");
  await admin.locator("#contact-status").getByText("Not set yet").waitFor();
  await form.getByLabel("Program team’s email address").fill("the program team");
  await form.getByLabel("Phone number (optional)").fill("573-555-0100");
  await form.getByRole("button", { name: "Save contact details" }).click();
  await admin.locator("#e-contact-email").waitFor();
  assert.match(await admin.locator("#e-contact-email").innerText(), /address people should write to/);
  assert.equal(await form.getByLabel("Program team’s email address").getAttribute("aria-invalid"), "true");
  await form.getByLabel("Program team’s email address").fill(TEAM);
  await form.getByRole("button", { name: "Save contact details" }).click();
  await admin.locator("#contact-status").getByText("Saved.").waitFor();
  assert.deepEqual(await axeViolations(admin), [], "the admin page with the contact form is accessible");

  // A department administrator appointed on the same page.
  const appoint = admin.locator("#add-admin-form");
  await appoint.getByLabel("Work email").fill(APPOINTED);
  await appoint.getByLabel("Department").selectOption("transportation");
  await appoint.getByRole("button", { name: "Add administrator" }).click();
  await admin.locator("#admin-list").getByText(APPOINTED).first().waitFor();

  const after = await contactPage();
  const team = after.locator("#program-contact");
  assert.equal(await team.getByRole("link", { name: TEAM }).getAttribute("href"), `mailto:${TEAM}`);
  assert.equal(await team.getByRole("link", { name: "573-555-0100" }).getAttribute("href"), "tel:5735550100");
  assert.match(await listedFor(after, "Department of Transportation"), new RegExp(APPOINTED.replace(".", "\\.")));
  assert.match(await listedFor(after, "Department of Revenue"), new RegExp(`None listed yet: write to the program team at ${TEAM}`));
  assert.deepEqual(await axeViolations(after), [], "the contact page is accessible");
  assert.equal(await sidewaysOverflow(after), 0, "the contact page fits a phone");
});
