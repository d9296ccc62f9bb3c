/**
 * Meaning of an inbound SMS reply (contract: "Inbound SMS"). Pure, total: never throws.
 */

export type ReplyIntent = "APPROVE" | "DENY" | "STOP" | "HELP" | "START" | "UNKNOWN";

export type ReplyAnswer = "YES" | "NO" | "STOP";

export interface ParsedReply {
  intent: ReplyIntent;
  /** The canonical word for APPROVE, DENY and STOP; null otherwise. */
  answer: ReplyAnswer | null;
  /** The 3-digit code that names a verification ("YES 417" or "417 YES"), if any. */
  referenceCode: string | null;
}

type KnownIntent = Exclude<ReplyIntent, "UNKNOWN">;

/**
 * The word each language's texts tell the cardholder to send for each answer ("Reply YES 417 or NO 417",
 * "Reply STOP to opt out"). The texts take their words from here and REPLY_WORDS below includes them,
 * so whatever a text suggests parses to the answer it stands for.
 */
export const SUGGESTED_REPLY_WORDS = {
  en: { APPROVE: "YES", DENY: "NO", STOP: "STOP" },
  es: { APPROVE: "SI", DENY: "NO", STOP: "STOP" },
  fr: { APPROVE: "OUI", DENY: "NON", STOP: "STOP" },
  de: { APPROVE: "JA", DENY: "NEIN", STOP: "STOP" },
} as const satisfies Readonly<Record<string, Readonly<Record<"APPROVE" | "DENY" | "STOP", string>>>>;

const suggested = (intent: "APPROVE" | "DENY" | "STOP"): string[] =>
  Object.values(SUGGESTED_REPLY_WORDS).map((words) => words[intent]);

/** The reply words, spelled as in the contract; lookups go through the same normalization as replies. */
export const REPLY_WORDS: Readonly<Record<KnownIntent, ReadonlySet<string>>> = {
  APPROVE: new Set([...suggested("APPROVE"), "Y", "YEP", "YEAH", "OK", "APPROVE", "1", "SÍ"]),
  DENY: new Set([...suggested("DENY"), "N", "NOPE", "DENY", "DECLINE", "FRAUD", "2"]),
  STOP: new Set([
    ...suggested("STOP"),
    "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE", "REMOVE", "ARRET", "TD",
  ]),
  HELP: new Set(["HELP", "INFO"]),
  START: new Set(["START", "UNSTOP"]),
};

const CANONICAL_ANSWER: Readonly<Record<ReplyIntent, ReplyAnswer | null>> = {
  APPROVE: "YES",
  DENY: "NO",
  STOP: "STOP",
  HELP: null,
  START: null,
  UNKNOWN: null,
};

/**
 * The longest body an inbound SMS may have (inboundSmsSchema): every reply that can arrive is read
 * whole, however much noise comes before its first word. Anything longer (never valid) is cut here so
 * huge input costs nothing, and a word the cut runs through is dropped rather than read shortened.
 */
const MAX_INSPECTED_CHARS = 1600;

const COMBINING_MARKS = /\p{M}/gu;
// Emoji are noise, including those whose compatibility form is a letter or digit (ℹ️ → I, Ⓜ️ → M,
// ™ → TM, 🆗 → OK in some fonts' eyes): they separate words and never become one. Keycaps (1️⃣) are a
// digit followed by marks, not pictographs, so they still count as the digit.
const PICTOGRAPHS = /\p{Extended_Pictographic}/gu;
// Hyphens, apostrophes (ASCII and typographic) and dots between two letters join a word:
// OPT-OUT → OPTOUT, Y.E.S → YES. Anywhere else they separate words, so digits never merge
// into a code by accident ("$4.17" is not code 417) and "yes-417" still carries its code.
const IN_WORD_JOINER = /(?<=\p{L})[-'.\u2010\u2019\u02BC](?=\p{L})/gu;
const WORD = /[\p{L}\p{N}]+/gu;
// A raw character that may continue the word before it (letters, digits, marks, in-word joiners).
const CONTINUES_WORD = /^[\p{L}\p{N}\p{M}\-'.\u2010\u2011\u2019\u02BC]/u;
const REFERENCE_CODE = /^[0-9]{3}$/;

function normalizedWords(text: string, limit: number): string[] {
  const cutInWord = text.length > MAX_INSPECTED_CHARS && CONTINUES_WORD.test(text.slice(MAX_INSPECTED_CHARS));
  // Uppercase before NFKD: uppercasing may itself produce combining marks (ǰ → J + ̌).
  const normalized = text
    .slice(0, MAX_INSPECTED_CHARS)
    .replace(PICTOGRAPHS, " ")
    .toUpperCase()
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .replace(IN_WORD_JOINER, "");
  const words: string[] = [];
  for (const match of normalized.matchAll(WORD)) {
    if (cutInWord && match.index + match[0].length === normalized.length) break;
    words.push(match[0]);
    if (words.length >= limit) break;
  }
  return words;
}

const INTENT_BY_WORD: ReadonlyMap<string, KnownIntent> = new Map(
  Object.entries(REPLY_WORDS).flatMap(([intent, words]) =>
    [...words].map((word) => [normalizedWords(word, 1)[0] ?? "", intent as KnownIntent] as const),
  ),
);

function reply(intent: ReplyIntent, referenceCode: string | null): ParsedReply {
  return { intent, answer: CANONICAL_ANSWER[intent], referenceCode };
}

/**
 * The first word decides the intent. A reference code is the 3-digit word right after it,
 * or the word right before it when the reply starts with the code ("417 yes").
 */
export function parseReply(body: string): ParsedReply {
  const [first, second] = normalizedWords(body, 2);
  if (first === undefined) return reply("UNKNOWN", null);

  const firstIntent = INTENT_BY_WORD.get(first);
  if (firstIntent !== undefined) {
    const code = second !== undefined && REFERENCE_CODE.test(second) ? second : null;
    return reply(firstIntent, code);
  }

  const secondIntent = second === undefined ? undefined : INTENT_BY_WORD.get(second);
  if (secondIntent !== undefined && REFERENCE_CODE.test(first)) return reply(secondIntent, first);

  return reply("UNKNOWN", null);
}
