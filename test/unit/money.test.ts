import { describe, it, expect } from "vitest";
import { formatAmount, isIso4217Currency, minorUnitDigits } from "../../src/domain/money.ts";

const MAX_AMOUNT = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describe("minorUnitDigits", () => {
  it("follows the currency's minor unit", () => {
    expect(minorUnitDigits("USD")).toBe(2);
    expect(minorUnitDigits("EUR")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("BHD")).toBe(3);
  });

  it.each([
    ["HUF", 2], ["IDR", 2], ["COP", 2], ["IQD", 3], ["KWD", 3], ["JPY", 0], ["CLP", 0],
    ["AFN", 2], ["ALL", 2], ["IRR", 2], ["LAK", 2], ["LBP", 2], ["MGA", 2], ["MMK", 2], ["PKR", 2], ["SOS", 2], ["SYP", 2], ["YER", 2],
    ["KPW", 2], ["ISK", 0], ["UYW", 4], ["CLF", 4], ["VED", 2],
  ])("takes %s's exponent from ISO 4217 (%i), not from CLDR's display digits", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it("knows only the codes ISO 4217 lists", () => {
    expect(isIso4217Currency("VED")).toBe(true);
    expect(isIso4217Currency("HRK")).toBe(false); // withdrawn in 2023, still in ICU
    expect(isIso4217Currency("usd")).toBe(false);
    expect(() => minorUnitDigits("HRK")).toThrow(RangeError);
  });
});

describe("formatAmount", () => {
  it("formats minor units for the currency and locale", () => {
    expect(formatAmount(12540, "USD", "en-US")).toBe("$125.40");
    expect(formatAmount(12540, "JPY", "en-US")).toBe("¥12,540");
    expect(formatAmount(12345, "BHD", "en-US")).toBe("BHD 12.345");
    expect(formatAmount(12540, "GBP", "en-GB")).toBe("£125.40");
  });

  it("writes amounts in ISO 4217 minor units where CLDR shows no decimals (HUF 12540 is 125.40 forints)", () => {
    expect(formatAmount(12540, "HUF", "en-US")).toBe("HUF 125.40");
    expect(formatAmount(12540, "HUF", "de-DE")).toBe("125,40 HUF");
    expect(formatAmount(1234567, "IDR", "en-US")).toBe("IDR 12,345.67");
    expect(formatAmount(12540, "COP", "es-CO")).toBe("$ 125,40");
    expect(formatAmount(12345, "IQD", "en-US")).toBe("IQD 12.345");
    expect(formatAmount(12345, "KWD", "en-US")).toBe("KWD 12.345");
    expect(formatAmount(12540, "CLP", "es-CL")).toBe("$12.540");
  });

  it("never lets a locale's Unicode extensions change the digits", () => {
    expect(formatAmount(12540, "USD", "en-US-u-nu-arab")).toBe("$125.40");
    expect(formatAmount(12540, "USD", "en-US-u-cu-jpy")).toBe("$125.40");
    expect(formatAmount(12540, "EUR", "de-DE-u-nu-fullwide")).toBe("125,40 €");
    expect(formatAmount(12540, "USD", "ar-EG")).toMatch(/^[^\u0660-\u0669]*125[^\u0660-\u0669]*40/u);
  });

  it("pads small amounts", () => {
    expect(formatAmount(0, "USD", "en-US")).toBe("$0.00");
    expect(formatAmount(5, "USD", "en-US")).toBe("$0.05");
    expect(formatAmount(5, "BHD", "en-US")).toBe("BHD 0.005");
    expect(formatAmount(0, "JPY", "en-US")).toBe("¥0");
  });

  it("replaces NBSP and narrow NBSP with plain spaces", () => {
    expect(formatAmount(12540, "EUR", "de-DE")).toBe("125,40 €");
    expect(formatAmount(123456789, "EUR", "fr-FR")).toBe("1 234 567,89 €");
    expect(formatAmount(12540, "EUR", "de-DE")).not.toContain("\u00a0");
  });

  it("folds the fullwidth yen sign of ja-JP", () => {
    expect(formatAmount(12540, "JPY", "ja-JP")).toBe("¥12,540");
  });

  it("is exact up to 2^53 - 1", () => {
    expect(formatAmount(MAX_AMOUNT, "USD", "en-US")).toBe("$90,071,992,547,409.91");
    expect(formatAmount(MAX_AMOUNT, "JPY", "en-US")).toBe("¥9,007,199,254,740,991");
    expect(formatAmount(MAX_AMOUNT, "BHD", "en-US")).toBe("BHD 9,007,199,254,740.991");
    expect(formatAmount(MAX_AMOUNT, "EUR", "de-DE")).toBe("90.071.992.547.409,91 €");
  });

  it("falls back to en-US for unknown or invalid locales", () => {
    expect(formatAmount(12540, "USD", "xx-YY")).toBe("$125.40");
    expect(formatAmount(12540, "USD", "not a locale!!")).toBe("$125.40");
    expect(formatAmount(12540, "USD", "")).toBe("$125.40");
  });

  it("gives the same result from the cached formatter", () => {
    expect(formatAmount(100, "EUR", "fr-FR")).toBe("1,00 €");
    expect(formatAmount(100, "EUR", "fr-FR")).toBe("1,00 €");
  });

  it("rejects amounts outside 0 … 2^53 - 1 and malformed currencies", () => {
    expect(() => formatAmount(-1, "USD", "en-US")).toThrow(RangeError);
    expect(() => formatAmount(1.5, "USD", "en-US")).toThrow(RangeError);
    expect(() => formatAmount(MAX_AMOUNT + 1, "USD", "en-US")).toThrow(RangeError);
    expect(() => formatAmount(100, "US", "en-US")).toThrow(RangeError);
  });
});
