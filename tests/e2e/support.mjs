// Shared by the browser journeys: a fresh local platform per test file (its
// own port and data directory), Debian's chromium, the outbox, axe-core.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

/** Start `moments-local` on a free port; resolves once it prints its address. */
export async function startPlatform({ demo = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "moments-e2e-"));
  const bin = process.env.MOMENTS_LOCAL_BIN || join(root, "target", "debug", "moments-local");
  const child = spawn(bin, [], {
    env: { ...process.env, PORT: "0", MOMENTS_DATA_DIR: dataDir, RUST_LOG: "warn", MOMENTS_DEMO: demo ? "1" : "" },
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

/** The first link in an email whose path starts with `path`. */
export function linkIn(mail, path) {
  const link = mail.text.split(/\s+/).find((w) => w.startsWith("http") && new URL(w).pathname.startsWith(path));
  if (!link) throw new Error(`no ${path} link in "${mail.subject}"`);
  return link;
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
  const link = linkIn(await lastMailTo(platform, email), "/signin/confirm/");
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === back.pathname && u.search === back.search);
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
