/**
 * Property-based tests of reply parsing (contract: "Inbound SMS"): total, well-formed, and stable
 * under the noise the contract says is ignored (case, spaces, punctuation, emoji), with the first
 * word counting and a 3-digit reference code next to it.
 *
 * Noise, precisely: any mix of whitespace (every \p{Z} and the ASCII/zero-width controls),
 * punctuation and symbols (\p{P}, \p{S} that are not pictographic and do not decompose into a letter
 * or digit under NFKD, e.g. "①" is a digit in disguise and not noise), and emoji (every
 * \p{Extended_Pictographic} code point, ZWJ sequences, skin tones, flags, the #/* keycaps), before
 * and after the word, up to the 1,600 characters an inbound SMS body may have.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReply, type ParsedReply, type ReplyIntent } from "../../src/domain/reply.ts";
import { CONTRACT_REPLY_WORDS } from "../support/contract-reply-table.ts";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

const INTENTS: ReadonlySet<ReplyIntent> = new Set(["APPROVE", "DENY", "STOP", "HELP", "START", "UNKNOWN"]);
const CANONICAL: Record<ReplyIntent, ParsedReply["answer"]> = {
  APPROVE: "YES",
  DENY: "NO",
  STOP: "STOP",
  HELP: null,
  START: null,
  UNKNOWN: null,
};

/** The longest body an inbound SMS may have (inboundSmsSchema). */
const MAX_BODY = 1600;

const decomposesToWordChar = (text: string): boolean => /[\p{L}\p{N}]/u.test(text.toUpperCase().normalize("NFKD"));

function codePointsOf(test: RegExp, from: number, to: number): string[] {
  const out: string[] = [];
  for (let cp = from; cp <= to; cp += 1) {
    const char = String.fromCodePoint(cp);
    if (test.test(char)) out.push(char);
  }
  return out;
}

const SPACES = [
  ...codePointsOf(/\p{Z}/u, 0, 0xffff),
  "\t", "\n", "\r", "\u000B", "\f", "\u200B", "\u2060", "\uFEFF", "\u200E", "\u200F",
];
const PUNCTUATION = codePointsOf(/[\p{P}\p{S}]/u, 0x21, 0xffff).filter(
  (char) => !/\p{Extended_Pictographic}/u.test(char) && !decomposesToWordChar(char),
);
const PICTOGRAPHS = codePointsOf(/\p{Extended_Pictographic}/u, 0xa9, 0x1faff);
const EMOJI_SEQUENCES = [
  "👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "🇫🇷", "🇺🇸", "#️⃣", "*️⃣", "❤️", "ℹ️", "Ⓜ️", "™️", "🆗", "🆖", "🆘", "🅾️", "🅰️", "🅿️", "🙏🏿",
];

const space = fc.constantFrom(...SPACES);
const punctuation = fc.constantFrom(...PUNCTUATION);
const emoji = fc.oneof(fc.constantFrom(...PICTOGRAPHS), fc.constantFrom(...EMOJI_SEQUENCES));
const noisePiece = fc.oneof(space, punctuation, emoji);
/** Usually short, sometimes hundreds of pieces (still within one inbound body). */
const noise = fc.oneof(
  { weight: 4, arbitrary: fc.array(noisePiece, { maxLength: 8 }).map((pieces) => pieces.join("")) },
  { weight: 1, arbitrary: fc.array(noisePiece, { minLength: 100, maxLength: 500 }).map((pieces) => pieces.join("")) },
);

/** Each character upper- or lower-cased at random. */
const caseNoise = (word: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => Array.from(word, (char, i) => (upper[i] ? char.toUpperCase() : char.toLowerCase())).join(""));

const tableEntry = fc.constantFrom(...CONTRACT_REPLY_WORDS);
const trailingWords = fc.oneof(
  fc.constant(""),
  fc.tuple(space.filter((s) => /\s/u.test(s)), fc.string({ unit: "grapheme", maxLength: 40 })).map(([s, t]) => s + t),
);

const noisyReply = tableEntry.chain((entry) =>
  fc
    .record({ before: noise, word: caseNoise(entry.word), after: noise, trailing: trailingWords })
    .map((parts) => ({ entry, ...parts, body: `${parts.before}${parts.word}${parts.after}${parts.trailing}` }))
    .filter(({ body }) => body.length <= MAX_BODY),
);

const code = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, "0"));

const stableUnderNoise = fc.property(noisyReply, ({ entry, body, trailing }) => {
  const parsed = parseReply(body);
  expect(parsed.intent).toBe(entry.intent);
  expect(parsed.answer).toBe(entry.answer);
  if (trailing === "") expect(parsed.referenceCode).toBeNull();
});

