// The skills applicants rank, kept by the program team, in a real browser.
// The program administrator opens "Skills people rank" from the admin page
// on a phone, is refused an empty name and a name already in use next to
// the field, and adds "Records management": at once a mentee's application
// form offers it and her application is sent with it (My applications lists
// it) and mentor search can filter on it; approved, she counts among the
// mentees who ranked it on the admin page. Renamed, the new name shows on her
// application; moved up, a skill comes first in a new applicant's form;
// retired, a new applicant's form no longer offers it, while her application
// keeps it, marked "no longer offered" on her form, where saving it gives the
// API's message next to the skills, and mentor search still filters on it.
// A kind keeps 3 skills: retiring one more is refused under that skill. Only
// program administrators get the page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, apiOf, axeViolations, applicationPage, applyThrough, continueTo } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const MENTEE = "robin.case@mo.gov";
const SUPERVISOR = "sam.rivera@mo.gov";
const PHONE = { width: 360, height: 800 };
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

/** A page in a new browser context signed in as `email`. */
async function signedIn(email, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  await signIn(context, platform, email);
  return context.newPage();
}

const focused = (page) => page.evaluate(() => document.activeElement?.textContent.trim());
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
/** The ids a skill menu offers under `group`, in order. */
const offered = (page, group) =>
  page.locator(`#f-skills-1 optgroup[label="${group}"] option`).evaluateAll((options) => options.map((o) => o.value));

/** The mentee application form, open and filled in by the page's script. */
async function applyForm(page) {
  await page.goto(`${platform.url}/apply/mentee/`);
  await page.locator("#application-form").waitFor();
}

/** The skills on the mentee's application, as My applications lists them. */
async function mySkills(page) {
  await page.goto(`${platform.url}/my/applications/`);
  const card = page.locator("#applications article", { hasText: "Mentee application" });
  await card.waitFor();
  return card.locator("dd ol li").allInnerTexts();
}

