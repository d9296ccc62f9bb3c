// Drives the dev page as a person would (the browser test and the README screenshot use it).
import type { Locator, Page } from "playwright-core";

const WAIT_MS = 15_000;

export interface RequestFields {
  phoneNumber: string;
  amount?: string;
  currency?: string;
  merchant?: string;
  cardLast4?: string;
  expiresInSeconds?: string;
}

/** Collects console errors and uncaught page errors from the moment it is called. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

export async function openDevPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: WAIT_MS });
}

/** Fills and submits the new-request form; resolves to the transaction id the page reports. */
export async function submitRequest(page: Page, fields: RequestFields): Promise<string> {
  const form = page.locator("#request-form");
  await form.locator('[name="phoneNumber"]').fill(fields.phoneNumber);
  if (fields.amount) await form.locator('[name="amount"]').fill(fields.amount);
  if (fields.currency) await form.locator('[name="currency"]').selectOption(fields.currency);
  if (fields.merchant) await form.locator('[name="merchant"]').fill(fields.merchant);
  if (fields.cardLast4) await form.locator('[name="cardLast4"]').fill(fields.cardLast4);
  if (fields.expiresInSeconds) await form.locator('[name="expiresInSeconds"]').fill(fields.expiresInSeconds);
  const status = page.locator("#form-status");
  const before = (await status.textContent()) ?? "";
  await form.locator('button[type="submit"]').click();
  // Every submission is reported with its own transaction id, so a new report differs from the last.
  const reported = page.locator('#form-status[data-kind="ok"]', before ? { hasNotText: before } : {});
  await reported.waitFor({ timeout: WAIT_MS }).catch(async (error: unknown) => {
    throw new Error(`the form reported no queued request: ${(await status.textContent()) ?? ""}`, { cause: error });
  });
  const text = (await status.textContent()) ?? "";
  const transactionId = /Queued (\S+)/.exec(text)?.[1];
  if (!transactionId) throw new Error(`the form did not report a transaction id: ${text}`);
  return transactionId;
}

export function handset(page: Page, phoneNumber: string): Locator {
  return page.locator(`article.handset[data-handset="${phoneNumber}"]`);
}

/** Waits until the handset shows `count` messages from the service. */
export async function waitForTexts(page: Page, phoneNumber: string, count: number): Promise<Locator> {
  const bubbles = handset(page, phoneNumber).locator(".bubble.out");
  await bubbles.nth(count - 1).waitFor({ timeout: WAIT_MS });
  return bubbles;
}

export async function replyFrom(page: Page, phoneNumber: string, body: string): Promise<void> {
  const card = handset(page, phoneNumber);
  const replies = card.locator(".bubble.in");
  const before = await replies.count();
  await card.locator('input[name="body"]').fill(body);
  await card.locator('form.reply button[type="submit"]').click();
  await replies.nth(before).waitFor({ timeout: WAIT_MS });
}

export async function waitForDecision(page: Page, transactionId: string, decision: string): Promise<Locator> {
  const card = page.locator(`li.decision[data-transaction-id="${transactionId}"][data-decision="${decision}"]`);
  await card.waitFor({ timeout: WAIT_MS });
  return card;
}

export function pendingItem(page: Page, transactionId: string): Locator {
  return page.locator(`#pending li[data-transaction-id="${transactionId}"]`);
}

/** Switches the handset's carrier on its card ("reachable", "unreachable" or "blocked") and waits for the page to confirm it. */
export async function switchCarrier(page: Page, phoneNumber: string, reachability: string): Promise<void> {
  const card = handset(page, phoneNumber);
  await card.locator('select[name="reachability"]').selectOption(reachability);
  await page.locator(`article.handset[data-handset="${phoneNumber}"][data-reachability="${reachability}"]`).waitFor({ timeout: WAIT_MS });
}

/** Waits until the text with this MessageId shows the delivery state ("sent", "pending", "delivered", "failed"). */
export async function waitForDelivery(page: Page, messageId: string, state: string): Promise<Locator> {
  const badge = page.locator(`.delivery[data-message-id="${messageId}"][data-delivery="${state}"]`);
  await badge.waitFor({ timeout: WAIT_MS });
  return badge;
}
