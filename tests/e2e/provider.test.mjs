// Sign-in through the state's identity provider in a real browser: the
// loopback OpenID Connect provider (oidc-provider.mjs) stands in for
// Microsoft Entra ID, and administrators must use it. The whole redirect
// flow runs: the site's button, the provider's sign-in page, the callback,
// and the page asked for. Screenshots in tests/e2e/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startPlatform, launch, signInFromHere, axeViolations } from "./support.mjs";
import { startProvider } from "./oidc-provider.mjs";

const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
let provider;
let platform;
let browser;

before(async () => {
  provider = await startProvider();
  platform = await startPlatform({
    demo: true,
    env: {
      MOMENTS_OIDC_ISSUER: provider.issuer,
      MOMENTS_OIDC_CLIENT_ID: "moments-e2e",
      MOMENTS_OIDC_CLIENT_SECRET: "e2e-secret",
      MOMENTS_ADMINS_USE_PROVIDER: "true",
    },
  });
  browser = await launch();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await platform?.stop();
  await provider?.stop();
});

test("an administrator signs in at the state's sign-in page and comes back to the admin page", async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${platform.url}/admin/`);
  await page.locator("#signin-needed a[data-signin]").click();
  await page.waitForURL((u) => u.pathname === "/signin/");
  const button = page.getByRole("link", { name: "Sign in with your state account" });
  await button.waitFor();
  assert.ok(await page.locator("#provider-admins").isVisible(), "administrators are told they must use it");
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(shots, "signin-provider-390.png"), fullPage: true });

  assert.match(await button.getAttribute("href"), /stay_signed_in=false/);
  await button.click();
  // The provider's own page, on another origin.
  await page.waitForURL((u) => u.origin === provider.issuer);
  await page.getByLabel("Work email address").fill("admin@mo.gov");
  await page.getByRole("button", { name: "Sign in" }).click();

  await page.waitForURL((u) => u.origin === platform.url && u.pathname === "/admin/");
  await page.locator("#console").waitFor();
  assert.equal(await page.locator("#needs-provider").isVisible(), false);
  const me = await (await page.request.get(`${platform.url}/api/me`)).json();
  assert.equal(me.signed_in_with, "provider");
  assert.ok(me.roles.includes("program_admin"), JSON.stringify(me));
});

test("an administrator signed in by emailed link is asked to sign in with the state account", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${platform.url}/admin/`);
  await page.locator("#signin-needed").waitFor();
  await signInFromHere(page, platform, "admin@mo.gov");
  const panel = page.locator("#needs-provider");
  await panel.waitFor();
  assert.match(await panel.innerText(), /emailed link/);
  assert.equal(await page.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(page), []);

  // Its "Sign in again" goes through the provider and back to the admin page.
  await panel.getByRole("link", { name: "Sign in again" }).click();
  await page.getByRole("link", { name: "Sign in with your state account" }).click();
  await page.getByLabel("Work email address").fill("admin@mo.gov");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.origin === platform.url && u.pathname === "/admin/");
  await page.locator("#console").waitFor();
});

test("a participant who asks to stay signed in through the provider keeps a cookie that outlives the browser", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${platform.url}/signin/`);
  await page.getByLabel("Keep me signed in on this device for two weeks").check();
  await page.getByRole("link", { name: "Sign in with your state account" }).click();
  await page.getByLabel("Work email address").fill("alex.nguyen@mo.gov");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.origin === platform.url && u.pathname === "/my/applications/");
  const session = (await context.cookies()).find((c) => c.name === "moments_session");
  assert.ok(session && session.expires > Date.now() / 1000 + 13 * 24 * 3600, JSON.stringify(session));
});

test("a sign-in that did not finish is explained on the sign-in page", async () => {
  const page = await (await browser.newContext()).newPage();
  // A callback this browser never started (a link someone sent, a replay).
  await page.goto(`${platform.url}/api/auth/oidc/callback?code=stolen&state=not-mine`);
  await page.waitForURL((u) => u.pathname === "/signin/" && u.search === "?problem=expired");
  const problem = page.locator("#provider-problem");
  await problem.waitFor();
  assert.match(await problem.innerText(), /started in another browser/);
  assert.deepEqual(await axeViolations(page), []);
  const me = await page.request.get(`${platform.url}/api/me`);
  assert.equal(me.status(), 401);
});
