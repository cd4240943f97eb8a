// Lighthouse (pinned 12.2.3) on the article page, mobile: accessibility, best
// practices and SEO must score 100, performance at least 95.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { startSite, SEED_PATH, artifacts } from "./harness.mjs";

let site;
let chrome;
before(async () => {
  site = await startSite();
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => {
  await chrome?.kill();
  await site?.stop();
});

test("the article page scores 100/100/100 and at least 95 for performance on mobile", async () => {
  const result = await lighthouse(site.base + SEED_PATH, {
    port: chrome.port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
  });
  const lhr = result.lhr;
  writeFileSync(join(artifacts, "lighthouse-article.json"), result.report);
  const scores = Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
  writeFileSync(join(artifacts, "lighthouse-scores.json"), JSON.stringify(scores, null, 2));
  console.log("Lighthouse (mobile, article page):", JSON.stringify(scores));
  const failing = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual")
    .map((a) => `${a.id}: ${a.title} (${a.displayValue || a.score})`);
  const detail = failing.join("\n");
  assert.equal(scores.accessibility, 100, detail);
  assert.equal(scores["best-practices"], 100, detail);
  assert.equal(scores.seo, 100, detail);
  assert.ok(scores.performance >= 95, `performance ${scores.performance}\n${detail}`);
});
