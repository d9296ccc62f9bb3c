import type { ParsedReply, ReplyIntent } from "../../src/domain/reply.ts";

/**
 * The contract's reply table ("Inbound SMS"), written out here on purpose: the tests' oracle, so a
 * change to the code's own table cannot silently change what the tests expect.
 */
export const CONTRACT_REPLY_TABLE: ReadonlyArray<readonly [ReplyIntent, ParsedReply["answer"], readonly string[]]> = [
  ["APPROVE", "YES", ["YES", "Y", "YEP", "YEAH", "OK", "APPROVE", "1", "SI", "SÍ", "OUI", "JA"]],
  ["DENY", "NO", ["NO", "N", "NOPE", "DENY", "DECLINE", "FRAUD", "2", "NON", "NEIN"]],
  [
    "STOP",
    "STOP",
    ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE", "REMOVE", "ARRET", "TD"],
  ],
  ["HELP", null, ["HELP", "INFO"]],
  ["START", null, ["START", "UNSTOP"]],
];

/** One row per word: `{ word, intent, answer }`. */
export const CONTRACT_REPLY_WORDS = CONTRACT_REPLY_TABLE.flatMap(([intent, answer, words]) =>
  words.map((word) => ({ word, intent, answer })),
);
