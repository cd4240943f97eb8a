// Accessibility: axe-core with the WCAG 2.1 A and AA rules on every kind of
// page people use, and the whole comment path done with the keyboard alone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSite, launch, SEED_PATH, PASSWORD, DESKTOP, PHONE, axe, describe } from "./harness.mjs";


let site;
let browser;
before(async () => {
  site = await startSite();
  browser = await launch();
  // An approved thread and one pending comment, so every comment state is on the pages.
  const page = await browser.newPage();
  for (const [name, body] of [["Ann", "Where will they meet?"], ["Bob", "Still waiting for moderation."]]) {
    await page.goto(site.base + SEED_PATH);
    await page.getByRole("textbox", { name: "Comment", exact: true }).fill(body);
    await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
    await page.getByRole("textbox", { name: "Email", exact: true }).fill(`${name.toLowerCase()}@example.org`);
    await page.getByRole("button", { name: "Post Comment" }).click();
    await page.waitForURL(/#comment-\d+$/);
  }
  const { comments } = await site.api("GET", "/comments?status=pending");
  const ann = comments.find((c) => c.author_name === "Ann");
  await site.api("PATCH", `/comments/${ann.id}`, { status: "approved" });
  await page.close();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

const PUBLIC = [["front page", "/"], ["article with comments", SEED_PATH], ["section", "/section/world/"], ["tag", "/tag/ukraine/"], ["search results", "/search?q=Biden+summit"], ["search with no results", "/search?q=Genva"], ["person", "/people/vladimir-putin/"], ["timeline", "/timeline/vladimir-putin/"], ["404", "/no-such-page/"]];
const ADMIN = [["admin login", null], ["admin editor", "/admin/articles/new"], ["moderation queue", "/admin/comments"], ["admin article list", "/admin"], ["entity review", "/admin/articles/1/entities"]];

for (const [device, options] of [["phone", PHONE], ["desktop", DESKTOP]]) {
  for (const scheme of ["light", "dark"]) {
    test(`public pages pass axe (${device}, ${scheme})`, async () => {
      const context = await browser.newContext({ ...options, bypassCSP: true, colorScheme: scheme });
      const page = await context.newPage();
      for (const [name, path] of PUBLIC) {
        await page.goto(site.base + path);
        const result = await axe(page);
        assert.equal(result.violations.length, 0, `${name}:\n${describe(result.violations)}`);
      }
      await context.close();
    });
  }
}

test("admin pages pass axe", async () => {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ ...DESKTOP, bypassCSP: true, colorScheme: scheme });
    const page = await context.newPage();
    for (const [name, path] of ADMIN) {
      if (path === null) {
        await page.goto(site.base + "/admin/login");
      } else {
        await page.goto(site.base + path);
      }
      const result = await axe(page);
      assert.equal(result.violations.length, 0, `${name} (${scheme}):\n${describe(result.violations)}`);
      if (path === null) {
        await page.getByLabel("Email").fill("ed@example.org");
        await page.getByLabel("Password").fill(PASSWORD);
        await page.getByRole("button", { name: "Log in" }).click();
        await page.waitForURL(/\/admin$/);
      }
    }
    await context.close();
  }
});

async function focusedStyle(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { tag: el.tagName, text: (el.textContent || el.getAttribute("name") || "").trim().slice(0, 40), outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
  });
}

async function tabUntil(page, predicate, limit = 200) {
  const visited = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const f = await focusedStyle(page);
    visited.push(`${f.tag} "${f.text}"`);
    assert.notEqual(f.tag, "BODY", `the element was never reached; focus went through: ${visited.join(", ")}`);
    assert.ok((f.outline !== "none" && f.width >= 2) || f.shadow !== "none", `focus is visible on ${f.tag} "${f.text}"`);
    if (await page.evaluate(predicate)) return;
  }
  throw new Error("never reached the element with the keyboard");
}

