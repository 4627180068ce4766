// Every page of the site, in a real browser, signed out and signed in as
// each kind of person, on demo data with something on every page: a
// pending application, requests both ways, an active and an ended
// mentorship, suggested matches. The pages come from site/content, and
// every link a page shows (including those its script builds, such as a
// mentor's profile or a mentorship) is followed once per kind of address,
// so a new page or a new state is checked without being listed here.
//
// Checked on each page: axe-core finds no WCAG 2.1 A/AA violation; the page
// with its CSS and scripts weighs at most 100 KB; nothing scrolls sideways
// on a 360 px phone; nothing moves once shown (layout shift); every
// internal link and anchor resolves; the keyboard focus is always visible.
// Screenshots of the main pages go to tests/e2e/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startPlatform, launch, signIn, apiOf, sitePages, axeViolations, programToday, lastMailTo, linkIn, publishMatching } from "./support.mjs";

const PHONE = 360;
const DESKTOP = 1280;
const MAX_WEIGHT = 100 * 1024;
/** Signed-in passes crawled side by side. */
const CRAWLERS = 3;
const screenshots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");

let platform;
let browser;
/** Signed-in contexts by name; `null` is signed out. */
const people = {};
/** One entry per page visited: what the checks below assert on. */
const visits = [];
/** Internal link target (without fragment) → the fragments asked for, and where from. */
const links = new Map();

before(async () => {
  platform = await startPlatform({ demo: true });
  browser = await launch();
  await prepare();
  const passes = [
    ["signed out", null, PHONE],
    ["signed out", null, DESKTOP],
    ["applicant", "pat.lee@mo.gov", PHONE],
    ["mentee", "alex.nguyen@mo.gov", PHONE],
    ["mentee", "alex.nguyen@mo.gov", DESKTOP],
    ["mentor", "maria.okafor@mo.gov", PHONE],
    ["supervisor", "sam.rivera@mo.gov", PHONE],
    ["department administrator", "dana.admin@mo.gov", PHONE],
    ["program administrator", "admin@mo.gov", PHONE],
  ];
  const run = async ([role, email, width]) => crawl(email ? people[email] : await browser.newContext(), role, width);
  // Signed out first: signed-in passes skip the pages found the same for everyone.
  const [signedOut, signedIn] = [passes.filter(([, email]) => !email), passes.filter(([, email]) => email)];
  await Promise.all(signedOut.map(run));
  // A few passes at once: most of a visit is waiting for the page to settle.
  const lanes = Array.from({ length: CRAWLERS }, async () => {
    while (signedIn.length) await run(signedIn.shift());
  });
  await Promise.all(lanes);
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Brings the demo data to a state where every page has something to show. */
async function prepare() {
  for (const email of [
    "sam.rivera@mo.gov",
    "alex.nguyen@mo.gov",
    "jordan.baker@mo.gov",
    "maria.okafor@mo.gov",
    "priya.shah@mo.gov",
    "pat.lee@mo.gov",
    "dana.admin@mo.gov",
    "admin@mo.gov",
  ]) {
    people[email] = await browser.newContext();
    await signIn(people[email], platform, email);
  }
  const as = (email) => apiOf(people[email], platform);

  // The supervisor approves the demo mentees.
  const queue = await as("sam.rivera@mo.gov").get("/api/reviews");
  for (const app of queue.supervisor.pending) {
    await as("sam.rivera@mo.gov").post(`/api/applications/${app.id}/decision`, { outcome: "approve" });
  }

  const { mentors } = await as("alex.nguyen@mo.gov").get("/api/mentors");
  const mentor = (first) => mentors.find((m) => m.first_name === first).id;
  const request = (mentee, first) =>
    as(mentee).post("/api/requests", { mentor: mentor(first), message: "I would like to learn from you." });
  const accept = async (mentorEmail, req) =>
    (await as(mentorEmail).post(`/api/requests/${req.id}/accept`)).mentorship;

  // Alex: one mentorship ended (so a survey waits), one active with an
  // agreement and a meeting, one request pending.
  const ended = await accept("priya.shah@mo.gov", await request("alex.nguyen@mo.gov", "Priya"));
  await as("alex.nguyen@mo.gov").post(`/api/mentorships/${ended.id}/end`, {
    outcome: "completed",
    reason: "We reached the goal we set.",
  });
  const active = await accept("maria.okafor@mo.gov", await request("alex.nguyen@mo.gov", "Maria"));
  await as("alex.nguyen@mo.gov").put(`/api/mentorships/${active.id}/agreement`, {
    kind: "committed",
    goals: "Lead a project team by the summer.",
    steps: "Shadow Maria's team meeting; run one meeting myself.",
    schedule: "First Tuesday of the month, 10 a.m., an hour, by video.",
    end_date: "",
    off_limits: "Pay and performance reviews.",
  });
  await as("alex.nguyen@mo.gov").post(`/api/mentorships/${active.id}/meetings`, {
    date: programToday(),
    minutes: 60,
    topic: "Getting to know each other",
  });
  await request("alex.nguyen@mo.gov", "James");
  // Maria has a request waiting for her answer.
  await request("jordan.baker@mo.gov", "Maria");

  // Pat's application waits for the supervisor and the department administrator.
  await as("pat.lee@mo.gov").post("/api/applications", {
    role: "mentee",
    first_name: "Pat",
    last_name: "Lee",
    phone: "",
    department: "revenue",
    job_title: "Auditor",
    work_location: "Jefferson City",
    supervisor_first_name: "Sam",
    supervisor_last_name: "Rivera",
    supervisor_email: "sam.rivera@mo.gov",
    working_hours: "daytime",
    bio: "Two years auditing sales tax returns.",
    goals: "Learn how policy is written.",
    skills: ["policy-writing", "verbal-communication", "career-planning"],
    full_time: true,
    not_at_risk: true,
    no_disciplinary_action: true,
    agreement: true,
  });

  // The quarterly matching, so Jordan has suggested mentors.
  await publishMatching(as("admin@mo.gov"));
}

/** "/mentors/profile/?id=1" → "/mentors/profile/?id": one visit per kind of address. */
function kind(url) {
  const keys = [...url.searchParams.keys()].sort().join("&");
  return keys ? `${url.pathname}?${keys}` : url.pathname;
}

/** Internal links and sources on the page as it is now. */
function pageLinks(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("a[href], link[href], script[src], img[src], form[action]")]
      .map((node) => node.href || node.src || node.action)
      .filter(Boolean),
  );
}

