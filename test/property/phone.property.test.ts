/**
 * Property-based tests of phone masking (contract: "Privacy": keep the `+`, the first digit and the
 * last four, one `*` for every other digit).
 *
 * What masking may reveal, decided here and pinned:
 * - an E.164 number: its length, the `+`, the first digit and the last four digits; every other digit
 *   is one `*` (so at most 5 of its 8-15 digits are shown, never 5 in a row);
 * - anything else: `****`, followed by the last four ASCII digits of the input only when the input has
 *   at least 8 of them (so at least half of its digits stay hidden); nothing of its length, its other
 *   characters or its non-ASCII digits. The output then depends only on those last four digits.
 * - so for any input: the output is made of `+`, `*` and ASCII digits only, shows at most 5 digits,
 *   and never a run of more than 4 digits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isE164, maskPhone } from "../../src/domain/phone.ts";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 500);

const e164 = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^[0-9]{7,14}$/))
  .map(([first, rest]) => `+${first}${rest}`);

const phoneLike = fc.oneof(
  e164,
  // Near misses: formatting, missing +, leading 0, too short or long, look-alike digits.
  fc.stringMatching(/^\+?[0-9 ()\-.]{0,22}$/),
  fc.stringMatching(/^\+0[0-9]{7,14}$/),
  fc.stringMatching(/^\+[1-9][0-9]{15,20}$/),
  e164.map((p) => `${p}\n`),
  e164.map((p) => ` ${p}`),
  e164.map((p) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
  e164.map((p) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))),
);
const anyString = fc.oneof(phoneLike, fc.string({ maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 40 }));

const asciiDigits = (s: string): string => s.replace(/[^0-9]/g, "");

describe("maskPhone properties", () => {
  it("an E.164 number keeps its length, the +, the first digit and the last four; every other digit is one *", () => {
    fc.assert(
      fc.property(e164, (phone) => {
        const masked = maskPhone(phone);
        expect(isE164(phone)).toBe(true);
        expect(masked).toHaveLength(phone.length);
        expect(masked[0]).toBe("+");
        expect(masked[1]).toBe(phone[1]);
        expect(masked.slice(-4)).toBe(phone.slice(-4));
        expect(masked.slice(2, -4)).toBe("*".repeat(phone.length - 6));
      }),
      { numRuns: RUNS },
    );
  });

  it("anything else is **** and, from 8 digits on, its last four digits: nothing else of it", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        fc.pre(!isE164(s));
        const digits = asciiDigits(s);
        expect(maskPhone(s)).toBe(digits.length >= 8 ? `****${digits.slice(-4)}` : "****");
      }),
      { numRuns: RUNS },
    );
  });

  it("for any string: only +, * and ASCII digits, at most 5 digits shown, never more than 4 in a row", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const masked = maskPhone(s);
        expect(masked).toMatch(/^[+*0-9]*$/);
        expect(asciiDigits(masked).length).toBeLessThanOrEqual(5);
        expect(masked).not.toMatch(/[0-9]{5}/);
        // Shown digits are the input's own: the first (E.164 only) and the last four.
        const shown = asciiDigits(masked);
        const own = asciiDigits(s);
        if (shown !== "") {
          expect(own.endsWith(shown.slice(-4))).toBe(true);
          expect(own.length - shown.length).toBeGreaterThanOrEqual(3);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("hides the non-digit text and the length of a non-E.164 input", () => {
    const noise = fc.string({ unit: fc.constantFrom(" ", "-", "(", ")", ".", "a", "Z", "é", "😀", "\n", "٣", "４"), maxLength: 10 });
    fc.assert(
      fc.property(anyString, noise, noise, (s, before, after) => {
        fc.pre(!isE164(s));
        expect(maskPhone(`${before}${s}${after}`)).toBe(maskPhone(s));
      }),
      { numRuns: RUNS },
    );
  });
});
