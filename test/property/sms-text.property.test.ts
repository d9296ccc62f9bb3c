/**
 * Property-based tests of SMS rendering (contract: "Outbound SMS": the body names the brand, the
 * amount, the merchant, the card's last four and how to answer, and fits one segment whenever it can,
 * long merchants being shortened rather than the question).
 *
 * The segment budget of the question, from src/domain/sms-text.ts, precisely:
 *   full(m)    = the full wording with merchant m        compact(m) = the compact wording
 *   M          = the merchant as shown (GSM look-alikes replaced, Latin accents GSM lacks dropped,
 *                whitespace collapsed)
 *   k          = the shortest a merchant is cut to: 8 characters, 5 when M is not GSM-7
 *   Mk         = the first min(|M|, k) characters of M
 *   1. full(M) fits one segment                 ⇒ the text is exactly full(M);
 *   2. else compact(M) fits                     ⇒ the text is exactly compact(M) (merchant not cut);
 *   3. else compact(Mk) fits                    ⇒ the text is one segment (compact, merchant cut);
 *   4. always                                   segments(text) ≤ segments(full(M)), and a text of
 *                                               more than one segment is exactly full(M).
 * (3 is one-way: a cut merchant can also drop trailing symbols, which may fit where Mk does not.)
 * "Fits one segment": GSM-7 ≤ 160 septets (extension characters count 2) or UCS-2 ≤ 70 code units.
 *
 * The merchant is "named" when the text contains at least what any shortening keeps: its first k-1
 * characters without trailing spaces, punctuation and symbols (all k-1 when that leaves nothing), or the
 * whole merchant when it is shorter.
 *
 * The amount is written for the text's language: the locale itself when its language has texts, else
 * English for the locale's region (ar-BH → en-BH), en-US without a locale.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { data as iso4217Currencies } from "currency-codes";
import { withoutInvisibleCharacters } from "../../src/domain/invisible-characters.ts";
import { formatAmount, minorUnitDigits } from "../../src/domain/money.ts";
import { countSegments, isGsm7, toGsmLatin } from "../../src/domain/sms-segments.ts";
import {
  renderChooseVerification,
  renderConfirmation,
  renderHelp,
  renderQuestion,
  renderReprompt,
  resolveLanguage,
  type QuestionInput,
  type SmsLanguage,
} from "../../src/domain/sms-text.ts";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

// ---- the wording, repeated on purpose as the oracle of the budget --------------------------------

interface Parts {
  b: string;
  a: string;
  m: string;
  l4: string;
  ans: string;
}
const WORDING: Record<SmsLanguage, { yes: string; no: string; or: string; full(p: Parts): string; compact(p: Parts): string }> = {
  en: {
    yes: "YES",
    no: "NO",
    or: "or",
    full: (p) => `${p.b}: Did you attempt ${p.a} at ${p.m} with card ending ${p.l4}? Reply ${p.ans}`,
    compact: (p) => `${p.b}: Did you pay ${p.a} at ${p.m}, card ${p.l4}? ${p.ans}`,
  },
  es: {
    yes: "SI",
    no: "NO",
    or: "o",
    full: (p) => `${p.b}: ¿Hiciste una compra de ${p.a} en ${p.m} con la tarjeta terminada en ${p.l4}? Responde ${p.ans}`,
    compact: (p) => `${p.b}: ¿Pagaste ${p.a} en ${p.m}, tarjeta ${p.l4}? ${p.ans}`,
  },
  fr: {
    yes: "OUI",
    no: "NON",
    or: "ou",
    full: (p) => `${p.b}: Avez-vous tenté de payer ${p.a} chez ${p.m} avec la carte finissant par ${p.l4} ? Répondez ${p.ans}`,
    compact: (p) => `${p.b}: Avez-vous payé ${p.a} chez ${p.m}, carte ${p.l4} ? ${p.ans}`,
  },
  de: {
    yes: "JA",
    no: "NEIN",
    or: "oder",
    full: (p) => `${p.b}: Haben Sie ${p.a} bei ${p.m} mit Ihrer Karte mit Endziffern ${p.l4} bezahlt? Antworten Sie ${p.ans}`,
    compact: (p) => `${p.b}: Haben Sie ${p.a} bei ${p.m} bezahlt (Karte ${p.l4})? ${p.ans}`,
  },
};

const fitsOne = (text: string): boolean => countSegments(text).segments === 1;
const segments = (text: string): number => countSegments(text).segments;

/** Brand and merchant as the texts show them. */
const shown = (name: string): string => toGsmLatin(withoutInvisibleCharacters(name)).replace(/\s+/gu, " ").trim();