/** The page and what it loaded from this site (not the API), uncompressed. */
function weight(page) {
  return page.evaluate(() => {
    const own = (entry) => {
      const url = new URL(entry.name);
      return url.origin === location.origin && !url.pathname.startsWith("/api/");
    };
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].filter(own);
    return {
      bytes: entries.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
      files: entries.map((entry) => `${new URL(entry.name).pathname} ${entry.decodedBodySize}`),
    };
  });
}

/** Sum of the layout shifts so far that the person did not cause (CLS). */
function layoutShift(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve(total), 50);
      }),
  );
}

/** In-page links checked against the page as shown. */
let inPageAnchors = 0;

/** Kinds of address whose page never called the API when signed out: the same for everyone. */
const staticPages = new Set();

/** Resolves once the page has loaded and made no request for 150 ms. */
async function settled(page, inflight) {
  await page.waitForLoadState("load");
  let quiet = 0;
  for (let waited = 0; quiet < 3 && waited < 10_000; waited += 50) {
    await page.waitForTimeout(50);
    quiet = inflight.size === 0 ? quiet + 1 : 0;
  }
}

/**
 * Visits every page of the content tree and every page they link to (one
 * address of each kind), as `role` at `width`. Signed in, pages that are
 * the same for everyone are left to the signed-out passes.
 */
async function crawl(context, role, width) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 800 });
  // Every visit loads its CSS and scripts afresh, so each is weighed whole.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const inflight = new Set();
  let apiCalls = 0;
  page.on("request", (request) => {
    inflight.add(request);
    if (new URL(request.url()).pathname.startsWith("/api/")) apiCalls += 1;
  });
  page.on("requestfinished", (request) => inflight.delete(request));
  page.on("requestfailed", (request) => inflight.delete(request));
  const signedOut = role === "signed out";
  const wanted = (url) => signedOut || !staticPages.has(kind(url));
  const queue = [...sitePages(), "/no-such-page/"].map((path) => new URL(path, platform.url)).filter(wanted);
  const seen = new Set(queue.map(kind));
  while (queue.length) {
    const url = queue.shift();
    apiCalls = 0;
    const response = await page.goto(url.href, { waitUntil: "commit" });
    await settled(page, inflight);
    if (signedOut && apiCalls === 0) staticPages.add(kind(url));
    const where = `${kind(url)} (${role}, ${width} px)`;
    const missingAnchors = [];
    for (const href of await pageLinks(page)) {
      const target = new URL(href);
      if (target.origin !== platform.url || target.pathname.startsWith("/api/")) continue;
      const fragment = decodeURIComponent(target.hash.slice(1));
      target.hash = "";
      if (target.href === url.href) {
        // A link within the page: its anchor must be on the page as shown.
        if (fragment) inPageAnchors += 1;
        if (fragment && !(await page.evaluate((id) => Boolean(document.getElementById(id)), fragment))) {
          missingAnchors.push(`#${fragment}`);
        }
        continue;
      }
      const entry = links.get(target.href) || { from: new Set(), fragments: new Set() };
      entry.from.add(url.pathname + url.search);
      if (fragment) entry.fragments.add(fragment);
      links.set(target.href, entry);
      const isPage = !/\.[a-z0-9]+$/i.test(target.pathname);
      if (isPage && !seen.has(kind(target)) && wanted(target)) {
        seen.add(kind(target));
        queue.push(target);
      }
    }
    visits.push({
      where,
      role,
      width,
      url: url.pathname + url.search,
      missingAnchors,
      status: response.status(),
      violations: await axeViolations(page),
      weight: await weight(page),
      shift: await layoutShift(page),
      overflow: await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      focus: width === DESKTOP ? await focusStops(page) : null,
    });
  }
  await page.close();
}

