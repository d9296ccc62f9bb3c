/**
 * SMS segment arithmetic (GSM 03.38 default alphabet vs UCS-2) and a GSM-friendly rewrite of look-alike characters.
 * Pure: no I/O.
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
// Sent as ESC + character: two septets each.
const GSM_EXTENSION = "\f^{}\\[~]|€";

const GSM_BASIC_SET: ReadonlySet<string> = new Set(GSM_BASIC);
const GSM_EXTENSION_SET: ReadonlySet<string> = new Set(GSM_EXTENSION);

const GSM_SINGLE_SEGMENT = 160;
const GSM_PER_PART = 153;
const UCS2_SINGLE_SEGMENT = 70;
const UCS2_PER_PART = 67;

/** Septets one character takes in GSM-7, or 0 when it is not in the GSM alphabet. */
function gsmSeptets(char: string): number {
  if (GSM_BASIC_SET.has(char)) return 1;
  if (GSM_EXTENSION_SET.has(char)) return 2;
  return 0;
}

/**
 * Parts needed when the characters are packed in order, none split across parts
 * (an escape pair or a surrogate pair always travels whole).
 */
function concatenatedParts(text: string, sizeOf: (char: string) => number, perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const char of text) {
    const size = sizeOf(char);
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}

/** Total septets, or null when a character is not in the GSM alphabet. */
function gsmSeptetTotal(text: string): number | null {
  let total = 0;
  for (const char of text) {
    const septets = gsmSeptets(char);
    if (septets === 0) return null;
    total += septets;
  }
  return total;
}

export function isGsm7(text: string): boolean {
  return gsmSeptetTotal(text) !== null;
}

const utf16Units = (char: string): number => char.length;

export function countSegments(text: string): SegmentCount {
  const septets = gsmSeptetTotal(text);
  if (septets !== null) {
    const segments = septets <= GSM_SINGLE_SEGMENT ? 1 : concatenatedParts(text, gsmSeptets, GSM_PER_PART);
    return { encoding: "GSM-7", units: septets, segments };
  }
  const units = text.length;
  const segments = units <= UCS2_SINGLE_SEGMENT ? 1 : concatenatedParts(text, utf16Units, UCS2_PER_PART);
  return { encoding: "UCS-2", units, segments };
}

export function fitsOneSegment(text: string): boolean {
  // Every character takes at least one unit, so a longer text never fits.
  return text.length <= GSM_SINGLE_SEGMENT && countSegments(text).segments === 1;
}

const LOOK_ALIKES: ReadonlyArray<readonly [RegExp, string]> = [
  // Every space separator (NBSP, narrow NBSP, thin, figure, ideographic …) that NFKC leaves alone.
  [/\p{Zs}/gu, " "],
  [/[\u2018\u2019\u201A\u201B\u2032\u02BC]/gu, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033]/gu, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/gu, "-"],
  [/\u2026/gu, "..."],
];

/**
 * NFKC (fullwidth forms, compatibility spaces, ligatures) and then typographic look-alikes
 * (quotes, dashes, ellipsis, exotic spaces) replaced by their GSM counterparts. Nothing else changes.
 */
export function toGsmFriendly(text: string): string {
  let result = text.normalize("NFKC");
  for (const [pattern, replacement] of LOOK_ALIKES) result = result.replace(pattern, replacement);
  return result;
}

/** Latin letters whose accent-free form is not what Unicode decomposition gives. */
const LATIN_WITHOUT_ACCENTS: Readonly<Record<string, string>> = {
  "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe", "Þ": "TH", "þ": "th", "ð": "d",
};

/**
 * Names (merchants, brands) as GSM text where that costs only accents: each Latin letter the GSM
 * alphabet lacks ("Š", "ã", "ç", "Ł") is written without its accent, so one such letter no longer
 * doubles the SMS cost by forcing UCS-2. Letters GSM has ("é", "ü", "ñ") and other scripts
 * (Cyrillic, CJK) are kept.
 */
export function toGsmLatin(text: string): string {
  let result = "";
  for (const char of toGsmFriendly(text)) {
    if (isGsm7(char) || !/\p{Script=Latin}/u.test(char)) {
      result += char;
      continue;
    }
    const plain = LATIN_WITHOUT_ACCENTS[char] ?? char.normalize("NFD").replace(/\p{M}/gu, "");
    result += isGsm7(plain) ? plain : char;
  }
  return result;
}

