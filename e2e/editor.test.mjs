// An editor approves a comment, writes and publishes an article with a photo;
// a reader replies through the Reply link and finds the new article.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSite, launch, SEED_PATH, PASSWORD, DESKTOP, PHONE, root } from "./harness.mjs";

let site;
let browser;
before(async () => {
  site = await startSite({ demo: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

async function login(page) {
  await page.goto(site.base + "/admin");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("ed@example.org");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(site.base + "/admin");
}

for (const [name, device] of [["phone", PHONE], ["desktop", DESKTOP]]) test(`an editor approves a comment and a reader replies to it (${name})`, async () => {
  const question = `Which talks on February 24? (${name})`;
  const reader = await browser.newPage(device);
  await reader.goto(site.base + SEED_PATH);
  await reader.getByRole("textbox", { name: "Comment", exact: true }).fill(question);
  await reader.getByRole("textbox", { name: "Name", exact: true }).fill("Quinn");
  await reader.getByRole("textbox", { name: "Email", exact: true }).fill("quinn@example.org");
  await reader.getByRole("button", { name: "Post Comment" }).click();
  await reader.waitForURL(/#comment-\d+$/);

  const editor = await browser.newPage(device);
  await login(editor);
  await editor.goto(site.base + "/admin/comments");
  const item = editor.locator(".queue-item", { hasText: question });
  // Approving answers with the queue again; wait for that navigation, not the current page.
  await Promise.all([editor.waitForURL(/\/admin\/comments\?status=/), item.getByRole("button", { name: /^Approve/ }).click()]);

  const other = await browser.newPage(device);
  await other.goto(site.base + SEED_PATH);
  const approved = other.locator(".comment", { hasText: question }).last();
  await approved.getByRole("link", { name: /^Reply/ }).click();
  // With JavaScript the form moves under the comment.
  assert.match(await other.locator("#reply-title").innerText(), /Reply to Quinn/i);
  const answer = `The Blinken–Lavrov meeting (${name}).`;
  await other.getByRole("textbox", { name: "Comment", exact: true }).fill(answer);
  await other.getByRole("textbox", { name: "Name", exact: true }).fill("Pat");
  await other.getByRole("textbox", { name: "Email", exact: true }).fill("pat@example.org");
  await other.getByRole("button", { name: "Post Comment" }).click();
  await other.waitForURL(/#comment-\d+$/);
  const nested = other.locator(".comment ol.children .comment.pending", { hasText: answer });
  assert.equal(await nested.count(), 1, "the reply sits under its parent");
  await Promise.all([reader.close(), editor.close(), other.close()]);
});

for (const [name, device] of [["phone", PHONE], ["desktop", DESKTOP]]) test(`an editor writes, previews and publishes an article with a photo (${name})`, async () => {
  const headline = `Harbour Ferry Returns After Storm Repairs ${name === "phone" ? "Today" : "Tonight"}`;
  const page = await browser.newPage(device);
  await login(page);
  await page.goto(site.base + "/admin/articles/new");
  await page.getByLabel("Headline", { exact: true }).fill(headline);
  await page.getByLabel(/^Standfirst/).fill("The crossing reopens on Monday.");
  await page.getByLabel(/^Body/).fill("The ferry \"Alder Star\" returns -- at last.\n\nTimetables are unchanged.");
  await page.getByLabel(/^Dateline/).fill("Port Alder");
  await page.getByLabel("Section", { exact: true }).fill("City");
  await page.getByLabel(/^Upload/).setInputFiles(join(root, "..", "shared", "seed", "photo.jpg"));
  await page.getByLabel(/^Alt text/).fill("A ferry at the quay");
  await page.getByLabel("Caption", { exact: true }).fill("The ferry at the harbour quay.");
  await page.getByRole("button", { name: "Preview" }).click();
  assert.match(await page.locator(".preview .body p").first().innerText(), /^PORT ALDER — The ferry “Alder Star” returns — at last\./);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.waitForURL(/saved=published/);

  const reader = await browser.newPage(PHONE);
  await reader.goto(site.base + "/");
  await reader.getByRole("link", { name: headline }).first().click();
  assert.equal((await reader.locator("h1").innerText()).replace(/\s+/g, " "), headline);
  assert.ok(await reader.locator("figure img").evaluate((img) => img.complete && img.naturalWidth > 0));
  await reader.goto(site.base + "/section/city/");
  assert.equal(await reader.getByRole("link", { name: headline }).count(), 1);
  await Promise.all([page.close(), reader.close()]);
});