/**
 * Tabs through the page from the top: how many stops it has, and those where
 * the focused element shows no focus indicator (outline or ring), or is hidden.
 */
async function focusStops(page) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const problems = [];
  let stops = 0;
  for (; stops < 150; stops += 1) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      // Back at the start (or out of the page): every stop has been seen.
      if (!el || el === document.body || el.dataset.tabbed) return null;
      el.dataset.tabbed = "yes";
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
      const label = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent || el.value || "").trim().slice(0, 30)}"`;
      return { label, ring, shown: box.width > 0 && box.height > 0 };
    });
    if (!stop) break;
    if (!stop.ring || !stop.shown) problems.push(stop.label);
  }
  return { stops, problems };
}

test("no page has a WCAG 2.1 A or AA violation, signed out or signed in as any role", () => {
  const roles = new Set(visits.map((v) => v.role));
  const pages = new Set(visits.map((v) => v.url));
  console.log(`axe-core: ${visits.length} page visits, ${pages.size} addresses, roles: ${[...roles].join(", ")}`);
  assert.equal(roles.size, 7, "signed out and six kinds of signed-in people");
  // Each page of the content tree was checked, and pages reached only by
  // links were too (mentor profiles, mentorships, requests, the survey, a
  // person's records for the program administrator).
  for (const path of sitePages()) assert.ok(pages.has(path), `${path} visited`);
  for (const prefix of ["/mentors/profile/?id=", "/mentorships/?id=", "/requests/?id=", "/survey/?mentorship=", "/review/?application=", "/admin/people/?email="]) {
    assert.ok([...pages].some((p) => p.startsWith(prefix)), `a page at ${prefix}… visited, among ${[...pages].join(" ")}`);
  }
  const problems = visits.filter((v) => v.violations.length).map((v) => `${v.where}:\n  ${v.violations.join("\n  ")}`);
  assert.deepEqual(problems, []);
});

test("pages answer 200, and a missing page the 404 page", () => {
  for (const visit of visits) {
    const expected = visit.url === "/no-such-page/" ? 404 : 200;
    assert.equal(visit.status, expected, visit.where);
  }
});

test("every page weighs at most 100 KB with its CSS and scripts", () => {
  const heaviest = visits.reduce((a, b) => (b.weight.bytes > a.weight.bytes ? b : a));
  console.log(`heaviest page: ${heaviest.where}, ${heaviest.weight.bytes} bytes (${(heaviest.weight.bytes / 1024).toFixed(1)} KB):`);
  for (const file of heaviest.weight.files) console.log(`  ${file}`);
  // The figure counts what the browser loaded: at least the page and main.css.
  assert.ok(visits.every((v) => v.weight.files.some((f) => f.startsWith("/main.css "))), "stylesheet weighed");
  const over = visits.filter((v) => v.weight.bytes > MAX_WEIGHT).map((v) => `${v.where}: ${v.weight.bytes} bytes`);
  assert.deepEqual(over, []);
});

test("nothing scrolls sideways on a 360 px phone", () => {
  const wide = visits.filter((v) => v.width === PHONE && v.overflow > 0).map((v) => `${v.where}: ${v.overflow} px too wide`);
  assert.deepEqual(wide, []);
});

test("nothing moves once a page is shown (cumulative layout shift below 0.01)", () => {
  const moving = visits.filter((v) => v.shift >= 0.01).map((v) => `${v.where}: ${v.shift.toFixed(3)}`);
  assert.deepEqual(moving, []);
});