function amountFor(amountMinor: number, currency: string, locale: string | undefined): string {
  const tag = locale?.trim().replaceAll("_", "-");
  if (tag === undefined || tag === "") return formatAmount(amountMinor, currency, "en-US");
  const textLanguage = resolveLanguage(tag);
  let parsed: { language: string; region?: string | undefined };
  try {
    parsed = new Intl.Locale(tag);
  } catch {
    parsed = { language: tag.split("-", 1)[0]?.toLowerCase() ?? "" };
  }
  if (parsed.language === textLanguage) return formatAmount(amountMinor, currency, tag);
  const { region } = parsed;
  return formatAmount(amountMinor, currency, region ? `${textLanguage}-${region}` : textLanguage);
}

/** The shortest a merchant is cut to (see the header). */
const shortest = (merchant: string): number => (isGsm7(merchant) ? 8 : 5);

/** The prefix of the merchant every rendering keeps (see the header). */
function keptPrefix(merchant: string): string {
  const chars = Array.from(merchant);
  const keep = shortest(merchant) - 1;
  if (chars.length <= keep) return merchant;
  const head = chars.slice(0, keep).join("");
  const trimmed = head.replace(/[\s\p{P}\p{S}]+$/u, "");
  return trimmed === "" ? head : trimmed;
}

// ---- generators ----------------------------------------------------------------------------------

const CURRENCIES = iso4217Currencies.map((entry) => entry.code);
const LOCALES = [
  undefined, "", "en-US", "en-GB", "en-IN", "es-ES", "es-MX", "fr-FR", "fr-CA", " fr-CH ", "de-DE", "de_CH",
  "ja-JP", "ar-EG", "hi-IN", "zh-Hans-CN", "pt-BR", "xx-YY", "not a locale!",
  "en-US-u-nu-arab", "ar-u-nu-arab", "fr-FR-u-nu-fullwide-cu-jpy", "de-CH-u-rg-inzzzz", "es-x-private",
];
const MERCHANT_CHARS = [
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789", " ", " ", " ", "#", "&", "'", "-", ".", ",", "*", "/",
  "é", "ü", "ñ", "ç", "€", "[", "~", "’", "–", "\u00A0", "\t", "☀", "漢", "😀", "👩‍👩‍👧", "🇫🇷", "ß", "Ω", "ı",
  "\u202E", "\u2066", "\u200B", "\u200D", "\uFEFF", "\u061C", "\u0000", "\u001B",
];
const merchant = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(...MERCHANT_CHARS), minLength: 1, maxLength: 64 }),
    fc.stringMatching(/^[A-Z][A-Z0-9 #&'.-]{0,63}$/),
    fc.constantFrom(
      "ACME STORE #42",
      "THE EXTRAORDINARILY LONG MERCHANT NAME FOR TESTING PURPOSES 0001",
      "AMZN Mktp US*2K4RT5LL0",
      "SQ *BLUE BOTTLE COFFEE OAKLAND CA",
      "Café Münchner Freiheit – Biergarten & Restaurant GmbH",
      "SUNNY SIDE CAFE ☀ DOWNTOWN BROOKLYN",
      "!!!!!!!!!!!!!!!!!!!!!!!!!!",
      "A",
    ),
  )
  // The request schema's bounds (1-64 UTF-16 units), and a merchant that shows as something: a
  // whitespace-only merchant passes the schema but has nothing to name (reported, not rendered here).
  .filter((m) => m.length >= 1 && m.length <= 64 && shown(m) !== "");
const brand = fc.oneof(
  fc.constantFrom("Your bank", "First National Bank of Springfield", "Smith’s Bank", "Bänk", "Banco Ñandú", "🏦 Bank"),
  fc.string({ unit: fc.constantFrom(...MERCHANT_CHARS), minLength: 1, maxLength: 40 }).filter((b) => shown(b) !== ""),
);
const amountMinor = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER));
const currency = fc.oneof(fc.constantFrom("USD", "EUR", "JPY", "GBP", "BHD", "INR", "CHF"), fc.constantFrom(...CURRENCIES));
const locale = fc.constantFrom(...LOCALES);
const referenceCode = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: 100, max: 999 }).map(String));

