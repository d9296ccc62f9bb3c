import { describe, it, expect } from "vitest";
import { parseReply } from "../../src/domain/reply.ts";
import { CONTRACT_REPLY_WORDS } from "../support/contract-reply-table.ts";



function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

describe("parseReply: the contract's word table", () => {
  it.each(CONTRACT_REPLY_WORDS)("$word → $intent", ({ word, intent, answer }) => {
    expect(parseReply(word)).toEqual({ intent, answer, referenceCode: null });
  });

  it.each(CONTRACT_REPLY_WORDS)("$word in lower and title case → $intent", ({ word, intent, answer }) => {
    expect(parseReply(word.toLowerCase())).toEqual({ intent, answer, referenceCode: null });
    expect(parseReply(titleCase(word))).toEqual({ intent, answer, referenceCode: null });
  });

  it.each(CONTRACT_REPLY_WORDS)("$word surrounded by spaces, punctuation and emoji → $intent", ({ word, intent }) => {
    expect(parseReply(`  ${word}!!! 👍 `).intent).toBe(intent);
    expect(parseReply(`👍 ${word}.`).intent).toBe(intent);
    expect(parseReply(`\n\t"${word}"?\r\n`).intent).toBe(intent);
  });
});

describe("parseReply: normalization", () => {
  it.each([
    ["Yes!!! 👍", "APPROVE"],
    ["👍 yes", "APPROVE"],
    ["  nO. ", "DENY"],
    ["¡Sí!", "APPROVE"],
    ["sí", "APPROVE"],
    ["Oui.", "APPROVE"],
    ["ja!", "APPROVE"],
    ["OPT-OUT", "STOP"],
    ["opt-out", "STOP"],
    ["Opt\u2011Out", "STOP"], // non-breaking hyphen
    ["ARRÊT", "STOP"],
    ["arrêt", "STOP"],
    ["Y.E.S", "APPROVE"],
    ["y.e.s.", "APPROVE"],
    ["ＹＥＳ", "APPROVE"], // full-width letters
    ["1\uFE0F\u20E3", "APPROVE"], // keycap emoji 1️⃣
    ["2.", "DENY"],
    ["yes\u200Bplease", "APPROVE"], // zero-width space separates
    ["STOP\u0000", "STOP"],
  ] as const)("%j → %s", (body, intent) => {
    expect(parseReply(body).intent).toBe(intent);
  });

  it("gives the canonical answer word", () => {
    expect(parseReply("¡sí!").answer).toBe("YES");
    expect(parseReply("nein").answer).toBe("NO");
    expect(parseReply("arrêt").answer).toBe("STOP");
    expect(parseReply("help").answer).toBeNull();
    expect(parseReply("unstop").answer).toBeNull();
    expect(parseReply("maybe").answer).toBeNull();
  });
});

describe("parseReply: the first word counts", () => {
  it.each([
    ["yes no", "APPROVE"],
    ["nope, yes", "DENY"],
    ["no idea", "DENY"],
    ["stop yes", "STOP"],
    ["opt out", "UNKNOWN"], // first word is OPT
    ["yesterday", "UNKNOWN"],
    ["okay", "UNKNOWN"],
    ["maybe", "UNKNOWN"],
    ["I think yes", "UNKNOWN"],
    ["don't", "UNKNOWN"],
    ["yes.no", "UNKNOWN"], // a dot inside a word joins it: YESNO
    ["", "UNKNOWN"],
    ["   ", "UNKNOWN"],
    ["👍", "UNKNOWN"],
    ["?!", "UNKNOWN"],
  ] as const)("%j → %s", (body, intent) => {
    const parsed = parseReply(body);
    expect(parsed.intent).toBe(intent);
    if (intent === "UNKNOWN") expect(parsed).toEqual({ intent, answer: null, referenceCode: null });
  });
});

describe("parseReply: reference codes", () => {
  it.each([
    ["YES 417", "APPROVE", "417"],
    ["no #417", "DENY", "417"],
    ["Yes, 417!", "APPROVE", "417"],
    ["yes-417", "APPROVE", "417"],
    ["1 417", "APPROVE", "417"],
    ["stop 417", "STOP", "417"],
    ["007 no", "DENY", "007"],
    ["417 yes", "APPROVE", "417"],
    ["#417: no", "DENY", "417"],
    ["417 1", "APPROVE", "417"],
    ["417 2", "DENY", "417"],
  ] as const)("%j → %s with code %s", (body, intent, referenceCode) => {
    expect(parseReply(body)).toMatchObject({ intent, referenceCode });
  });

  it.each([
    ["yes", "APPROVE"],
    ["yes 1", "APPROVE"], // 1 and 2 are answers, not codes
    ["no 2", "DENY"],
    ["yes 41", "APPROVE"],
    ["yes 4170", "APPROVE"],
    ["yes417", "UNKNOWN"],
    ["yes it is 417", "APPROVE"], // the code must follow the answer directly
    ["yes 4.17", "APPROVE"], // dots join letters only, never digits
    ["yes $4.17", "APPROVE"],
    ["yes 4-1-7", "APPROVE"],
    ["417", "UNKNOWN"],
    ["417 maybe", "UNKNOWN"],
    ["maybe 417", "UNKNOWN"],
    ["4170 yes", "UNKNOWN"],
  ] as const)("%j → %s without a code", (body, intent) => {
    expect(parseReply(body)).toMatchObject({ intent, referenceCode: null });
  });
});

describe("parseReply: hostile input", () => {
  it.each([
    ["lone high surrogate", "\uD800yes", "APPROVE"],
    ["lone low surrogate", "no\uDC00", "DENY"],
    ["only surrogates", "\uDC00\uD800", "UNKNOWN"],
    ["control characters", "\u0001\u0007\u001bSTOP\u007f", "STOP"],
    ["bidi overrides", "\u202Eyes\u202C", "APPROVE"],
  ] as const)("%s", (_name, body, intent) => {
    expect(parseReply(body).intent).toBe(intent);
  });

  it.each([
    ["words", `yes ${"a".repeat(100_000)}`, "APPROVE"],
    ["emoji", "👍".repeat(50_000), "UNKNOWN"],
    ["one long word", "y".repeat(100_000), "UNKNOWN"],
    ["lone surrogates", "\uD800".repeat(100_000), "UNKNOWN"],
    ["expanding compatibility characters", "\uFDFA".repeat(100_000), "UNKNOWN"],
  ] as const)("100 KB of %s returns quickly", (_name, body, intent) => {
    const started = performance.now();
    expect(parseReply(body).intent).toBe(intent);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("reads a whole inbound body (1,600 characters) and nothing past it", () => {
    // Leading spaces are ignored however many there are in a valid body…
    expect(parseReply(`${" ".repeat(300)}yes`).intent).toBe("APPROVE");
    expect(parseReply(`${" ".repeat(1597)}yes`).intent).toBe("APPROVE");
    // …past the longest valid body nothing is read, and a word cut there is dropped, not shortened.
    expect(parseReply(`${" ".repeat(1600)}yes`).intent).toBe("UNKNOWN");
    expect(parseReply(`${" ".repeat(1599)}NOT`).intent).toBe("UNKNOWN");
  });

  it("never throws on random UTF-16", () => {
    let seed = 42;
    const nextCodeUnit = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 0x10000;
    };
    for (let i = 0; i < 2_000; i++) {
      const body = String.fromCharCode(...Array.from({ length: i % 40 }, nextCodeUnit));
      expect(() => parseReply(body)).not.toThrow();
    }
  });
});
