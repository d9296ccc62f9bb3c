import { describe, it, expect } from "vitest";
import { isE164, maskPhone } from "../../src/domain/phone.ts";

describe("isE164", () => {
  it.each(["+14255550182", "+447911123456", "+12345678", "+123456789012345"])("accepts %s", (phone) => {
    expect(isE164(phone)).toBe(true);
  });

  it.each([
    ["no plus", "14255550182"],
    ["country code starting with 0", "+04255550182"],
    ["7 digits", "+1234567"],
    ["16 digits", "+1234567890123456"],
    ["spaces", "+1 425 555 0182"],
    ["dashes", "+1-425-555-0182"],
    ["a letter", "+1425555018a"],
    ["leading space", " +14255550182"],
    ["trailing newline", "+14255550182\n"],
    ["full-width digits", "+１４２５５５５０１８２"],
    ["empty", ""],
    ["plus only", "+"],
  ])("rejects %s", (_name, phone) => {
    expect(isE164(phone)).toBe(false);
  });
});

describe("maskPhone", () => {
  it.each([
    ["US number (contract example)", "+14255550182", "+1******0182"],
    ["UK mobile", "+447911123456", "+4*******3456"],
    ["8 digits, the shortest E.164", "+12345678", "+1***5678"],
    ["15 digits, the longest E.164", "+123456789012345", "+1**********2345"],
  ])("%s", (_name, phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
    expect(masked).toHaveLength(phone.length);
  });

  it.each([
    ["no plus, 10 digits", "4255550182", "****0182"],
    ["formatted", "+1 (425) 555-0182", "****0182"],
    ["16 digits", "+1234567890123456", "****3456"],
    ["text around digits", "call 425 555 0182 now", "****0182"],
    ["7 digits", "+1234567", "****"],
    ["short", "911", "****"],
    ["no digits", "hello", "****"],
    ["empty", "", "****"],
  ])("masks non-E.164 input fully: %s", (_name, phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
