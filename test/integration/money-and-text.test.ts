import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

// Contract v2, "Verification request": amountMinor in ISO 4217 minor units, digits untouched by locale
// extensions, and no bidi or zero-width control characters from the merchant or the brand in a text.
const INVISIBLE_CONTROLS = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { BRAND_NAME: "\u202EAcme\u200B Bank\u2066" } });
});
afterAll(async () => {
  await h?.stop();
});

async function questionFor(overrides: Record<string, unknown>): Promise<string> {
  const request = verificationRequest(overrides);
  await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const sms = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
  return sms.messageBody;
}

describe("money and text in the question SMS", () => {
  it("reads HUF 12540 as 125.40 forints (ISO 4217 exponent 2), not 12,540", async () => {
    const text = await questionFor({ amountMinor: 12540, currency: "HUF", locale: "en-US" });
    expect(text).toContain("HUF 125.40 ");
    expect(text).not.toContain("12,540");
  });

  it.each([
    ["IQD", 12345, "IQD 12.345"],
    ["COP", 12540, "COP 125.40"],
    ["JPY", 12540, "¥12,540"],
  ])("uses the ISO 4217 exponent for %s", async (currency, amountMinor, shown) => {
    expect(await questionFor({ amountMinor, currency, locale: "en-US" })).toContain(shown);
  });

  it("keeps Latin digits and the ISO exponent whatever the locale's Unicode extensions say", async () => {
    const text = await questionFor({ amountMinor: 12540, currency: "USD", locale: "en-US-u-nu-arab-cu-jpy" });
    expect(text).toContain("$125.40");
  });

  it("removes bidi and zero-width controls from the merchant and the brand", async () => {
    const text = await questionFor({ merchant: "\u202EACME\u200B STORE\u2067 #42\u200F", currency: "USD", amountMinor: 100 });
    expect(text).not.toMatch(INVISIBLE_CONTROLS);
    expect(text).toBe("Acme Bank: Did you attempt $1.00 at ACME STORE #42 with card ending 4242? Reply YES or NO");
  });

  it("takes a merchant and metadata with a lone surrogate (the request's JSON may escape one) as the replacement character", async () => {
    // Sent escaped, as a card system's JSON encoder may: "\ud800" alone is valid JSON but not valid UTF-16.
    const request = verificationRequest({ merchant: "ACME\ud800 STORE", currency: "USD", amountMinor: 100, metadata: { note: "x\udc00" } });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const sms = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    expect(sms.messageBody).toContain("ACME\uFFFD STORE");
    const stored = await h.service.context.store.get(String(request.transactionId));
    expect(stored?.metadata).toEqual({ note: "x\udc00" });
  });
});
