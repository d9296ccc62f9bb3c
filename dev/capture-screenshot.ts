// `npm run dev:screenshot`: the README's picture of the dev page, taken after a few requests and
// replies made through the page itself. Writes docs/dev-page.png (or the path given).
import { launchChromium } from "./browser/chromium.ts";
import {
  collectPageErrors,
  openDevPage,
  replyFrom,
  submitRequest,
  switchCarrier,
  waitForDecision,
  waitForDelivery,
  waitForTexts,
} from "./browser/dev-page.ts";
import { startLocalSystem } from "./local-system.ts";

const output = process.argv[2] ?? "docs/dev-page.png";
const system = await startLocalSystem({ port: 0, logLevel: "silent" });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 980 }, deviceScaleFactor: 1 });
  const errors = collectPageErrors(page);
  await openDevPage(page, system.url);

  const traveller = "+14255550133";
  await submitRequest(page, { phoneNumber: traveller, amount: "899.00", currency: "EUR", merchant: "NIGHT OWL ELECTRONICS", cardLast4: "0005" });
  await waitForTexts(page, traveller, 1);
  await submitRequest(page, { phoneNumber: traveller, amount: "18.50", currency: "GBP", merchant: "CITY TAXI", cardLast4: "0005", expiresInSeconds: "300" });
  await waitForTexts(page, traveller, 2);
  await page.locator("#pending li").nth(1).locator(".code").waitFor();

  // A handset whose carrier is switched to unreachable: its next question fails, UNDELIVERABLE.
  const unreachable = "+14255550158";
  const first = await submitRequest(page, { phoneNumber: unreachable, amount: "42.00", merchant: "BOOK NOOK", cardLast4: "7731" });
  await waitForDelivery(page, (await system.sandbox.waitForSms((sms) => sms.context?.["transactionId"] === first)).messageId, "delivered");
  await replyFrom(page, unreachable, "YES");
  await waitForDecision(page, first, "APPROVED");
  await switchCarrier(page, unreachable, "unreachable");
  const failed = await submitRequest(page, { phoneNumber: unreachable, amount: "310.00", merchant: "FUEL STOP 7", cardLast4: "7731" });
  await waitForDecision(page, failed, "UNDELIVERABLE");

  const stopper = "+14255550147";
  const stopped = await submitRequest(page, { phoneNumber: stopper, amount: "64.99", currency: "USD", merchant: "GADGET HUB", cardLast4: "1881", expiresInSeconds: "600" });
  await waitForTexts(page, stopper, 1);
  await replyFrom(page, stopper, "STOP");
  await waitForDecision(page, stopped, "OPTED_OUT");

  const cardholder = "+14255550182";
  const approved = await submitRequest(page, { phoneNumber: cardholder, amount: "125.40", merchant: "ACME STORE #42", cardLast4: "4242" });
  await waitForTexts(page, cardholder, 1);
  await replyFrom(page, cardholder, "Yes");
  const decision = await waitForDecision(page, approved, "APPROVED");
  await waitForTexts(page, cardholder, 2);
  await decision.locator("summary").click();
  await page.locator("#request-form [name=merchant]").focus();
  await page.locator("#request-form [name=merchant]").blur();
  // Clicking scrolled the columns; the picture shows each from its top.
  await page.evaluate("document.querySelectorAll('main .col').forEach((column) => column.scrollTo(0, 0))");

  await page.screenshot({ path: output, animations: "disabled" });
  if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join("; ")}`);
  process.stdout.write(`wrote ${output}\n`);
} finally {
  await browser.close();
  await system.stop();
}
