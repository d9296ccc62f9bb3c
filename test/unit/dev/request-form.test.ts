import { describe, expect, it } from "vitest";
import { requestFromForm, RequestFormError } from "../../../dev/request-form.ts";

const form = {
  phoneNumber: "+1 (425) 555-0182",
  amount: "125.40",
  currency: "usd",
  merchant: " ACME STORE #42 ",
  cardLast4: "4242",
  expiresInSeconds: "600",
  locale: "en-US",
  transactionId: "",
};

describe("requestFromForm", () => {
  it("turns the form into a contract request, amounts in minor units", () => {
    expect(requestFromForm(form)).toEqual({
      type: "verification.requested",
      transactionId: expect.stringMatching(/^txn-[0-9a-f]{8}$/) as string,
      phoneNumber: "+14255550182",
      amountMinor: 12540,
      currency: "USD",
      merchant: "ACME STORE #42",
      cardLast4: "4242",
      expiresInSeconds: 600,
      locale: "en-US",
      metadata: { source: "dev-page" },
    });
  });

  it("uses the currency's own minor unit", () => {
    expect(requestFromForm({ ...form, amount: "1500", currency: "JPY" }).amountMinor).toBe(1500);
    expect(requestFromForm({ ...form, amount: "12.5", currency: "EUR" }).amountMinor).toBe(1250);
    expect(requestFromForm({ ...form, amount: "1.234", currency: "BHD" }).amountMinor).toBe(1234);
    expect(requestFromForm({ ...form, amount: "125.40", currency: "HUF" }).amountMinor).toBe(12540); // ISO 4217, not CLDR's 0
  });

  it("keeps a given transaction id and leaves optional fields out when empty", () => {
    const request = requestFromForm({ ...form, transactionId: "txn-given", expiresInSeconds: "", locale: "" });
    expect(request.transactionId).toBe("txn-given");
    expect(request).not.toHaveProperty("expiresInSeconds");
    expect(request).not.toHaveProperty("locale");
  });

  it.each([
    [{ amount: "12.345" }, /^amount: USD has 2 decimal places/],
    [{ amount: "ten" }, /^amount: must be a number/],
    [{ amount: "1.5", currency: "JPY" }, /^amount: JPY has 0 decimal places/],
    [{ currency: "XX" }, /^currency: /],
    [{ phoneNumber: "0425 555 0182" }, /^phoneNumber: must be an E\.164 phone number/],
    [{ cardLast4: "42" }, /^cardLast4: /],
    [{ expiresInSeconds: "10" }, /^expiresInSeconds: /],
    [{ merchant: "" }, /^merchant: /],
    [{ transactionId: "has spaces" }, /^transactionId: /],
  ])("refuses %o with a message naming the field", (override, message) => {
    expect(() => requestFromForm({ ...form, ...override })).toThrow(RequestFormError);
    expect(() => requestFromForm({ ...form, ...override })).toThrow(message);
  });
});