test("the keyboard focus is visible at every stop of every page", () => {
  const checked = visits.filter((v) => v.focus);
  assert.ok(checked.length > 20);
  // Every page has at least the skip link, the brand, the menu and the footer's links.
  const few = checked.filter((v) => v.focus.stops < 10).map((v) => `${v.where}: ${v.focus.stops} stops`);
  assert.deepEqual(few, []);
  const hidden = checked.filter((v) => v.focus.problems.length).map((v) => `${v.where}: ${v.focus.problems.join(", ")}`);
  assert.deepEqual(hidden, []);
});

test("every internal link and source resolves, and so does every #anchor", async () => {
  const broken = visits.filter((v) => v.missingAnchors.length).map((v) => `${v.where}: no ${v.missingAnchors.join(", ")}`);
  let anchors = 0;
  for (const [target, { from, fragments }] of links) {
    const response = await fetch(target);
    const text = await response.text();
    if (!response.ok) {
      broken.push(`${target} (${response.status}), linked from ${[...from].join(", ")}`);
      continue;
    }
    for (const fragment of fragments) {
      anchors += 1;
      if (!text.includes(`id="${fragment}"`)) broken.push(`${target}#${fragment}: no such anchor, linked from ${[...from].join(", ")}`);
    }
  }
  console.log(
    `link check: ${links.size} internal addresses, ${anchors} anchors on other pages and ${inPageAnchors} in-page anchors, from ${visits.length} page visits`,
  );
  assert.ok(links.size > 30);
  assert.deepEqual(broken, []);
});

