// The program administration page in a real browser, on the demo data: the
// program administrator's figures (checked against the API), exports,
// department administrators, the suggested matches, and the way to the
// People page, where a person's audit trail is read and a person is signed
// out everywhere (people.test.mjs has the rest of that page); a department
// administrator's view of her department only; and an applicant who is told
// the page is not for them. Every state is checked with axe and photographed
// at phone and desktop widths (tests/e2e/screenshots/).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startPlatform, launch, lastMailTo, decisionMail, linkIn, signInFromHere, axeViolations } from "./support.mjs";

const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
let platform;
let browser;

before(async () => {
  platform = await startPlatform({ demo: true });
  browser = await launch();
  mkdirSync(shots, { recursive: true });
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
  return page;
}

/** The whole page at 360 and 1280 pixels wide. */
async function photograph(page, name) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    if (width === 360) {
      // Figures and records read down the page on a phone, never sideways.
      const { shown, sideways } = await page.evaluate(() => {
        const tables = [...document.querySelectorAll(".table-wrap")]
          .filter((w) => w.querySelector(".data--records, .data--totals") && w.offsetParent);
        return {
          shown: tables.length,
          sideways: tables.filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.querySelector("caption")?.textContent),
        };
      });
      assert.deepEqual(sideways, [], `no table scrolls sideways at 360 px (${name})`);
      if (name === "program" || name === "department") assert.ok(shown >= 10, `the figures' tables were measured (${shown})`);
    }
    await page.screenshot({ path: join(shots, `admin-${name}-${width}.png`), fullPage: true });
  }
}

/** The cells of a table's row, by the table's caption and the row's header. */
async function rowCells(page, caption, header) {
  const row = page.getByRole("table", { name: caption, exact: true }).getByRole("row", { name: header });
  await row.waitFor();
  return (await row.locator("td").allInnerTexts()).map((t) => t.trim());
}

const quarterLabel = (q) => q.replace(/^(\d{4})-Q(\d)$/, "Q$2 $1");
const csvHeader = (text) => text.replace(/^\uFEFF/, "").split(/\r?\n/)[0];

test("signed out, the page asks to sign in and comes back; the page weighs under 100 KB", async (t) => {
  const page = await (await browser.newContext()).newPage();
  const files = [];
  page.on("response", (response) => {
    if (!new URL(response.url()).pathname.startsWith("/api/")) files.push(response);
  });
  await page.goto(`${platform.url}/admin/`, { waitUntil: "networkidle" });
  await page.locator("#signin-needed").waitFor();
  const sizes = await Promise.all(files.map(async (r) => [new URL(r.url()).pathname, (await r.body()).length]));
  const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
  t.diagnostic(`page weight ${total} bytes: ${sizes.map(([path, bytes]) => `${path} ${bytes}`).join(", ")}`);
  assert.ok(sizes.some(([path]) => path === "/main.css") && sizes.some(([path]) => path === "/js/admin-tools.js"), "CSS and every module counted");
  assert.ok(total <= 100 * 1024, `the page, its CSS and scripts weigh ${total} bytes`);
  assert.match(await page.locator("#signin-needed a[data-signin]").getAttribute("href"), /\/signin\/\?next=%2Fadmin%2F$/);
  assert.equal(await page.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(page), [], "the sign-in prompt is accessible");
});