const questionInput: fc.Arbitrary<QuestionInput> = fc.record({
  brand,
  amountMinor,
  currency,
  merchant,
  cardLast4: fc.stringMatching(/^[0-9]{4}$/),
  locale,
  referenceCode,
});

// ---- properties ----------------------------------------------------------------------------------

function expected(input: QuestionInput) {
  const words = WORDING[resolveLanguage(input.locale)];
  const code = input.referenceCode ? ` ${input.referenceCode}` : "";
  const parts = {
    b: shown(input.brand),
    a: amountFor(input.amountMinor, input.currency, input.locale),
    l4: input.cardLast4,
    ans: `${words.yes}${code} ${words.or} ${words.no}${code}`,
  };
  const m = shown(input.merchant);
  const mk = Array.from(m).slice(0, shortest(m)).join("");
  return {
    parts,
    merchant: m,
    full: words.full({ ...parts, m }),
    compact: words.compact({ ...parts, m }),
    compactCut: words.compact({ ...parts, m: mk }),
  };
}

const questionNamesEverything = fc.property(questionInput, (input) => {
  const text = renderQuestion(input);
  const { parts, merchant: m } = expected(input);
  expect(text.startsWith(`${parts.b}: `)).toBe(true);
  expect(text).toContain(parts.a);
  expect(text).toContain(keptPrefix(m));
  expect(text).toContain(parts.l4);
  expect(text.endsWith(parts.ans)).toBe(true);
});

const questionStaysInBudget = fc.property(questionInput, (input) => {
  const text = renderQuestion(input);
  const { full, compact, compactCut } = expected(input);
  if (fitsOne(full)) expect(text).toBe(full);
  else if (fitsOne(compact)) expect(text).toBe(compact);
  else if (fitsOne(compactCut)) expect(segments(text)).toBe(1);
  expect(segments(text)).toBeLessThanOrEqual(segments(full));
  if (segments(text) > 1) expect(text).toBe(full);
});

