// A reader reads the seed article and comments, with JavaScript on and off,
// on a phone and on a desktop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSite, launch, SEED_PATH, PHONE, DESKTOP, artifacts } from "./harness.mjs";

let site;
let browser;
before(async () => {
  site = await startSite();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

for (const [name, device] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  test(`a reader finds and reads the seed article (${name})`, async () => {
    const page = await browser.newPage(device);
    await page.goto(site.base + "/");
    await page.screenshot({ path: join(artifacts, `front-${name}.png`), fullPage: true });
    await page.getByRole("link", { name: /Biden Tentatively Agrees/ }).first().click();
    await page.waitForURL(site.base + SEED_PATH);
    const photo = page.locator("figure.lead-photo img");
    assert.ok(await photo.isVisible());
    assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), "the photo loaded");
    assert.match(await page.locator("figcaption").innerText(), /U\.S\. President Joe Biden and Russian President Vladimir Putin/);
    assert.match(await page.locator("h1").innerText(), /Biden Tentatively Agrees/);
    assert.match(await page.locator(".body p").first().innerText(), /^WASHINGTON — U\.S\. President Joe Biden/);
    assert.equal(await page.locator(".body p").count(), 14);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px too wide)`);
    await page.screenshot({ path: join(artifacts, `article-${name}.png`), fullPage: true });
    await page.screenshot({ path: join(artifacts, `article-${name}-top.png`) });
    await page.close();
  });
}

async function comment(page, body) {
  await page.goto(site.base + SEED_PATH);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(body);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Rita Reader");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(`rita${Math.random().toString(36).slice(2, 8)}@example.org`);
  await page.getByRole("button", { name: "Post Comment" }).click();
  await page.waitForURL(/#comment-\d+$/);
}

for (const [name, device] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  for (const js of [true, false]) {
    test(`a reader comments with JavaScript ${js ? "on" : "off"} and sees it awaiting moderation (${name})`, async () => {
      const context = await browser.newContext({ ...device, javaScriptEnabled: js });
      const page = await context.newPage();
      const body = `Posted with JavaScript ${js ? "on" : "off"} on a ${name}.`;
      await comment(page, body);
      const own = page.locator(".comment.pending", { hasText: body });
      assert.match(await own.locator(".awaiting").innerText(), /Your comment is awaiting moderation\./);
      const stranger = await browser.newPage();
      await stranger.goto(site.base + SEED_PATH);
      assert.equal(await stranger.locator(`text=${body}`).count(), 0, "nobody else sees it");
      await stranger.close();
      await context.close();
    });
  }
}

test("a bad comment keeps the typed text and says what is wrong", async () => {
  const context = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.base + SEED_PATH);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill("My careful thoughts.");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Rita");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("not-an-email");
  await page.getByRole("button", { name: "Post Comment" }).click();
  assert.equal(await page.getByRole("textbox", { name: "Comment", exact: true }).inputValue(), "My careful thoughts.");
  assert.match(await page.locator("#email-error").innerText(), /email address/);
  await context.close();
});