test("a department administrator sees her department's figures and exports, without the program's tools", async () => {
  const dana = await adminPage("dana.admin@mo.gov");
  await dana.locator("#console").waitFor();
  assert.match(await dana.locator("#scope-line").innerText(), /the Department of Revenue/);
  assert.match(await dana.locator("#figures-about").innerText(), /Department of Revenue, all quarters/);
  assert.equal(await dana.locator("#admins-section").isVisible(), false, "no department administrators section");
  assert.equal(await dana.getByRole("link", { name: "Work out and publish suggested matches" }).isVisible(), false, "no way to the matching");
  assert.equal(await dana.locator("#people-section").isVisible(), false, "no way to the People page");
  assert.equal(await dana.getByRole("link", { name: "Department administrators", exact: true }).count(), 0);

  // Only her department has a row; its figures are the API's.
  const api = (await (await dana.request.get(`${platform.url}/api/admin/metrics`)).json()).report;
  assert.deepEqual(api.by_department.map((d) => d.department.id), ["revenue"]);
  const rows = await dana.getByRole("table", { name: "Profiles by department" }).locator("tbody tr").count();
  assert.equal(rows, 1);
  const revenue = api.by_department[0].measures;
  assert.deepEqual((await rowCells(dana, "Profiles by department", "Department of Revenue")).slice(0, 4),
    [revenue.mentee_profiles.pending, revenue.mentee_profiles.approved, revenue.mentee_profiles.denied, revenue.mentee_profiles.total].map(String));
  assert.equal(revenue.mentee_profiles.pending, 2, "the demo's two mentees wait for review");

  // Her exports say what they leave out, and hold only her department's people.
  assert.match(await dana.locator("[data-scope=department]:visible").first().innerText(), /Your departments’ applications/);
  const csv = await (await dana.request.get(`${platform.url}/api/admin/exports/applications.csv`)).text();
  assert.match(csv, /maria\.okafor@mo\.gov/);
  assert.doesNotMatch(csv, /james\.whitfield@mo\.gov/, "no one from another department");

  assert.deepEqual(await axeViolations(dana), [], "the department administrator's view is accessible");
  await photograph(dana, "department");

  // She approves Alex on his supervisor's behalf, which the program administrator's audit trail shows later.
  const reviews = await (await dana.request.get(`${platform.url}/api/reviews`)).json();
  const alex = reviews.department_admin[0].pending.find((app) => app.email === "alex.nguyen@mo.gov");
  const decided = await dana.request.post(`${platform.url}/api/applications/${alex.id}/decision`, { data: { outcome: "approve", message: "" }, headers: { origin: platform.url } });
  assert.equal(decided.status(), 200);
  await decisionMail(platform, "alex.nguyen@mo.gov");
});