const codeThroughNoise = fc.property(
  noisyReply,
  code,
  fc.boolean(),
  noise,
  ({ entry, before, word, after }, referenceCode, codeFirst, between) => {
    // The code and the word must stay two words: at least one real space between them.
    const gap = `${between} `;
    const body = codeFirst
      ? `${before}${referenceCode}${gap}${word}${after}`
      : `${before}${word}${gap}${referenceCode}${after}`;
    fc.pre(body.length <= MAX_BODY);
    expect(parseReply(body)).toEqual({ intent: entry.intent, answer: entry.answer, referenceCode });
  },
);

function expectWellFormed(parsed: ParsedReply): void {
  expect(INTENTS.has(parsed.intent)).toBe(true);
  expect(parsed.answer).toBe(CANONICAL[parsed.intent]);
  if (parsed.referenceCode !== null) {
    expect(parsed.referenceCode).toMatch(/^[0-9]{3}$/);
    expect(parsed.intent).not.toBe("UNKNOWN");
  }
}

describe("parseReply properties", () => {
  it("every table word alone gives its intent and canonical answer", () => {
    for (const { word, intent, answer } of CONTRACT_REPLY_WORDS) {
      expect(parseReply(word), word).toEqual({ intent, answer, referenceCode: null });
    }
  });

  it("never throws and always returns a well-formed reply, for any string", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: fc.constantFrom("y", "E", "s", "-", ".", "'", "4", "1", "7", " ", "\u0301", "ℹ", "\uD800"), maxLength: 30 }),
      fc.string({ maxLength: 3000 }),
    );
    fc.assert(
      fc.property(anyText, (body) => {
        expectWellFormed(parseReply(body));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("is stable under case, space, punctuation and emoji noise around any table word", () => {
    fc.assert(stableUnderNoise, { numRuns: RUNS });
  });

  it("reads a code right after the word, or right before it, through the same noise", () => {
    fc.assert(codeThroughNoise, { numRuns: RUNS });
  });

  it("only the first word counts: anything after the first two words changes nothing", () => {
    const word = fc.oneof(tableEntry.map((e) => e.word), fc.stringMatching(/^[A-Za-z0-9]{1,8}$/));
    fc.assert(
      fc.property(noise, word, word, fc.string({ unit: "grapheme", maxLength: 60 }), (before, first, second, rest) => {
        const head = `${before}${first} ${second} `;
        fc.pre(head.length <= MAX_BODY);
        expect(parseReply(head + rest)).toEqual(parseReply(head));
      }),
      { numRuns: RUNS },
    );
  });

  it("ignores the case of ASCII letters anywhere", () => {
    const flip = (text: string) =>
      text.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (body) => {
        expect(parseReply(flip(body))).toEqual(parseReply(body));
      }),
      { numRuns: RUNS },
    );
  });

  // Regressions found by the properties above (fixed in src/domain/reply.ts).
  describe("regressions", () => {
    // "ℹ️" in the leading noise read as the word I (seed -408292266, shrunk path below).
    it("seed -408292266: an emoji that decomposes to a letter hid the answer", () => {
      fc.assert(stableUnderNoise, { seed: -408292266, path: "5:1:0", endOnFailure: true });
      fc.assert(stableUnderNoise, { seed: -408292266, numRuns: 50 });
    });

    // "™️" and ~200 characters of leading noise pushed "td 000" past the 200 characters read.
    it("seed -1735977572: long leading noise cut the answer and its code off", () => {
      fc.assert(codeThroughNoise, { seed: -1735977572, path: "2:1:0", endOnFailure: true });
      fc.assert(codeThroughNoise, { seed: -1735977572, numRuns: 50 });
    });

    it.each([
      // Emoji whose NFKD form is a letter were read as a word: "ℹ️" → I, "Ⓜ️" → M, "™" → TM.
      ["ℹ️ yes", "APPROVE"],
      ["Ⓜ️ no", "DENY"],
      ["yes™", "APPROVE"],
      ["stop®", "STOP"],
      // Only the first 200 characters were read, so leading noise pushed the word out or cut it.
      [`${"👍".repeat(100)} no`, "DENY"],
      [`${" ".repeat(198)}YEAH`, "APPROVE"],
      [`${" ".repeat(199)}NOT`, "UNKNOWN"],
    ] as const)("%j → %s", (body, intent) => {
      expect(parseReply(body).intent).toBe(intent);
    });
  });
});