test("from the privacy notice, a signed-in person asks for their data to be removed, once", async () => {
  const page = await people["pat.lee@mo.gov"].newPage();
  await page.goto(`${platform.url}/privacy/`);
  await page.locator("#removal-form").waitFor();
  assert.equal(await page.locator("#removal-email").innerText(), "pat.lee@mo.gov");
  await page.locator("#f-note").fill("I also used p.lee@mo.gov.");
  await page.getByRole("button", { name: "Ask to remove my data" }).click();
  await page.locator("#removal-asked").waitFor();
  assert.match(await page.locator("#removal-asked").innerText(), /email you/);
  assert.match((await lastMailTo(platform, "admin@mo.gov")).text, /pat\.lee@mo\.gov/);
  // Coming back, the page remembers the request instead of offering the form again.
  await page.reload();
  await page.locator("#removal-asked").waitFor();
  assert.match(await page.locator("#removal-asked-text").innerText(), /You asked on/);
  assert.equal(await page.locator("#removal-form").isVisible(), false);
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test("once signed in, the header offers Sign out, and it ends the session", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const nav = page.getByRole("navigation", { name: "Main" });
  await page.goto(`${platform.url}/how-it-works/`);
  await nav.getByRole("link", { name: "Sign in" }).waitFor();
  assert.equal(await nav.getByRole("button", { name: "Sign out" }).count(), 0);

  await signIn(context, platform, "priya.shah@mo.gov");
  await page.reload();
  await nav.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${platform.url}/`);
  await nav.getByRole("link", { name: "Sign in" }).waitFor();
  assert.equal(await nav.getByRole("button", { name: "Sign out" }).count(), 0);
  const me = await context.request.get(`${platform.url}/api/me`);
  assert.equal(me.status(), 401, "the session is over, not just the header");
  await context.close();
});

test("on a phone the header is one row and Menu opens every link; wider screens show the links", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await phone.newPage();
  await page.goto(`${platform.url}/how-it-works/`);
  const nav = page.getByRole("navigation", { name: "Main" });
  const find = nav.getByRole("link", { name: "Find a mentor" });
  const header = await page.locator(".site-header").boundingBox();
  assert.ok(header.height <= 80, `the header is ${header.height} px tall on a 844 px phone`);
  assert.equal(await find.isVisible(), false, "the links wait behind Menu");
  const menu = nav.locator("summary", { hasText: "Menu" });
  await menu.click();
  assert.equal(await nav.locator("details").getAttribute("open"), "");
  for (const name of ["How it works", "Apply", "Find a mentor", "Resources", "My dashboard", "Sign in"]) {
    assert.ok(await nav.getByRole("link", { name }).isVisible(), `${name} shows once Menu is open`);
  }
  // The open menu lies over the page rather than pushing it down.
  const after = await page.locator(".site-header").boundingBox();
  assert.equal(after.height, header.height);
  await find.click();
  await page.waitForURL(/\/mentors\/$/);
  await phone.close();

  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const wide = await desktop.newPage();
  await wide.goto(`${platform.url}/how-it-works/`);
  const wideNav = wide.getByRole("navigation", { name: "Main" });
  assert.ok(await wideNav.getByRole("link", { name: "Find a mentor" }).isVisible());
  assert.equal(await wideNav.locator("summary").isVisible(), false, "no Menu on a wide screen");
  await desktop.close();
});

test("signed in through the pages, an administrator's header shows her links on the very next page", async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${platform.url}/signin/?next=%2Fhow-it-works%2F`);
  await page.locator("#f-email").fill("admin@mo.gov");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.locator("#link-sent").waitFor();
  await page.goto(linkIn(await lastMailTo(platform, "admin@mo.gov"), "/signin/confirm/"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/how-it-works\/$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  assert.equal(await nav.getByRole("link", { name: "Program admin" }).isVisible(), true, "no page had to ask first");
  await page.context().close();
});

test("the header shows each person only the links they can use, from the first paint; their dashboard starts with their own work", async () => {
  const links = async (context) => {
    const page = await context.newPage();
    await page.goto(`${platform.url}/how-it-works/`);
    const nav = page.getByRole("navigation", { name: "Main" });
    const shown = {};
    for (const name of ["Review applications", "Program admin", "My dashboard"]) {
      shown[name] = await nav.getByRole("link", { name }).isVisible();
    }
    await page.close();
    return shown;
  };
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  assert.deepEqual(await links(visitor), { "Review applications": false, "Program admin": false, "My dashboard": true });
  await visitor.close();
  // Once a page has asked who they are (here the dashboard), every page's
  // header follows their roles.
  for (const [email, expected, work] of [
    ["alex.nguyen@mo.gov", { "Review applications": false, "Program admin": false, "My dashboard": true }, null],
    ["maria.okafor@mo.gov", { "Review applications": false, "Program admin": false, "My dashboard": true }, null],
    ["sam.rivera@mo.gov", { "Review applications": true, "Program admin": false, "My dashboard": true }, /applications? (is|are) waiting for your decision as supervisor/],
    ["admin@mo.gov", { "Review applications": false, "Program admin": true, "My dashboard": true }, /Program administration/],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signIn(context, platform, email);
    const board = await context.newPage();
    await board.goto(`${platform.url}/dashboard/`);
    await board.locator("#board").waitFor();
    if (work) {
      const first = board.locator("#board > section").first();
      assert.equal(await first.getAttribute("id"), "work", `${email}: their own work comes first`);
      assert.match(await first.innerText(), work);
    } else {
      assert.equal(await board.locator("#work").isVisible(), false, `${email} has no reviews or administration`);
      // A mentor's requests to answer, a mentee's suggestions and requests, come before their records.
      const first = await board.locator("#board > section:visible").first().getAttribute("id");
      const own = email.startsWith("maria") ? "incoming-section" : "outgoing-section";
      assert.match(first, /^(incoming|suggestions|outgoing)-section$/, `${email}: their requests come first`);
      assert.ok(await board.locator(`#${own}`).isVisible(), `${email}: ${own} is shown`);
    }
    await board.close();
    assert.deepEqual(await links(context), expected, email);
    await context.close();
  }
});

test("the blank mentorship agreement prints as the form alone", async () => {
  const page = await browser.newPage();
  await page.goto(`${platform.url}/resources/agreement/`);
  await page.emulateMedia({ media: "print" });
  for (const hidden of [".site-header", ".site-footer", "h1", ".prose"]) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
  }
  assert.ok(await page.locator(".agreement-form").isVisible());
  assert.match(await page.locator(".agreement-form").innerText(), /Mentee’s signature/);
  await page.close();
});

test("screenshots of home, apply, find a mentor and the dashboard at 360 and 1280 px", async () => {
  mkdirSync(screenshots, { recursive: true });
  const shots = [
    ["home", "/", null],
    ["apply", "/apply/mentee/", "new.applicant@mo.gov"],
    ["find-a-mentor", "/mentors/", "jordan.baker@mo.gov"],
    ["dashboard", "/dashboard/", "alex.nguyen@mo.gov"],
  ];
  const newcomer = await browser.newContext();
  await signIn(newcomer, platform, "new.applicant@mo.gov");
  people["new.applicant@mo.gov"] = newcomer;
  for (const [name, path, email] of shots) {
    for (const width of [PHONE, DESKTOP]) {
      const context = email ? people[email] : await browser.newContext();
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${platform.url}${path}`);
      await page.waitForLoadState("networkidle");
      const file = join(screenshots, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.close();
    }
  }
  console.log(`screenshots in ${screenshots}`);
});
