/**
 * Phone numbers: E.164 validation and the masking every log line, metric and event uses
 * (contract: "Privacy").
 */

/** E.164: `+`, a country code not starting with 0, 8 to 15 digits in all. */
const E164 = /^\+[1-9][0-9]{7,14}$/;

const FULLY_MASKED = "****";
const MIN_DIGITS_TO_SHOW_LAST_FOUR = 8;

export function isE164(s: string): boolean {
  return E164.test(s);
}

/**
 * `+14255550182` → `+1******0182`: the `+`, the first digit, one `*` per hidden digit, the last four.
 * Anything that is not E.164 is masked more, never less: `****` followed by the input's last four
 * digits when it has at least 8 digits, else just `****` (length and any non-digit text stay hidden).
 */
export function maskPhone(phone: string): string {
  if (isE164(phone)) {
    const digits = phone.slice(1);
    return `+${digits.slice(0, 1)}${"*".repeat(digits.length - 5)}${digits.slice(-4)}`;
  }
  const digits = phone.replace(/[^0-9]/g, "");
  return digits.length >= MIN_DIGITS_TO_SHOW_LAST_FOUR ? `${FULLY_MASKED}${digits.slice(-4)}` : FULLY_MASKED;
}
