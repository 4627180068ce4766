// Shared by the browser journeys: a fresh local platform per test file (its
// own port and data directory), Debian's chromium, the outbox, axe-core.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

/**
 * Start `moments-local` on a free port; resolves once it prints its address.
 * `env` adds settings (an identity provider's, say).
 */
export async function startPlatform({ demo = false, env = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "moments-e2e-"));
  const bin = process.env.MOMENTS_LOCAL_BIN || join(root, "target", "debug", "moments-local");
  const child = spawn(bin, [], {
    env: { ...process.env, PORT: "0", MOMENTS_DATA_DIR: dataDir, RUST_LOG: "warn", MOMENTS_DEMO: demo ? "1" : "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`moments-local did not start: ${out}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`moments-local exited with ${code}: ${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const found = out.match(/running at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill("SIGINT");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The newest email to `to` in the outbox. */
export async function lastMailTo(platform, to) {
  const res = await fetch(`${platform.url}/_local/outbox.json`);
  const all = await res.json();
  const mail = all.find((m) => m.to === to);
  if (!mail) throw new Error(`no email to ${to}`);
  return mail;
}

/**
 * The newest email to `to` whose subject matches `subject`, waiting for it
 * up to `seconds` (a decision's email leaves once it can no longer be
 * undone, from a timed job).
 */
export async function mailArriving(platform, to, subject, seconds = 30) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const all = await (await fetch(`${platform.url}/_local/outbox.json`)).json();
    const mail = all.find((m) => m.to === to && subject.test(m.subject));
    if (mail) return mail;
    if (Date.now() > until) throw new Error(`no email to ${to} matching ${subject} within ${seconds} s`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * The decision email to `to`, once it has left (10 seconds after the
 * decision): waited for where a scenario reads that person's mail later.
 */
export const decisionMail = (platform, to) =>
  mailArriving(platform, to, /^Your MOments (mentee|mentor) application (is|was not) approved$/);

/**
 * The newest sign-in email to `to`: another (a decision's, sent by a timed
 * job) may have arrived since.
 */
export async function signInMail(platform, to) {
  const all = await (await fetch(`${platform.url}/_local/outbox.json`)).json();
  const mail = all.find((m) => m.to === to && m.text.includes("/signin/confirm/"));
  if (!mail) throw new Error(`no sign-in email to ${to}`);
  return mail;
}

/** The first link in an email whose path starts with `path`. */
export function linkIn(mail, path) {
  const link = mail.text.split(/\s+/).find((w) => w.startsWith("http") && new URL(w).pathname.startsWith(path));
  if (!link) throw new Error(`no ${path} link in "${mail.subject}"`);
  return link;
}

/** The token in a sign-in link's fragment (`/signin/confirm/#token=...`). */
export function tokenIn(link) {
  return new URLSearchParams(new URL(link).hash.slice(1)).get("token");
}

/** Today in the program's time zone, "2027-01-12": meeting dates are checked in it. */
export function programToday() {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Chicago",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/**
 * Sign in the way a person does: on the page that asked, follow its sign-in
 * link, ask for an email, open the emailed link, press "Sign in".
 */
export async function signInFromHere(page, platform, email) {
  const back = new URL(page.url());
  await page.locator("#signin-needed a[data-signin]").click();
  await page.locator("#f-email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.locator("#link-sent").waitFor();
  const link = linkIn(await signInMail(platform, email), "/signin/confirm/");
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === back.pathname && u.search === back.search);
}

/**
 * Sign `context` in as `email` without going through the pages (the
 * journeys do that): ask for a link, take its token from the outbox, and
 * start the session the way the confirm page does. The context's cookies
 * then carry the session for its pages and its `request`.
 */
export async function signIn(context, platform, email) {
  const asked = await fetch(`${platform.url}/api/auth/link`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: platform.url },
    body: JSON.stringify({ email }),
  });
  if (!asked.ok) throw new Error(`sign-in link for ${email}: ${asked.status}`);
  const token = tokenIn(linkIn(await signInMail(platform, email), "/signin/confirm/"));
  await apiOf(context, platform).post("/api/auth/session", { token });
}

/** JSON calls to the API in `context`'s session; a failure throws with the problem. */
export function apiOf(context, platform) {
  const call = async (method, path, data) => {
    const response = await context.request.fetch(`${platform.url}${path}`, {
      method,
      headers: { origin: platform.url },
      ...(data === undefined ? {} : { data }),
    });
    const text = await response.text();
    if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    get: (path) => call("GET", path),
    post: (path, data = {}) => call("POST", path, data),
    put: (path, data) => call("PUT", path, data),
  };
}

/**
 * A program administrator's matching run through the API, as the admin
 * page does it: started, followed while its job works out the lists (the
 * local platform runs matching jobs as soon as they are due), published,
 * followed again. The run, published.
 */
export async function publishMatching(api) {
  const until = async (run, status) => {
    for (let tries = 0; tries < 100; tries += 1) {
      const now = await api.get(`/api/admin/matching/runs/${run.id}`);
      if (now.status === status) return now;
      if (now.status === "failed") throw new Error(`matching run failed: ${JSON.stringify(now)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`matching run ${run.id} never reached ${status}`);
  };
  const ready = await until(await api.post("/api/admin/matching/runs"), "ready");
  await api.post(`/api/admin/matching/runs/${ready.id}/publish`);
  return until(ready, "published");
}

/**
 * The URL path of every page Zola builds from site/content: `_index.md` is
 * its folder's page, any other `name.md` the page `/folders/name/`; drafts
 * and sections with `render = false` have none. New content is found here
 * without listing it anywhere.
 */
export function sitePages() {
  const contentDir = join(root, "site", "content");
  const slug = (name) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  const pages = [];
  const walk = (dir, folders) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        walk(join(dir, entry.name), [...folders, entry.name]);
        continue;
      }
      if (!entry.name.endsWith(".md")) continue;
      const front = readFileSync(join(dir, entry.name), "utf8").split(/^\+\+\+\s*$/m)[1] || "";
      if (/^\s*draft\s*=\s*true/m.test(front) || /^\s*render\s*=\s*false/m.test(front)) continue;
      const parts = entry.name === "_index.md" ? folders : [...folders, slug(entry.name.slice(0, -3))];
      pages.push(parts.length ? `/${parts.join("/")}/` : "/");
    }
  };
  walk(contentDir, []);
  return pages.sort();
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.1 A and AA violations on the page as it is now. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/**
 * Keyboard only: presses Tab until `selector` has the focus (at most 150
 * times), the way someone without a mouse gets to a field.
 */
export async function tabTo(page, selector) {
  for (let i = 0; i < 150; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Keyboard only: moves a focused menu or radio group with the arrow keys until `done()` holds. */
export async function arrowUntil(page, key, done) {
  for (let i = 0; i < 100; i += 1) {
    if (await page.evaluate(done)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached the choice`);
}

/** "2027-01-12" plus `days`, as text. */
export function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** How many pixels the page scrolls sideways on a 390 px phone (0 when it fits). */
export async function sidewaysOverflow(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 900 });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(size);
  return over;
}

/**
 * What a person does in `context` from now on, for the table of steps per
 * task: pages loaded (each full load, in any of its tabs, the first one
 * too) and presses (clicks, by mouse or keyboard). Typing and choosing
 * from a menu are not counted. Call it before the context opens a page.
 */
export async function countSteps(context) {
  const tally = { pages: 0, presses: 0 };
  await context.exposeBinding("__momentsPressed", () => { tally.presses += 1; });
  await context.addInitScript(() => {
    document.addEventListener("click", (event) => { if (event.isTrusted) window.__momentsPressed?.(); }, true);
  });
  const watch = (page) => page.on("domcontentloaded", () => { tally.pages += 1; });
  context.pages().forEach(watch);
  context.on("page", watch);
  return tally;
}

/** "apply as a mentee: 4 pages, 12 presses", for the suite's output. */
export const stepsLine = (task, tally) => `steps ${task}: ${tally.pages} pages, ${tally.presses} presses`;

/** A page of the guided application, by its heading. */
export const applicationPage = (page, heading) => page.getByRole("heading", { level: 2, name: heading, exact: true });

/** Presses Continue on a page of the guided application, and waits for the page `heading`. */
export async function continueTo(page, heading) {
  await page.locator("#submit-application").click();
  await applicationPage(page, heading).waitFor();
}

/**
 * Answers a new application page by page, from "About you" to "Check your
 * answers", and makes its statements there (not sent). `a` holds the answers: names, department (and
 * division), job title, work location, working hours' label, the
 * supervisor's names and address, skills' ids in rank order, bio, and
 * goals for a mentee.
 */
export async function applyThrough(page, a) {
  await applicationPage(page, "About you").waitFor();
  await page.locator("#f-first_name").fill(a.first_name);
  await page.locator("#f-last_name").fill(a.last_name);
  await continueTo(page, "Your work");
  await page.locator("#f-department").selectOption(a.department);
  if (a.division) await page.locator("#f-division").selectOption(a.division);
  await page.locator("#f-job_title").fill(a.job_title);
  await page.locator("#f-work_location").fill(a.work_location);
  await page.getByLabel(a.working_hours ?? "Daytime").check();
  await continueTo(page, "Your supervisor");
  await page.locator("#f-supervisor_first_name").fill(a.supervisor[0]);
  await page.locator("#f-supervisor_last_name").fill(a.supervisor[1]);
  await page.locator("#f-supervisor_email").fill(a.supervisor[2]);
  await continueTo(page, "Your skills");
  for (const [i, skill] of a.skills.entries()) await page.locator(`#f-skills-${i + 1}`).selectOption(skill);
  await continueTo(page, a.goals === undefined ? "What you offer" : "Your goals");
  await page.locator("#f-bio").fill(a.bio);
  if (a.goals !== undefined) await page.locator("#f-goals").fill(a.goals);
  await continueTo(page, "Check your answers");
  for (const name of ["full_time", "not_at_risk", "no_disciplinary_action", "agreement"]) {
    await page.locator(`#f-${name}`).check();
  }
}
