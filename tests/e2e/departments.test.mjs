// The departments and their divisions, kept by the program team, in a real
// browser. The program administrator opens "Keep the departments and
// divisions" from the admin page on a phone, is told to choose a department
// before adding a division, adds "Motor Vehicles" to the Department of
// Revenue and a new department: at once an applicant choosing Revenue is
// asked for her division (the API's message next to the field when she
// leaves it), sends her application with it, and her supervisor's review
// page shows it; mentor search offers the division once Revenue is chosen.
// Renamed, the division's new name shows on her application; retired, a
// department is no longer offered to a new applicant. Only program
// administrators get the page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startPlatform, launch, signIn, axeViolations, continueTo } from "./support.mjs";

const ADMIN = "admin@mo.gov";
const APPLICANT = "lee.park@mo.gov";
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

async function signedIn(email, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  await signIn(context, platform, email);
  return context.newPage();
}

const focused = (page) => page.evaluate(() => document.activeElement?.textContent.trim());
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const values = (page, selector) =>
  page.locator(`${selector} option`).evaluateAll((options) => options.map((o) => o.value).filter(Boolean));

async function applyForm(page) {
  await page.goto(`${platform.url}/apply/mentee/`);
  await page.locator("#application-form").waitFor();
}

test("the program team adds a division and a department, and the forms and search follow at once", async () => {
  const admin = await signedIn(ADMIN, PHONE);
  await admin.goto(`${platform.url}/admin/`);
  await admin.getByRole("link", { name: "Keep the departments and divisions" }).click();
  await admin.waitForURL(/\/admin\/departments\/$/);
  const list = admin.locator("#department-list > li");
  await list.first().waitFor();
  const seed = await (await fetch(`${platform.url}/api/catalogue`)).json();
  assert.equal(await list.count(), seed.departments.length);
  assert.deepEqual(await axeViolations(admin), [], "the page is accessible");
  assert.equal(await sideways(admin), 0, "nothing scrolls sideways at 360 px");

  // A division needs its department: told next to the field.
  const divisionForm = admin.locator("#division-form");
  await divisionForm.getByLabel("Name of the division").fill("Motor Vehicles");
  await divisionForm.getByRole("button", { name: "Add the division" }).click();
  await admin.locator("#e-department").waitFor();
  assert.match(await admin.locator("#division-errors").innerText(), /Department: Choose the department/);
  await admin.locator("#f-department").selectOption("revenue");
  await divisionForm.getByRole("button", { name: "Add the division" }).click();
  await admin.locator("#departments-done").getByText("Added “Motor Vehicles” to the Department of Revenue").waitFor();
  assert.equal(await admin.evaluate(() => document.activeElement.id), "departments-done", "the news takes the focus");
  const revenue = admin.locator('#department-list > li[data-key="revenue"]');
  assert.match(await revenue.innerText(), /1 division/);
  assert.match(await revenue.locator("ol > li").first().innerText(), /^Motor Vehicles/);

  // A new department, last in the list.
  const departmentForm = admin.locator("#department-form");
  await departmentForm.getByLabel("Name of the department").fill("Office of Cybersecurity");
  await departmentForm.getByRole("button", { name: "Add the department" }).click();
  await admin.locator("#departments-done").getByText("Added “Office of Cybersecurity” at the end").waitFor();
  assert.match(await list.last().innerText(), /^Office of Cybersecurity/);

  // The applicant's form offers both at once; Revenue asks for the division.
  const lee = await signedIn(APPLICANT);
  await applyForm(lee);
  await lee.locator("#f-first_name").fill("Lee");
  await lee.locator("#f-last_name").fill("Park");
  await continueTo(lee, "Your work");
  assert.equal((await values(lee, "#f-department")).at(-1), "office-of-cybersecurity");
  assert.equal(await lee.locator("#f-division").isVisible(), false, "no division until a department has some");
  await lee.locator("#f-department").selectOption("revenue");
  await lee.getByLabel("Division").waitFor();
  assert.deepEqual(await values(lee, "#f-division"), ["motor-vehicles"]);
  await lee.locator("#f-job_title").fill("Licensing Clerk");
  await lee.locator("#f-work_location").fill("Jefferson City");
  await lee.getByLabel("Daytime").check();
  // The division is asked on this page, before any other.
  await lee.locator("#submit-application").click();
  await lee.locator("#e-division").waitFor();
  assert.match(await lee.locator("#e-division").innerText(), /Choose your division of the Department of Revenue/);
  assert.deepEqual(await axeViolations(lee), [], "the page with the division's error is accessible");
  await lee.locator("#f-division").selectOption("motor-vehicles");
  await continueTo(lee, "Your supervisor");
  await lee.locator("#f-supervisor_first_name").fill("Sam");
  await lee.locator("#f-supervisor_last_name").fill("Rivera");
  await lee.locator("#f-supervisor_email").fill(SUPERVISOR);
  await continueTo(lee, "Your skills");
  await lee.locator("#f-skills-1").selectOption("leadership");
  await lee.locator("#f-skills-2").selectOption("customer-service");
  await lee.locator("#f-skills-3").selectOption("teamwork");
  await continueTo(lee, "Your goals");
  await lee.locator("#f-bio").fill("I license drivers and keep the queue moving.");
  await lee.locator("#f-goals").fill("Lead a branch office.");
  await continueTo(lee, "Check your answers");
  for (const name of ["full_time", "not_at_risk", "no_disciplinary_action", "agreement"]) {
    await lee.locator(`#f-${name}`).check();
  }
  assert.match(await lee.locator("#answers").innerText(), /Division\s+Motor Vehicles/);
  await lee.getByRole("button", { name: "Submit application" }).click();
  await lee.locator("#submitted").waitFor();

  // Her supervisor reads where she works, division first.
  const sam = await signedIn(SUPERVISOR);
  await sam.goto(`${platform.url}/review/`);
  await sam.getByText("Motor Vehicles, Department of Revenue").first().waitFor();

  // The People page's correction form holds her division, and moves her within Revenue.
  const desk = await signedIn(ADMIN);
  await desk.goto(`${platform.url}/admin/people/?email=${encodeURIComponent(APPLICANT)}`);
  await desk.getByText("Correct the details of their mentee application").click();
  const correction = desk.locator("form", { has: desk.getByRole("button", { name: "Save the correction" }) });
  const division = correction.getByLabel("Division");
  await division.waitFor();
  assert.equal(await division.inputValue(), "motor-vehicles", "the form holds her division");
  await correction.getByLabel("Job title").fill("Senior Licensing Clerk");
  await correction.getByLabel("Note to them").fill("Your title changed with the reorganisation.");
  assert.deepEqual(await axeViolations(desk), [], "the correction form with a division is accessible");
  await correction.getByRole("button", { name: "Save the correction" }).click();
  await desk.locator("#person-done").getByText("is corrected").waitFor();

  // Mentor search offers Revenue's divisions once Revenue is chosen.
  await lee.goto(`${platform.url}/mentors/?department=revenue&division=motor-vehicles`);
  await lee.locator("#search").waitFor();
  assert.equal(await lee.locator("#f-division").inputValue(), "motor-vehicles", "the address's division is chosen");
  await lee.locator("#f-department").selectOption("transportation");
  assert.equal(await lee.locator("#f-division").isVisible(), false, "Transportation has none");

  // Renamed: her form shows the new name; the rename form fits the phone.
  await admin.getByRole("button", { name: "Rename Motor Vehicles" }).click();
  const rename = admin.getByLabel("New name for “Motor Vehicles”");
  assert.equal(await admin.evaluate(() => document.activeElement.id), "f-rename");
  assert.equal(await sideways(admin), 0, "the open rename form fits at 360 px");
  await rename.fill("Motor Vehicle and Driver Licensing");
  await admin.getByRole("button", { name: "Save the new name of Motor Vehicles" }).click();
  await admin.locator("#departments-done")
    .getByText("Renamed “Motor Vehicles” to “Motor Vehicle and Driver Licensing”").waitFor();
  assert.equal(await focused(admin), "Rename Motor Vehicle and Driver Licensing");
  await applyForm(lee);
  assert.equal(await lee.locator("#f-division option:checked").innerText(), "Motor Vehicle and Driver Licensing");

  // Moved up and retired: the new department leaves a new applicant's form.
  await admin.getByRole("button", { name: "Move up Office of Cybersecurity" }).click();
  await admin.locator("#departments-done").getByText("Moved “Office of Cybersecurity” up").waitFor();
  await admin.getByRole("button", { name: "Retire Office of Cybersecurity" }).click();
  await admin.locator("#departments-done").getByText("Retired “Office of Cybersecurity”").waitFor();
  assert.equal(await focused(admin), "Restore Office of Cybersecurity");
  const kit = await signedIn("kit.moss@mo.gov");
  await applyForm(kit);
  assert.equal((await values(kit, "#f-department")).includes("office-of-cybersecurity"), false);
});

test("only program administrators get the departments page", async () => {
  const alex = await signedIn("alex.nguyen@mo.gov");
  await alex.goto(`${platform.url}/admin/departments/`);
  await alex.locator("#not-admin").waitFor();
  assert.match(await alex.locator("#not-admin").innerText(), /cannot change the departments applicants choose from/);
  assert.equal(await alex.locator("#console").isVisible(), false);
  assert.deepEqual(await axeViolations(alex), []);
});
