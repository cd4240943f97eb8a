// Live coverage in real browsers: an editor posts from the live desk with
// the keyboard (Ctrl+Enter) and an open reader page gets the entry without a
// reload, behind a "new updates" button that screen readers hear; with
// JavaScript off the page still shows every entry after a reload; axe finds
// nothing on the live page and the desk.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, launch, PASSWORD, DESKTOP, PHONE, axe, describe } from "./harness.mjs";


let site;
let browser;
let story;
let path;
before(async () => {
  site = await startSite({ demo: false });
  browser = await launch();
  story = await site.api("POST", "/articles", {
    headline: "Storm Closes the Harbour",
    body: "Port Alder's harbour closed at noon as the storm arrived.",
    section: "City",
    dateline: "PORT ALDER",
    status: "published",
  });
  await site.api("PUT", `/articles/${story.id}/live`, { state: "live" });
  await site.api("POST", `/articles/${story.id}/entries`, { body: "Wind gusts reach 90 km/h at the pier.", pinned: true, headline: "Gusts at the pier" });
  path = new URL(story.url).pathname;
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

async function login(page) {
  await page.goto(site.base + "/admin/login");
  await page.getByLabel("Email").fill("ed@example.org");
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/admin$/), page.keyboard.press("Enter")]);
}

test("an entry posted from the desk reaches an open page without a reload", async () => {
  const readerContext = await browser.newContext(PHONE);
  const reader = await readerContext.newPage();
  await reader.goto(site.base + path);
  assert.equal(await reader.locator(".live-entries .entry").count(), 1);
  // Let the page open its stream before the entry is posted.
  await reader.waitForTimeout(300);

  const deskContext = await browser.newContext(DESKTOP);
  const desk = await deskContext.newPage();
  await login(desk);
  await desk.goto(`${site.base}/admin/articles/${story.id}/live`);
  // The box has the focus: type and post with Ctrl+Enter, no mouse.
  assert.equal(await desk.evaluate(() => document.activeElement.id), "entry-body");
  await desk.keyboard.type("Ferries to the islands are cancelled for the night.");
  const sent = Date.now();
  await Promise.all([desk.waitForURL(/posted=\d+/), desk.keyboard.press("Control+Enter")]);

  // The reader: a button says an update arrived, the text did not move, a screen reader hears it.
  const button = reader.locator(".live-show");
  await button.waitFor({ state: "visible", timeout: 5000 });
  console.log(`entry on the open page ${Date.now() - sent} ms after Ctrl+Enter`);
  assert.equal(await button.innerText(), "1 new update");
  assert.equal(await reader.locator(".live-entries .entry").count(), 1, "nothing moves under the reader's eyes");
  await reader.waitForFunction(() => document.querySelector(".live-announce").textContent === "1 new update");
  await button.click();
  assert.equal(await reader.locator(".live-entries .entry").count(), 2);
  assert.match(await reader.locator(".live-entries .entry").first().innerText(), /Ferries to the islands/);
  assert.equal(await reader.evaluate(() => document.activeElement.closest(".entry") !== null), true, "the focus moves to the new entry");
  assert.equal(await reader.locator(".live-new").isHidden(), true);

  // An edit on the desk replaces the entry where it stands.
  const entry = (await site.api("GET", `/articles/${story.id}/entries`)).entries[0];
  await site.api("PATCH", `/articles/${story.id}/entries/${entry.id}`, { body: "Ferries to the islands are cancelled until morning." });
  await reader.locator(`#entry-${entry.id}`).getByText("until morning").waitFor({ timeout: 5000 });
  assert.equal(await reader.locator(`#entry-${entry.id} .entry-updated`).count(), 1);

  // Ending the coverage: the page says so.
  await site.api("PUT", `/articles/${story.id}/live`, { state: "ended" });
  await reader.waitForFunction(() => document.getElementById("live-title").textContent === "Live coverage has ended", null, { timeout: 5000 });
  await site.api("PUT", `/articles/${story.id}/live`, { state: "live" });
  await readerContext.close();
  await deskContext.close();
});

test("with JavaScript off the live page shows every entry and a reload shows new ones", async () => {
  const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.base + path);
  const before = await page.locator(".live-entries .entry").count();
  assert.ok(before >= 1);
  assert.equal(await page.locator(".live-new").isHidden(), true, "no button without the script");
  await site.api("POST", `/articles/${story.id}/entries`, { body: "Power is back in the old town." });
  await page.reload();
  assert.equal(await page.locator(".live-entries .entry").count(), before + 1);
  assert.match(await page.locator(".live-entries .entry").first().innerText(), /Power is back/);
  assert.equal(await page.locator(".key-events a").count(), 1);
  await context.close();
});

test("the breaking-news banner appears on an open live page and on every other page", async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(site.base + path);
  await page.waitForTimeout(300);
  await site.api("PUT", "/banner", { text: "Bridge closed to all traffic", url: path });
  await page.locator("#breaking .breaking a").waitFor({ timeout: 5000 });
  assert.equal(await page.locator("#breaking .breaking a").innerText(), "Bridge closed to all traffic");
  const other = await context.newPage();
  await other.goto(site.base + "/");
  assert.equal(await other.locator("#breaking .breaking a").getAttribute("href"), path);
  await site.api("DELETE", "/banner");
  await page.waitForFunction(() => document.getElementById("breaking").textContent.trim() === "", null, { timeout: 5000 });
  await other.reload();
  assert.equal(await other.locator("#breaking .breaking").count(), 0);
  await context.close();
});

test("the live page and the desk pass axe", async () => {
  await site.api("PUT", "/banner", { text: "Storm warning for the whole coast", url: path });
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ ...PHONE, bypassCSP: true, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(site.base + path);
    let result = await axe(page);
    assert.equal(result.violations.length, 0, `live page (${scheme}):\n${describe(result.violations)}`);
    // With the "new updates" button showing.
    await site.api("POST", `/articles/${story.id}/entries`, { body: `Still raining (${scheme}).` });
    await page.locator(".live-show").waitFor({ state: "visible", timeout: 5000 });
    result = await axe(page);
    assert.equal(result.violations.length, 0, `live page with new updates (${scheme}):\n${describe(result.violations)}`);
    await login(page);
    await page.goto(`${site.base}/admin/articles/${story.id}/live`);
    result = await axe(page);
    assert.equal(result.violations.length, 0, `live desk (${scheme}):\n${describe(result.violations)}`);
    await page.goto(`${site.base}/admin/settings`);
    result = await axe(page);
    assert.equal(result.violations.length, 0, `settings with the banner form (${scheme}):\n${describe(result.violations)}`);
    await context.close();
  }
  await site.api("DELETE", "/banner");
});