test("the program team adds, renames, moves and retires a skill, and the forms follow at once", async () => {
  const seed = await (await fetch(`${platform.url}/api/catalogue`)).json();
  const admin = await signedIn(ADMIN, PHONE);
  await admin.goto(`${platform.url}/admin/`);
  await admin.getByRole("link", { name: "Keep the skills people rank" }).click();
  await admin.waitForURL(/\/admin\/skills\/$/);
  const career = admin.locator("#career-list > li");
  await career.first().waitFor();
  assert.equal(await career.count(), seed.career_skills.length);
  assert.equal(await admin.locator("#soft-list > li").count(), seed.soft_skills.length);
  assert.deepEqual(await axeViolations(admin), [], "the skills page is accessible");
  assert.equal(await sideways(admin), 0, "nothing scrolls sideways at 360 px");

  // An empty name, then a name already in use, are refused next to the field.
  const form = admin.locator("#skill-form");
  await form.getByLabel("Career skills").check();
  await form.getByRole("button", { name: "Add the skill" }).click();
  await admin.locator("#e-name").waitFor();
  assert.notEqual((await admin.locator("#e-name").innerText()).trim(), "");
  assert.equal(await form.getByLabel("Name of the skill").getAttribute("aria-invalid"), "true");
  assert.match(await admin.title(), /^Error: Skills people rank/);
  await form.getByLabel("Name of the skill").fill("Leadership");
  assert.equal(await admin.locator("#c-name").innerText(), "You have 50 characters left");
  await form.getByRole("button", { name: "Add the skill" }).click();
  await admin.locator("#e-name", { hasText: "Leadership" }).waitFor();
  assert.match(await admin.locator("#skill-errors").innerText(), /Name of the skill: .*Leadership/);

  await form.getByLabel("Name of the skill").fill("Records management");
  await form.getByRole("button", { name: "Add the skill" }).click();
  await admin.locator("#skills-done").getByText("Added “Records management” at the end of the career skills").waitFor();
  assert.match(await admin.title(), /^Skills people rank/, "no error once it is put right");
  assert.equal(await admin.evaluate(() => document.activeElement.id), "skills-done", "the news takes the focus");
  assert.equal(await career.count(), seed.career_skills.length + 1);
  assert.match(await career.last().innerText(), /^Records management/);
  assert.equal(await form.getByLabel("Name of the skill").inputValue(), "", "the form is ready for another");

  // A mentee can choose it at once, and sends her application with it.
  const robin = await signedIn(MENTEE);
  await applyForm(robin);
  assert.equal((await offered(robin, "Career skills")).at(-1), "records-management");
  assert.equal(await robin.locator('#f-skills-1 option[value="records-management"]').innerText(), "Records management");
  await applyThrough(robin, {
    first_name: "Robin",
    last_name: "Case",
    department: "revenue",
    job_title: "Records Officer",
    work_location: "Jefferson City",
    supervisor: ["Sam", "Rivera", SUPERVISOR],
    skills: ["records-management", "leadership", "data-analysis"],
    bio: "I keep the department's records schedules.",
    goals: "Run the records program one day.",
  });
  await robin.getByRole("button", { name: "Submit application" }).click();
  await robin.locator("#submitted").waitFor();
  assert.deepEqual(await mySkills(robin), ["Records management", "Leadership", "Data analysis and reporting"]);
  // Mentor search can look for it too.
  await robin.goto(`${platform.url}/mentors/`);
  await robin.locator("#search").waitFor();
  assert.equal(await robin.locator('[data-skills="career"]').getByLabel("Records management").count(), 1);

  // Her supervisor approves: the page counts her among those who ranked it.
  assert.match(await career.last().innerText(), /Ranked by 0 mentees, 0 mentors/);
  const sam = apiOf((await signedIn(SUPERVISOR)).context(), platform);
  const [pending] = (await sam.get("/api/reviews")).supervisor.pending;
  await sam.post(`/api/applications/${pending.id}/decision`, { outcome: "approve" });
  await admin.reload();
  await career.last().getByText("Ranked by 1 mentee, 0 mentors").waitFor();

  // Renamed: a name in use is refused next to the field, then the new name shows everywhere.
  await admin.getByRole("button", { name: "Rename Records management" }).click();
  const rename = admin.getByLabel("New name for “Records management”");
  assert.equal(await admin.evaluate(() => document.activeElement.id), "f-rename");
  assert.equal(await rename.inputValue(), "Records management");
  assert.equal(await admin.getByRole("button", { name: "Rename Records management" }).getAttribute("aria-expanded"), "true");
  await rename.fill("Grant writing");
  await admin.getByRole("button", { name: "Save the new name of Records management" }).click();
  await admin.locator("#e-rename", { hasText: "Grant writing" }).waitFor();
  assert.equal(await rename.getAttribute("aria-invalid"), "true");
  assert.equal(await admin.evaluate(() => document.activeElement.id), "f-rename", "the field with the error keeps the focus");
  assert.deepEqual(await axeViolations(admin), [], "the rename form with its error is accessible");
  assert.equal(await sideways(admin), 0, "the open rename form fits at 360 px");
  await rename.fill("Records and information management");
  await admin.getByRole("button", { name: "Save the new name of Records management" }).click();
  await admin.locator("#skills-done")
    .getByText("Renamed “Records management” to “Records and information management”").waitFor();
  assert.equal(await focused(admin), "Rename Records and information management");
  assert.equal(await admin.locator("#rename-form").isVisible(), false);
  assert.match(await career.last().innerText(), /^Records and information management/);
  assert.deepEqual(await mySkills(robin), ["Records and information management", "Leadership", "Data analysis and reporting"]);

  // Moved up: it comes first in a new applicant's form.
  await admin.getByRole("button", { name: "Move up Career planning" }).click();
  await admin.locator("#skills-done").getByText("Moved “Career planning” up: it is now 1 of").waitFor();
  assert.equal(await focused(admin), "Move down Career planning", "first now, it can only go down");
  assert.match(await career.first().innerText(), /^Career planning/);
  const sky = await signedIn("sky.ward@mo.gov");
  await applyForm(sky);
  const order = await offered(sky, "Career skills");
  assert.deepEqual(order.slice(0, 2), ["career-planning", seed.career_skills[0].id]);
  assert.equal(order.at(-1), "records-management");

  // Retired: no longer offered to a new applicant; her application keeps it.
  await admin.getByRole("button", { name: "Retire Records and information management" }).click();
  await admin.locator("#skills-done").getByText("Retired “Records and information management”").waitFor();
  assert.equal(await focused(admin), "Restore Records and information management");
  assert.equal(await career.last().locator(".badge").innerText(), "Retired");
  await applyForm(sky);
  assert.equal(await sky.locator('#f-skills-1 option[value="records-management"]').count(), 0);
  assert.equal(await sky.locator('#f-skills-1 option[value="career-planning"]').count(), 1, "the live list is shown");
  assert.deepEqual(await mySkills(robin), ["Records and information management", "Leadership", "Data analysis and reporting"]);

  // On her form it stays chosen, marked; saving it gives the API's message next to the skills.
  await applyForm(robin);
  assert.equal(await robin.locator("#f-skills-1").inputValue(), "records-management");
  assert.equal(await robin.locator("#f-skills-1 option:checked").innerText(),
    "Records and information management (no longer offered)");
  assert.equal(await robin.locator('#f-skills-2 option[value="records-management"]').isDisabled(), true, "still ranked once only");
  // Approved, her application opens on its answers, and her eligibility
  // statements stand: she is asked only for what she changes.
  await applicationPage(robin, "Check your answers").waitFor();
  assert.equal(await robin.locator("#eligibility").isHidden(), true);
  assert.doesNotMatch(await robin.locator("#answers").innerText(), /Eligibility/);
  assert.match(await robin.locator("#edit-notice-statements").innerText(), /still stand/);
  // Saving it as it is opens the skills' page, with the API's message there.
  await robin.getByRole("button", { name: "Save changes" }).click();
  await robin.locator("#e-skills").waitFor();
  await applicationPage(robin, "Your skills").waitFor();
  assert.match(await robin.locator("#e-skills").innerText(), /no longer in the program's list/);
  assert.deepEqual(await axeViolations(robin), [], "the form with a skill no longer offered is accessible");
  // Choosing another skill puts it right, and Continue comes back to the answers.
  await robin.locator("#f-skills-1").selectOption("career-planning");
  await continueTo(robin, "Check your answers");
  await robin.getByRole("button", { name: "Save changes" }).click();
  await robin.locator("#submitted").waitFor();
  assert.deepEqual(await mySkills(robin), ["Career planning", "Leadership", "Data analysis and reporting"]);

  // Mentor search still filters on it when the address asks.
  await robin.goto(`${platform.url}/mentors/?skills=records-management`);
  await robin.locator("#search").waitFor();
  const box = robin.locator("#f-skill-records-management");
  assert.equal(await box.isChecked(), true);
  assert.equal(await robin.locator('label[for="f-skill-records-management"]').innerText(),
    "Records and information management", "named as it is called now");
  assert.equal(await robin.locator('[data-skills="career"] #f-skill-records-management').count(), 0);
  assert.equal(await robin.locator("#skill-count").innerText(), "(1 chosen)");
  assert.deepEqual(await axeViolations(robin), [], "the search with a skill no longer offered is accessible");

  // Restored, it is offered again.
  await admin.getByRole("button", { name: "Restore Records and information management" }).click();
  await admin.locator("#skills-done").getByText("Restored “Records and information management”").waitFor();
  await applyForm(sky);
  assert.equal(await sky.locator('#f-skills-1 option[value="records-management"]').innerText(), "Records and information management");
});

test("each list keeps three skills to choose from: retiring one more is refused under it", async () => {
  const admin = await signedIn(ADMIN, PHONE);
  const api = apiOf(admin.context(), platform);
  const soft = (await api.get("/api/admin/skills")).skills.filter((s) => s.kind === "soft" && !s.retired);
  for (const skill of soft.slice(0, -3)) await api.put(`/api/admin/skills/${skill.id}`, { retired: true });
  const [last] = soft.slice(-3);

  await admin.goto(`${platform.url}/admin/skills/`);
  await admin.locator("#soft-list > li").first().waitFor();
  await admin.getByRole("button", { name: `Retire ${last.name}` }).click();
  const item = admin.locator(`#soft-list > li[data-key="${last.id}"]`);
  const refusal = item.getByRole("alert");
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /at least 3/);
  assert.equal(await item.locator(".badge").count(), 0, "still offered");
  assert.equal(await focused(admin), `Retire ${last.name}`, "the button keeps the focus and its name");
  assert.deepEqual(await axeViolations(admin), [], "the refusal is accessible");

  // Restoring one makes room again; the refusal goes.
  await admin.getByRole("button", { name: `Restore ${soft[0].name}` }).click();
  await admin.locator("#skills-done").getByText(`Restored “${soft[0].name}”`).waitFor();
  assert.equal(await admin.getByRole("alert").count(), 0);
  await admin.getByRole("button", { name: `Retire ${last.name}` }).click();
  await admin.locator("#skills-done").getByText(`Retired “${last.name}”`).waitFor();
});

test("only program administrators get the skills page", async () => {
  const alex = await signedIn("alex.nguyen@mo.gov");
  await alex.goto(`${platform.url}/admin/skills/`);
  await alex.locator("#not-admin").waitFor();
  assert.match(await alex.locator("#not-admin").innerText(), /alex\.nguyen@mo\.gov.*cannot change the skills people rank/s);
  assert.equal(await alex.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(alex), []);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${platform.url}/admin/skills/`);
  await visitor.locator("#signin-needed").waitFor();
  assert.equal(await visitor.locator("#console").isVisible(), false);
});

test("when the live list cannot be read, every rank of the form offers the page's own", async () => {
  const page = await signedIn("lou.seed@mo.gov");
  await page.route("**/api/catalogue", (route) => route.fulfill({ status: 503, contentType: "application/problem+json", body: "{}" }));
  await applyForm(page);
  const ranks = await page.locator('select[name="skills"]').evaluateAll((menus) =>
    menus.map((menu) => [...menu.options].map((o) => o.value).filter(Boolean)));
  assert.equal(ranks.length, 6);
  assert.ok(ranks[0].length > 10, "the first rank has the seed list");
  for (const rank of ranks) assert.deepEqual(rank, ranks[0], "each rank offers the same");
});