describe("renderQuestion properties", () => {
  it("names the brand, the amount, the merchant (or its kept prefix), the last four and the answers", () => {
    fc.assert(questionNamesEverything, { numRuns: RUNS });
  });

  it("stays within the segment budget", () => {
    fc.assert(questionStaysInBudget, { numRuns: RUNS * 2 });
  });

  it("stays GSM-7 when brand, merchant and amount are", () => {
    fc.assert(
      fc.property(questionInput, (input) => {
        const { parts, merchant: m } = expected(input);
        fc.pre(isGsm7(parts.b + m + parts.a));
        expect(isGsm7(renderQuestion(input))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("is one segment for every typical purchase (GSM brand ≤ 20, merchant ≤ 64, amount < 10^7)", () => {
    const typical = fc.record({
      brand: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,19}$/).filter((b) => shown(b) !== ""),
      amountMinor: fc.integer({ min: 0, max: 999_999_999 }),
      currency: fc.constantFrom("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD"),
      merchant: fc.stringMatching(/^[A-Z0-9][A-Z0-9 #&'*.-]{0,63}$/),
      cardLast4: fc.stringMatching(/^[0-9]{4}$/),
      locale: fc.constantFrom("en-US", "es-ES", "fr-FR", "de-DE", "en-GB"),
      referenceCode: fc.oneof(fc.constant(null), fc.integer({ min: 100, max: 999 }).map(String)),
    });
    fc.assert(
      fc.property(typical, (input) => {
        expect(countSegments(renderQuestion(input))).toMatchObject({ encoding: "GSM-7", segments: 1 });
      }),
      { numRuns: RUNS },
    );
  });
});

describe("renderConfirmation properties", () => {
  // The wording with any merchant m: render with a short sentinel merchant (never shortened) and put m in.
  const SENTINEL = "⟦M⟧";
  const confirmationInput = fc.record({
    brand,
    locale,
    decision: fc.constantFrom("APPROVED" as const, "DENIED" as const),
    amountMinor,
    currency,
    merchant,
  });

  it("names brand, amount and merchant, and is one segment whenever the merchant cut short fits", () => {
    fc.assert(
      fc.property(confirmationInput, (input) => {
        const text = renderConfirmation(input);
        const template = renderConfirmation({ ...input, merchant: SENTINEL });
        const m = shown(input.merchant);
        const withMerchant = (shownMerchant: string) => template.replace(SENTINEL, shownMerchant);
        expect(text.startsWith(`${shown(input.brand)}: `)).toBe(true);
        expect(text).toContain(amountFor(input.amountMinor, input.currency, input.locale));
        expect(text).toContain(keptPrefix(m));
        const whole = withMerchant(m);
        if (fitsOne(whole)) expect(text).toBe(whole);
        else if (fitsOne(withMerchant(Array.from(m).slice(0, shortest(m)).join("")))) expect(segments(text)).toBe(1);
        expect(segments(text)).toBeLessThanOrEqual(segments(whole));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("help, re-prompt and the list of open verifications", () => {
  it("help and re-prompt name the brand and the verification's code when given", () => {
    fc.assert(
      fc.property(brand, locale, referenceCode, (b, l, code) => {
        for (const text of [renderHelp({ brand: b, locale: l, referenceCode: code }), renderReprompt({ brand: b, locale: l, referenceCode: code })]) {
          expect(text.startsWith(`${shown(b)}: `)).toBe(true);
          if (code) expect(text).toMatch(new RegExp(`\\b(YES|SI|OUI|JA) ${code}\\b`));
          else expect(text).not.toMatch(/\b(YES|SI|OUI|JA) [0-9]{3}\b/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("the list names every open verification's code, amount and merchant", () => {
    const item = fc.record({ merchant, amountMinor, currency, referenceCode: fc.integer({ min: 100, max: 999 }).map(String) });
    fc.assert(
      fc.property(brand, locale, fc.uniqueArray(item, { minLength: 1, maxLength: 6, selector: (i) => i.referenceCode }), (b, l, items) => {
        const text = renderChooseVerification({ brand: b, locale: l, items });
        expect(text.startsWith(`${shown(b)}: `)).toBe(true);
        for (const i of items) {
          expect(text).toContain(`${i.referenceCode}: `);
          expect(text).toContain(amountFor(i.amountMinor, i.currency, l));
          expect(text).toContain(keptPrefix(shown(i.merchant)));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("money and segment arithmetic under the texts", () => {
  it("formats every amount exactly (ISO 4217 minor units, up to 2^53-1) in Latin digits in every locale", () => {
    fc.assert(
      fc.property(
        amountMinor,
        currency,
        fc.constantFrom("en-US", "en-IN", "de-DE", "fr-FR", "es-ES", "ja-JP", "de-CH", "ar-EG", "fa-IR", "hi-IN", "bn-BD", "my-MM"),
        (amount, cur, loc) => {
          const digits = minorUnitDigits(cur);
          const expectedDigits = BigInt(amount).toString().padStart(digits + 1, "0");
          expect(formatAmount(amount, cur, loc).replace(/[^0-9]/g, "")).toBe(expectedDigits);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("lets no Unicode extension of the locale change the amount", () => {
    const extension = fc.constantFrom(
      "-u-nu-arab", "-u-nu-hanidec", "-u-nu-fullwide", "-u-cu-jpy", "-u-cu-bhd", "-u-rg-jpzzzz", "-u-ca-islamic", "-x-nu-arab",
    );
    fc.assert(
      fc.property(amountMinor, currency, fc.constantFrom("en-US", "de-DE", "fr-FR", "es-MX", "ar-EG"), extension, (amount, cur, loc, ext) => {
        expect(formatAmount(amount, cur, `${loc}${ext}`)).toBe(formatAmount(amount, cur, loc));
      }),
      { numRuns: RUNS },
    );
  });

  it("counts segments like the GSM 03.38 / UCS-2 arithmetic", () => {
    const gsmChar = fc.constantFrom(..."abcXYZ019 @£$_!?.,-", "€", "[", "^", "~");
    const anyChar = fc.constantFrom(..."abcXYZ019 @£.", "€", "漢", "😀", "é", "ç");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: gsmChar, maxLength: 500 }), fc.string({ unit: anyChar, maxLength: 300 })), (text) => {
        const count = countSegments(text);
        const gsm = isGsm7(text);
        expect(count.encoding).toBe(gsm ? "GSM-7" : "UCS-2");
        const units = gsm ? Array.from(text).reduce((n, c) => n + ("€[]^~{}|\\\f".includes(c) ? 2 : 1), 0) : text.length;
        expect(count.units).toBe(units);
        const [single, perPart] = gsm ? [160, 153] : [70, 67];
        if (units <= single) expect(count.segments).toBe(1);
        else {
          // Parts never split an escape pair or a surrogate pair, so a part may carry one unit less.
          expect(count.segments).toBeGreaterThanOrEqual(Math.ceil(units / perPart));
          expect(count.segments).toBeLessThanOrEqual(Math.ceil(units / (perPart - 1)));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
