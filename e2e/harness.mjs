// Starts the real `dateline` binary on a free port with a temporary data
// folder (the seed article imported, plus the demo site) and Debian's Chromium.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "..");
export const seed = resolve(root, "..", "shared", "seed", "article.md");
export const bin = process.env.DATELINE_BIN || join(root, "target", "debug", "dateline");
export const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

export const SEED_PATH = "/2022/02/20/biden-tentatively-agrees-to-summit-with-putin/";
export const PASSWORD = "a long enough password";

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

/** Starts a site; returns { base, stop, data }. */
export async function startSite({ demo = true } = {}) {
  const data = mkdtempSync(join(tmpdir(), "dateline-e2e-"));
  const env = {
    ...process.env,
    DATELINE_SITE__TIMEZONE: "America/New_York",
    DATELINE_COMMENTS__MIN_SECONDS: "0",
  };
  execFileSync(bin, ["--data", data, "import", "markdown", seed], { env, stdio: "ignore" });
  execFileSync(bin, ["--data", data, "user", "add", "--email", "ed@example.org", "--name", "Eda Editor", "--role", "editor", "--password-stdin"], {
    env,
    input: PASSWORD + "\n",
    stdio: ["pipe", "ignore", "ignore"],
  });
  const token = execFileSync(bin, ["--data", data, "token", "create", "--email", "ed@example.org"], {
    env,
    stdio: ["ignore", "pipe", "ignore"],
  }).toString().trim();
  const port = await freePort();
  const args = ["--data", data, "serve", "--listen", `127.0.0.1:${port}`];
  if (!demo) args.push("--no-demo");
  const child = spawn(bin, args, { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    data,
    token,
    /** Calls the JSON API as the editor. */
    async api(method, path, body) {
      const r = await fetch(base + "/api/v1" + path, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? null : r.json();
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium headless. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// Runs axe-core with the WCAG 2.1 A and AA rules on the page as it is now.
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
}

// Says what axe found, a few elements per rule.
export function describe(violations) {
  return violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n  ")}`).join("\n");
}
