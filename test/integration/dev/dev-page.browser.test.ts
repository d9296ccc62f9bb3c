import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "../../../dev/browser/chromium.ts";
import {
  collectPageErrors,
  handset,
  openDevPage,
  pendingItem,
  replyFrom,
  submitRequest,
  switchCarrier,
  waitForDecision,
  waitForDelivery,
  waitForTexts,
} from "../../../dev/browser/dev-page.ts";
import { startLocalSystem, type LocalSystem } from "../../../dev/local-system.ts";
import { publishedDecisionEvent } from "../../support/decision-event-contract.ts";

const SCREENSHOT = "test-output/dev-page.png";
const missing = chromiumMissing();
/**
 * Under CI=true the browser test must run: a missing Chromium fails it. Elsewhere (a developer
 * machine without Chromium) it is skipped, and the skip says why and how to run it.
 */
const mustRun = process.env.CI === "true";

let system: LocalSystem;
let browser: Browser;

beforeAll(async () => {
  if (missing) return;
  system = await startLocalSystem({ port: 0, logLevel: "silent" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

function skipWithoutChromium(skip: (note: string) => never): void {
  if (missing === undefined) return;
  if (mustRun) throw new Error(`CI=true requires the browser test: ${missing}`);
  console.warn(`dev page browser test skipped: ${missing}`);
  skip(`${missing} (CI=true runs it and fails without it)`);
}

describe("the dev page in headless Chromium", () => {
  it("submits a request, replies YES from the handset and shows the APPROVED decision, with no console errors", { timeout: 60_000 }, async ({ skip }) => {
    skipWithoutChromium(skip);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(page);
    await openDevPage(page, system.url);
    const phone = "+14255550182";

    const transactionId = await submitRequest(page, { phoneNumber: phone, amount: "125.40", merchant: "ACME STORE #42" });
    const texts = await waitForTexts(page, phone, 1);
    expect(await texts.first().textContent()).toContain("$125.40 at ACME STORE #42");
    await pendingItem(page, transactionId).waitFor();

    await replyFrom(page, phone, "YES");
    const decision = await waitForDecision(page, transactionId, "APPROVED");
    expect(await decision.locator(".decision-sub").textContent()).toContain("answer YES · correlated by previousPublishedMessageId");
    await pendingItem(page, transactionId).waitFor({ state: "detached" });
    await waitForTexts(page, phone, 2); // the confirmation
    expect(await handset(page, phone).locator(".meta.in pre").textContent()).toContain('"previousPublishedMessageId"');

    // What the page shows came through the real path: the decisions topic's queue.
    expect(system.decisions.decisions.map((d) => [d.event.transactionId, d.event.decision])).toContainEqual([transactionId, "APPROVED"]);
    for (const received of system.decisions.decisions) publishedDecisionEvent(received.event, received.attributes);

    mkdirSync("test-output", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, animations: "disabled" });
    expect(errors).toEqual([]);
    await page.close();
  });
  it("switches a handset's carrier to unreachable: its next text shows failed and the verification UNDELIVERABLE", { timeout: 60_000 }, async ({ skip }) => {
    skipWithoutChromium(skip);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectPageErrors(page);
    await openDevPage(page, system.url);
    const phone = "+14255550187";

    const delivered = await submitRequest(page, { phoneNumber: phone, merchant: "BOOK NOOK" });
    const first = await system.sandbox.waitForSms((sms) => sms.context?.["transactionId"] === delivered);
    await waitForDelivery(page, first.messageId, "delivered");

    await switchCarrier(page, phone, "unreachable");
    expect(system.sandbox.handsetReachability(phone)).toBe("unreachable");
    const failed = await submitRequest(page, { phoneNumber: phone, merchant: "NIGHT OWL ELECTRONICS" });
    const second = await system.sandbox.waitForSms((sms) => sms.context?.["transactionId"] === failed);
    const badge = await waitForDelivery(page, second.messageId, "failed");
    expect(await badge.textContent()).toBe("failed: TEXT_CARRIER_UNREACHABLE");

    const decision = await waitForDecision(page, failed, "UNDELIVERABLE");
    const failure = system.sandbox.deliveryEvents.find((event) => event.messageId === second.messageId && event.isFinal);
    const published = system.decisions.decisions.find((d) => d.event.transactionId === failed);
    expect(Date.parse(published?.event.decidedAt ?? "") - (failure?.eventTimestamp ?? Number.NaN)).toBeLessThan(5_000);
    expect(await decision.locator(".decision-sub").textContent()).toContain("no reply · TEXT_CARRIER_UNREACHABLE · question failed");
    // The question that did arrive is still waiting for its answer, and still shows delivered.
    await pendingItem(page, failed).waitFor({ state: "detached" });
    await pendingItem(page, delivered).waitFor();
    await waitForDelivery(page, first.messageId, "delivered");

    // A reload rebuilds the same view from the snapshot.
    await openDevPage(page, system.url);
    expect(await handset(page, phone).locator('select[name="reachability"]').inputValue()).toBe("unreachable");
    await waitForDelivery(page, second.messageId, "failed");

    await switchCarrier(page, phone, "reachable");
    expect(system.sandbox.handsetReachability(phone)).toBe("reachable");
    expect(errors).toEqual([]);
    await page.close();
  });
});