test("the program administrator reads the figures, exports, manages department administrators, audits and previews matches", async () => {
  const admin = await adminPage("admin@mo.gov");
  await admin.locator("#console").waitFor();
  assert.match(await admin.locator("#scope-line").innerText(), /whole program/);

  // The figures on the page are the API's.
  const api = (await (await admin.request.get(`${platform.url}/api/admin/metrics`)).json()).report;
  assert.equal(api.total.mentor_profiles.approved, 3, "the demo's three approved mentors are counted");
  const mentorTotals = admin.getByRole("table", { name: "Profiles", exact: true }).locator("tbody").nth(1);
  assert.equal((await mentorTotals.getByRole("row", { name: "Approved" }).locator("td").innerText()).trim(), String(api.total.mentor_profiles.approved));
  const quarter = api.by_quarter[0];
  const requests = quarter.measures.requests;
  assert.deepEqual((await rowCells(admin, "Requests by quarter", quarterLabel(quarter.quarter))).slice(0, 6),
    [requests.total, requests.pending, requests.accepted, requests.declined, requests.withdrawn, requests.closed].map(String));
  for (const d of api.by_department) {
    const cells = await rowCells(admin, "Mentees and mentors by department, in figures", d.department.name.replace(/^Department of /, ""));
    assert.deepEqual(cells, [d.measures.mentee_profiles.total, d.measures.mentor_profiles.total].map(String));
  }
  // The chart beside that table has a name that carries the same figures.
  const chart = admin.getByRole("img", { name: /Mentees and mentors by department/ });
  const revenue = api.by_department.find((d) => d.department.id === "revenue").measures;
  assert.equal(revenue.mentee_profiles.total, 2);
  assert.match(await chart.getAttribute("aria-label"), /Revenue: 2 mentees, 1 mentor/);

  // One quarter at a time: the figures and the export links follow the menu.
  await admin.locator("#f-quarter").selectOption(quarter.quarter);
  await admin.getByRole("button", { name: "Show figures" }).click();
  await admin.locator("#figures-about").getByText(quarterLabel(quarter.quarter)).waitFor();
  assert.match(await admin.locator("[data-export=meetings]").getAttribute("href"), new RegExp(`quarter=${quarter.quarter}$`));
  await admin.waitForURL(new RegExp(`/admin/\\?quarter=${quarter.quarter}$`));

  // An export downloads as CSV with its header row.
  const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("link", { name: "Applications (CSV)" }).click()]);
  assert.equal(download.suggestedFilename(), `moments-applications-${quarter.quarter}.csv`);
  const file = readFileSync(await download.path(), "utf8");
  assert.match(csvHeader(file), /^application_id,role,status,quarter,match_group,/);
  assert.match(file, /alex\.nguyen@mo\.gov/);
  const response = await admin.request.get(new URL(await admin.locator("[data-export=surveys]").getAttribute("href"), platform.url).href);
  assert.match(response.headers()["content-type"], /^text\/csv/);
  assert.match(csvHeader(await response.text()), /^quarter,match_group,version,department,/);

  // By match group: a row per group, then one group at a time, with its exports.
  for (const g of api.by_group) {
    const r = g.measures.requests;
    assert.deepEqual((await rowCells(admin, "Requests by match group", g.name ?? "No match group")).slice(0, 6),
      [r.total, r.pending, r.accepted, r.declined, r.withdrawn, r.closed].map(String));
  }
  const grouped = api.by_group.find((g) => g.group);
  assert.ok(grouped, "the demo's applications joined a match group");
  await admin.locator("#f-quarter").selectOption("");
  await admin.locator("#f-group").selectOption(grouped.group);
  await admin.getByRole("button", { name: "Show figures" }).click();
  await admin.locator("#figures-about").getByText(`all quarters, ${grouped.name}`).waitFor();
  await admin.waitForURL(new RegExp(`/admin/\\?group=${grouped.group}$`));
  assert.match(await admin.locator("#exports-quarter").innerText(), new RegExp(grouped.name));
  const [groupDownload] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("link", { name: "Applications (CSV)" }).click()]);
  assert.equal(groupDownload.suggestedFilename(), `moments-applications-${grouped.group}.csv`);
  // Each application's row starts "id,role,status,quarter,match_group,".
  const groupsOfRows = [...readFileSync(await groupDownload.path(), "utf8").matchAll(/^[^,\n]+,(?:mentee|mentor),[a-z]+,\d{4}-Q\d,([^,]*),/gm)].map((m) => m[1]);
  assert.equal(groupsOfRows.length, grouped.measures.mentee_profiles.total + grouped.measures.mentor_profiles.total);
  assert.ok(groupsOfRows.every((g) => g === grouped.group), "every row is of the group");

  // Adding a department administrator: the API's errors land next to the fields, then the new one is listed.
  await admin.locator("#f-email").fill("pat.lee@gmail.com");
  await admin.getByRole("button", { name: "Add administrator" }).click();
  await admin.locator("#e-email").waitFor();
  assert.match(await admin.locator("#e-email").innerText(), /@mo\.gov/);
  assert.equal(await admin.locator("#f-department").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await axeViolations(admin), [], "the add form with errors is accessible");
  await admin.locator("#f-email").fill("pat.lee@mo.gov");
  await admin.locator("#f-department").selectOption("transportation");
  await admin.getByRole("button", { name: "Add administrator" }).click();
  const transportation = admin.locator("#admin-list .card").filter({ hasText: "Department of Transportation" });
  await transportation.getByText("pat.lee@mo.gov", { exact: true }).waitFor();
  assert.match(await transportation.innerText(), /added by admin@mo\.gov/);

  // Removing asks first.
  await admin.getByRole("button", { name: "Remove pat.lee@mo.gov from the Department of Transportation" }).click();
  assert.deepEqual(await axeViolations(admin), [], "the removal question is accessible");
  await admin.getByRole("button", { name: "Yes, remove" }).click();
  await admin.locator("#admin-list").getByText("pat.lee@mo.gov no longer administers the Department of Transportation.").waitFor();
  assert.equal(await admin.locator("#admin-list .card").filter({ hasText: "pat.lee@mo.gov" }).count(), 0);

  // A person's records, and the audit trail of one, on the People page: Dana approved on the supervisor's behalf.
  await admin.getByRole("link", { name: "Find a person on the People page" }).click();
  await admin.waitForURL(/\/admin\/people\/$/);
  await admin.locator("#console").waitFor();
  await admin.locator("#f-lookup-email").fill("alex.nguyen@mo.gov");
  await admin.getByRole("button", { name: "Look up" }).click();
  assert.deepEqual((await rowCells(admin, "Applications of alex.nguyen@mo.gov", "Mentee")).slice(0, 2), ["Approved", "Department of Revenue"]);
  await admin.getByRole("button", { name: "Audit trail of the mentee application" }).click();
  const trail = admin.getByRole("table", { name: "Changes to the application, oldest first" });
  await trail.waitFor();
  const approved = (await trail.getByRole("row").filter({ hasText: "Approved the application" }).locator("td").allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(approved.slice(0, 3), ["dana.admin@mo.gov", "Approved the application", "sam.rivera@mo.gov"]);
  assert.equal(await admin.locator("#audit-title").evaluate((h) => h === document.activeElement), true, "focus moves to the trail");
  await admin.getByRole("button", { name: "Close the audit trail" }).press("Enter");
  assert.equal(await admin.locator("#audit").isVisible(), false);
  assert.equal(await admin.evaluate(() => document.activeElement.textContent), "Audit trail of the mentee application", "focus goes back");
  await admin.goto(`${platform.url}/admin/`);
  await admin.locator("#console").waitFor();

  // The suggested matches, on their own page: a run worked out by its job
  // while the page follows it, then publishing after a confirmation,
  // followed the same way.
  assert.deepEqual(await axeViolations(admin), [], "the program administrator's page is accessible");
  await photograph(admin, "program");
  await admin.getByRole("link", { name: "Work out and publish suggested matches" }).click();
  await admin.getByRole("button", { name: "Work out suggested matches" }).click();
  await admin.locator("#preview-title").waitFor();
  assert.equal(await admin.locator("#preview-title").evaluate((h) => h === document.activeElement), true, "focus moves to the lists once ready");
  const lists = admin.getByRole("table", { name: "Suggested mentors for each mentee, best fit first" });
  assert.match(await lists.getByRole("row", { name: /Alex Nguyen/ }).innerText(), /Maria Okafor/);
  assert.match(await admin.locator("#preview-figures").innerText(), /Approved mentees who need a mentor\s+1/);
  assert.equal(await admin.locator("#preview-pager").isVisible(), false, "one page of lists needs no pager");
  // Each fit is worked out; a suggestion can be removed and put back.
  assert.match(await lists.getByRole("row", { name: /Alex Nguyen/ }).innerText(), /Fit: .*= \d+/);
  await admin.getByRole("button", { name: "Remove Maria Okafor from Alex Nguyen’s list" }).click();
  await admin.getByRole("button", { name: "Put back Maria Okafor on Alex Nguyen’s list" }).click();
  await admin.getByRole("button", { name: "Remove Maria Okafor from Alex Nguyen’s list" }).waitFor();
  assert.equal(await admin.getByText("Removed by an administrator:").count(), 0, "nothing left removed");
  // Leaving and coming back finds the run where it is.
  await admin.reload();
  await admin.locator("#preview-title").waitFor();
  await admin.getByRole("button", { name: "Publish these suggestions" }).click();
  await admin.locator("#publish-confirm").waitFor();
  assert.deepEqual(await axeViolations(admin), [], "the matching page is accessible");
  await photograph(admin, "matching");
  await admin.getByRole("button", { name: "Yes, publish and email the mentees" }).click();
  await admin.locator("#published").waitFor();
  assert.match(await admin.locator("#published-text").innerText(), /1 mentees now have their list .* 1 mentee was emailed/);
  assert.match((await lastMailTo(platform, "alex.nguyen@mo.gov")).text, /matching has picked \d+ mentors/);
  await admin.getByRole("link", { name: "Back to Program administration" }).click();
  await admin.locator("#console").waitFor();

  // The security log shows this very sign-in, and the audit trail read above.
  await admin.getByRole("button", { name: "Show the latest" }).click();
  const log = admin.getByRole("table", { name: /Security events, newest first/ });
  await log.waitFor();
  const signedIn = log.getByRole("row").filter({ hasText: "Signed in" }).filter({ hasText: "admin@mo.gov" });
  assert.match(await signedIn.first().innerText(), /by emailed link/);
  const read = log.getByRole("row").filter({ hasText: "Look-up" });
  assert.match(await read.first().innerText(), /read the audit trail of mentee application/);
});

