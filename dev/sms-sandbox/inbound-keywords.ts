// How an inbound SMS is matched to a keyword, for the two-way payload's messageKeyword and for
// the opt-out list. AWS matches keywords case-insensitively at the start of the message.
import { SANDBOX_ACCOUNT_ID } from "./arn.ts";

export type KeywordAction = "AUTOMATIC_RESPONSE" | "OPT_OUT" | "OPT_IN";

export interface KeywordRule {
  keyword: string;
  action: KeywordAction;
}

/** The opt-out words AWS honours on every number whose opt-outs it manages. */
export const OPT_OUT_WORDS = [
  "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE", "REMOVE", "ARRET", "TD",
] as const;

export const OPT_IN_WORDS = ["START", "UNSTOP"] as const;

/** What DescribeKeywords lists for a number nobody called PutKeyword on. */
export const DEFAULT_KEYWORDS: readonly KeywordRule[] = [
  { keyword: "HELP", action: "AUTOMATIC_RESPONSE" },
  { keyword: "STOP", action: "OPT_OUT" },
];

const BUILT_IN: readonly KeywordRule[] = [
  ...OPT_OUT_WORDS.map((keyword) => ({ keyword, action: "OPT_OUT" as const })),
  ...OPT_IN_WORDS.map((keyword) => ({ keyword, action: "OPT_IN" as const })),
];

/**
 * What AWS puts in messageKeyword when no keyword matches: published payloads show
 * "KEYWORD_<account id>" there, not the message's first word.
 */
export const NO_KEYWORD = `KEYWORD_${SANDBOX_ACCOUNT_ID}`;

function startsWithKeyword(body: string, keyword: string): boolean {
  if (!body.startsWith(keyword)) return false;
  const next = body.charAt(keyword.length);
  return next === "" || !/[\p{L}\p{N}]/u.test(next);
}

/**
 * The keyword an inbound message matches: the number's registered keywords first, then AWS's
 * built-in opt-out and opt-in words; the longest match wins ("STOPALL" over "STOP").
 */
export function matchKeyword(messageBody: string, registered: readonly KeywordRule[]): KeywordRule | undefined {
  const body = messageBody.trim().toUpperCase();
  const candidates = [...registered, ...BUILT_IN].filter((rule) => startsWithKeyword(body, rule.keyword.toUpperCase()));
  return candidates.reduce<KeywordRule | undefined>(
    (best, rule) => (best === undefined || rule.keyword.length > best.keyword.length ? rule : best),
    undefined,
  );
}
