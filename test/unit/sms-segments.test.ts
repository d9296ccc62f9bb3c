import { describe, it, expect } from "vitest";
import { countSegments, fitsOneSegment, isGsm7, toGsmFriendly, toGsmLatin } from "../../src/domain/sms-segments.ts";

describe("countSegments: GSM-7", () => {
  it("counts empty text as one segment", () => {
    expect(countSegments("")).toEqual({ encoding: "GSM-7", units: 0, segments: 1 });
  });

  it("fits 160 septets in one segment and needs two for 161", () => {
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
  });

  it("packs 153 septets per concatenated part", () => {
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
    expect(countSegments("a".repeat(459)).segments).toBe(3);
    expect(countSegments("a".repeat(460)).segments).toBe(4);
  });

  it("counts extension characters as two septets", () => {
    expect(countSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("€".repeat(81))).toEqual({ encoding: "GSM-7", units: 162, segments: 2 });
    expect(countSegments("^{}\\[~]|€\f").units).toBe(20);
  });

  it("never splits an escape pair across parts", () => {
    // 306 septets would be 2 × 153, but the € straddles the first boundary and moves to part two.
    expect(countSegments(`${"a".repeat(152)}€${"a".repeat(152)}`)).toEqual({ encoding: "GSM-7", units: 306, segments: 3 });
    // 76 escape pairs per part (152 septets): 153 of them need 3 parts although 306 septets would fit 2.
    expect(countSegments("€".repeat(153))).toEqual({ encoding: "GSM-7", units: 306, segments: 3 });
    expect(countSegments(`${"a".repeat(151)}€${"a".repeat(153)}`)).toEqual({ encoding: "GSM-7", units: 306, segments: 2 });
  });

  it("treats GSM accented letters and symbols as one septet", () => {
    expect(countSegments("àÉéèùìòÇØøÅåÄÖÑÜäöñüßÆæ¿¡£¥§¤ΔΦΓΛΩΠΨΣΘΞ@_\n\r")).toEqual({
      encoding: "GSM-7",
      units: 43,
      segments: 1,
    });
  });
});

describe("countSegments: UCS-2", () => {
  it("switches to UCS-2 for any non-GSM character and counts UTF-16 units", () => {
    expect(countSegments("Ça coûte")).toEqual({ encoding: "UCS-2", units: 8, segments: 1 });
    expect(countSegments("😀")).toEqual({ encoding: "UCS-2", units: 2, segments: 1 });
  });

  it("fits 70 units in one segment and needs two for 71", () => {
    expect(countSegments("ж".repeat(70))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSegments("ж".repeat(71))).toEqual({ encoding: "UCS-2", units: 71, segments: 2 });
  });

  it("packs 67 units per concatenated part", () => {
    expect(countSegments("ж".repeat(134)).segments).toBe(2);
    expect(countSegments("ж".repeat(135)).segments).toBe(3);
  });

  it("counts emoji as surrogate pairs", () => {
    expect(countSegments("😀".repeat(35))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSegments("😀".repeat(36))).toEqual({ encoding: "UCS-2", units: 72, segments: 2 });
  });

  it("never splits a surrogate pair across parts", () => {
    // 33 emoji (66 units) per part: 67 emoji = 134 units need 3 parts, not 2.
    expect(countSegments("😀".repeat(67))).toEqual({ encoding: "UCS-2", units: 134, segments: 3 });
    expect(countSegments(`${"ж".repeat(66)}😀${"ж".repeat(66)}`)).toEqual({ encoding: "UCS-2", units: 134, segments: 3 });
    expect(countSegments(`${"ж".repeat(65)}😀${"ж".repeat(67)}`)).toEqual({ encoding: "UCS-2", units: 134, segments: 2 });
  });
});

describe("isGsm7 / fitsOneSegment", () => {
  it("accepts the basic set and the extension table", () => {
    expect(isGsm7("Hello, world! @£$¥ èé ¿¡ {}[]~^|\\€")).toBe(true);
    expect(isGsm7("")).toBe(true);
  });

  it("rejects characters outside the GSM alphabet", () => {
    for (const char of ["á", "í", "ó", "ú", "ê", "â", "ç", "’", "…", "\u00a0", "￥", "😀", "東"]) {
      expect(isGsm7(`a${char}b`), char).toBe(false);
    }
  });

  it("tells whether a text fits one segment", () => {
    expect(fitsOneSegment("a".repeat(160))).toBe(true);
    expect(fitsOneSegment("a".repeat(161))).toBe(false);
    expect(fitsOneSegment(`${"a".repeat(69)}😀`)).toBe(false);
  });
});

describe("toGsmFriendly", () => {
  it("replaces exotic spaces with a plain space", () => {
    expect(toGsmFriendly("a\u00a0b\u202fc\u2009d\u2007e\u3000f")).toBe("a b c d e f");
  });

  it("replaces typographic quotes, dashes and the ellipsis", () => {
    expect(toGsmFriendly("‘it’s’ “ok” – — …")).toBe(`'it's' "ok" - - ...`);
  });

  it("folds fullwidth forms and composes accents (NFKC)", () => {
    expect(toGsmFriendly("ＡＣＭＥ　１２３ ￥")).toBe("ACME 123 ¥");
    expect(toGsmFriendly("Cafe\u0301")).toBe("Café");
  });

  it("leaves everything else alone", () => {
    const text = "Café ÁÍÓ ç 東京ストア 😀 $125.40 {x}";
    expect(toGsmFriendly(text)).toBe(text);
  });

  it("makes formatted amounts GSM", () => {
    expect(isGsm7(toGsmFriendly("125,40\u00a0€"))).toBe(true);
    expect(isGsm7(toGsmFriendly("1\u202f234,50\u00a0$"))).toBe(true);
  });
});

describe("toGsmLatin", () => {
  it("drops only the accents GSM lacks, and leaves GSM letters and other scripts alone", () => {
    expect(toGsmLatin("Škoda Łódź Pão Açaí œuvre")).toBe("Skoda Lodz Pao Acai oeuvre");
    expect(toGsmLatin("Café Müller Ñandú Ø")).toBe("Café Müller Ñandu Ø");
    expect(toGsmLatin("Сільпо 東京 😀")).toBe("Сільпо 東京 😀");
    expect(isGsm7(toGsmLatin("Škoda Servis"))).toBe(true);
  });
});