test("an applicant is told the page is for administrators", async () => {
  const alex = await adminPage("alex.nguyen@mo.gov");
  await alex.locator("#not-admin").waitFor();
  assert.match(await alex.locator("#not-admin").innerText(), /alex\.nguyen@mo\.gov.*neither a MOments program administrator nor a department administrator/s);
  assert.equal(await alex.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(alex), [], "the message is accessible");
  await photograph(alex, "not-admin");
});

test("a person's request to remove their data reaches the program administrator, who carries it out", async () => {
  const quinn = await adminPage("quinn.leaving@mo.gov");
  await quinn.locator("#not-admin").waitFor();
  const asked = await quinn.evaluate(async () => {
    const r = await fetch("/api/privacy/erasure", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: "Moving to another state." }),
    });
    return r.status;
  });
  assert.equal(asked, 202);

  const admin = await adminPage("admin@mo.gov");
  await admin.locator("#console").waitFor();
  const card = admin.locator("#erasure-list li", { hasText: "quinn.leaving@mo.gov" });
  await card.waitFor();
  assert.match(await card.innerText(), /Moving to another state\./);
  await card.getByRole("button", { name: /Remove their data/ }).click();
  await admin.getByRole("button", { name: "Yes, remove it" }).waitFor();
  assert.deepEqual(await axeViolations(admin), [], "the confirmation is accessible");
  await admin.getByRole("button", { name: "Yes, remove it" }).click();
  await admin.locator("#erasure-list").getByText(/has been removed, and they have been told/).waitFor();
  assert.equal(await admin.locator("#erasure-list li", { hasText: "quinn.leaving@mo.gov" }).count(), 0);
  assert.match((await lastMailTo(platform, "quinn.leaving@mo.gov")).subject, /data has been removed/);
});

