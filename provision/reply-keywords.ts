// A keyword registered on the number makes AWS answer the handset with the keyword's message (and,
// for OPT_IN / OPT_OUT, change its opt-out state) before the service ever sees the reply. None of the
// service's approve or deny words may be one, whatever its action.
import { REPLY_WORDS } from "../src/domain/reply.ts";

function normalize(text: string): string {
  return text.toUpperCase().normalize("NFKD").replace(/\p{M}/gu, "").trim();
}

const ANSWER_WORDS: ReadonlySet<string> = new Set([...REPLY_WORDS.APPROVE, ...REPLY_WORDS.DENY].map(normalize));

/** AWS matches a keyword at the start of the message; one whose first word is an answer takes that answer. */
export function swallowsAnswer(keyword: string): boolean {
  const firstWord = /^[\p{L}\p{N}]+/u.exec(normalize(keyword))?.[0];
  return firstWord !== undefined && ANSWER_WORDS.has(firstWord);
}