test("a reader comments and replies with the keyboard alone, always seeing the focus", async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(site.base + SEED_PATH);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Skip to content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  // Reply to Ann's approved comment: reach its Reply link, press Enter.
  await tabUntil(page, () => document.activeElement.classList.contains("reply-link"));
  await page.keyboard.press("Enter");
  // The reply form opens under the comment with the focus in its text box.
  assert.equal(await page.evaluate(() => document.activeElement.id), "comment-body");
  await page.keyboard.type("Typed with the keyboard only.");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Kim");
  await page.keyboard.press("Tab");
  await page.keyboard.type("kim@example.org");
  await tabUntil(page, () => document.activeElement.textContent.trim() === "Post Comment");
  await page.keyboard.press("Enter");
  await page.waitForURL(/#comment-\d+$/);
  const mine = page.locator(".comment.pending", { hasText: "Typed with the keyboard only." });
  assert.match(await mine.locator(".awaiting").innerText(), /awaiting moderation/);
  assert.equal(await page.locator(".comment ol.children .comment.pending", { hasText: "Typed with the keyboard only." }).count(), 1);
  await context.close();
});

test("copy link and the share links carry the article's address", async () => {
  const context = await browser.newContext({ ...DESKTOP, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await page.goto(site.base + SEED_PATH);
  const canonical = await page.locator("link[rel=canonical]").getAttribute("href");
  const hrefs = await page.locator(".share-links a").evaluateAll((as) => as.map((a) => a.href));
  assert.equal(hrefs.length, 9);
  for (const h of hrefs) {
    assert.ok(decodeURIComponent(h).includes(canonical), `${h} names the article`);
  }
  await page.getByRole("button", { name: "Copy link" }).click();
  // The clipboard answers asynchronously: wait for the status, then read it.
  await page.locator(".copy-status", { hasText: /./ }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator(".copy-status").innerText(), "Link copied.");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), canonical);
  // The Mastodon link leads to our own page, which asks for the reader's server.
  await page.getByRole("link", { name: "Mastodon" }).click();
  await page.getByLabel("Your Mastodon server").fill("mastodon.example");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().startsWith("https://mastodon.example/share?text=")),
    page.getByRole("button", { name: "Continue to Mastodon" }).click(),
  ]);
  assert.ok(decodeURIComponent(request.url()).includes(canonical));
  await context.close();
});

test("an editor logs in, moderates and publishes with the keyboard alone", async () => {
  // A fresh pending comment for the queue.
  const reader = await browser.newPage();
  await reader.goto(site.base + SEED_PATH);
  await reader.getByRole("textbox", { name: "Comment", exact: true }).fill("Please moderate me by keyboard.");
  await reader.getByRole("textbox", { name: "Name", exact: true }).fill("Lee");
  await reader.getByRole("textbox", { name: "Email", exact: true }).fill("lee@example.org");
  await reader.getByRole("button", { name: "Post Comment" }).click();
  await reader.waitForURL(/#comment-\d+$/);
  await reader.close();

  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(site.base + "/admin/login");
  await tabUntil(page, () => document.activeElement.id === "email");
  await page.keyboard.type("ed@example.org");
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/admin$/);

  // The queue: j focuses the first comment, a approves it.
  await page.goto(site.base + "/admin/comments");
  const first = page.locator(".queue-item").first();
  const text = await first.locator(".comment-body").innerText();
  await page.keyboard.press("j");
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains("queue-item")), true);
  const f = await focusedStyle(page);
  assert.ok(f.outline !== "none", "the focused comment shows its focus");
  // The shortcut submits the approve form; wait for the queue to come back.
  await Promise.all([page.waitForURL(/\/admin\/comments\?status=pending/), page.keyboard.press("a")]);
  const { comments } = await site.api("GET", "/comments?status=approved");
  assert.ok(comments.some((c) => text.includes(c.body)), "the comment was approved from the keyboard");

  // The editor: type an article and publish it without the mouse.
  await page.goto(site.base + "/admin/articles/new");
  await tabUntil(page, () => document.activeElement.id === "headline");
  await page.keyboard.type("Keyboard Desk Files Its First Story");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Written without a mouse.");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Every field was reached with Tab.");
  await tabUntil(page, () => document.activeElement.value === "publish");
  await page.keyboard.press("Enter");
  await page.waitForURL(/saved=published/);
  await page.goto(site.base + "/");
  assert.equal(await page.getByRole("link", { name: /Keyboard Desk Files Its First Story/ }).count() > 0, true);

  // Copy link from the keyboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(site.base + SEED_PATH);
  await tabUntil(page, () => document.activeElement.classList.contains("copy-link"));
  await page.keyboard.press("Enter");
  // The clipboard answers asynchronously: wait for the status, then read it.
  await page.locator(".copy-status", { hasText: /./ }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator(".copy-status").innerText(), "Link copied.");
  await context.close();
});