test("a participant stays signed in on her device until the program administrator signs her out everywhere", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const riley = await context.newPage();
  await riley.goto(`${platform.url}/admin/`);
  await riley.locator("#signin-needed a[data-signin]").click();
  await riley.locator("#f-email").fill("riley.kept@mo.gov");
  await riley.getByRole("button", { name: "Email me a sign-in link" }).click();
  await riley.locator("#link-sent").waitFor();
  await riley.goto(linkIn(await lastMailTo(platform, "riley.kept@mo.gov"), "/signin/confirm/"));
  const keep = riley.getByLabel("Keep me signed in on this device for two weeks");
  await riley.locator("#confirm-email").getByText("riley.kept@mo.gov").waitFor();
  assert.match(await riley.locator("#h-stay_signed_in").innerText(), /never a shared or public one/);
  await keep.check();
  assert.deepEqual(await axeViolations(riley), [], "the confirm page with its choice is accessible");
  await riley.getByRole("button", { name: "Sign in" }).click();
  await riley.locator("#not-admin").waitFor();
  const session = (await context.cookies()).find((c) => c.name === "moments_session");
  const days = (session.expires * 1000 - Date.now()) / 86_400_000;
  assert.ok(days > 13.9 && days <= 14, `the session cookie outlives the browser for two weeks: ${days} days`);

  const admin = await adminPage("admin@mo.gov");
  await admin.locator("#console").waitFor();
  await admin.goto(`${platform.url}/admin/people/`);
  await admin.locator("#console").waitFor();
  const form = admin.locator("#signout-form");
  await form.getByLabel("Work email").fill("riley");
  await admin.getByRole("button", { name: "Sign out everywhere" }).click();
  await form.locator("#e-signout-email").waitFor();
  await form.getByLabel("Work email").fill("riley.kept@mo.gov");
  await admin.getByRole("button", { name: "Sign out everywhere" }).click();
  await admin.locator("#signout-done-text").getByText("riley.kept@mo.gov is signed out of 1 session.").waitFor();
  assert.deepEqual(await axeViolations(admin), [], "the result is accessible");
  await photograph(admin, "signed-out-everywhere");

  await riley.reload();
  await riley.locator("#signin-needed").waitFor();
  assert.equal(await riley.locator("#not-admin").isVisible(), false);
});
