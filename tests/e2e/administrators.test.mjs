// Program administrators kept in the app, in a real browser: the first
// one (from the platform's setting) is refused a bad address next to the
// field and refused removing himself while he is the only one, adds a
// second, who then signs in and has the program's tools.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signInFromHere, axeViolations } from "./support.mjs";

const FIRST = "admin@mo.gov";
const SECOND = "nora.new@mo.gov";
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

/** A fresh browser on /admin/, signed in as `email` through the page's own sign-in prompt. */
async function adminPage(email) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${platform.url}/admin/`);
  await page.locator("#signin-needed").waitFor();
  await signInFromHere(page, platform, email);
  await page.locator("#console").waitFor();
  return page;
}

const listed = (page) => page.locator("#program-admin-list .admin-list__email").allInnerTexts();

test("a program administrator adds a second one in the app, who signs in as one", async () => {
  const first = await adminPage(FIRST);
  const section = first.locator("#program-admins-section");
  await section.getByRole("heading", { name: "Current program administrators" }).waitFor();
  assert.deepEqual(await listed(first), [FIRST]);
  assert.match(await section.locator("#program-admin-list").innerText(), /\(you\)/);

  // An address outside the program's domains: told next to the field, nothing added.
  const form = first.locator("#add-program-admin-form");
  await form.getByLabel("Work email").fill("nora@example.com");
  await form.getByRole("button", { name: "Add program administrator" }).click();
  const error = first.locator("#e-program-admin-email");
  await error.waitFor();
  assert.match(await error.innerText(), /work email address/);
  assert.equal(await form.getByLabel("Work email").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await listed(first), [FIRST]);

  // The only one cannot remove himself.
  await section.getByRole("button", { name: `Remove ${FIRST} as program administrator` }).click();
  await section.getByRole("button", { name: "Yes, remove" }).click();
  await section.locator(".panel--error").filter({ hasText: "only administrator" }).waitFor();
  assert.deepEqual(await listed(first), [FIRST]);

  await form.getByLabel("Work email").fill(SECOND);
  await form.getByRole("button", { name: "Add program administrator" }).click();
  await section.locator(".panel--success").filter({ hasText: `${SECOND} is now a program administrator.` }).waitFor();
  assert.deepEqual((await listed(first)).sort(), [FIRST, SECOND].sort());
  assert.deepEqual(await axeViolations(first), [], "the program administrators' section is accessible");

  // The new one signs in as usual and has the program's tools.
  const second = await adminPage(SECOND);
  await second.locator("#program-admins-section").waitFor({ state: "visible" });
  await second.locator("#admins-section").waitFor({ state: "visible" });
  assert.equal(await second.locator("#not-admin").isVisible(), false);
  await second.locator("#program-admin-list").getByText("(you)").waitFor();
  const mine = second.locator("#program-admin-list li").filter({ hasText: SECOND });
  assert.match(await mine.innerText(), new RegExp(`added by ${FIRST.replace(".", "\\.")}`));
});
