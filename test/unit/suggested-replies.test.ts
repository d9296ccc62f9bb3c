import { describe, expect, it } from "vitest";
import { parseReply, SUGGESTED_REPLY_WORDS, type ReplyIntent } from "../../src/domain/reply.ts";
import {
  renderAlreadyHandled,
  renderChooseVerification,
  renderConfirmation,
  renderHelp,
  renderOptedIn,
  renderQuestion,
  renderReprompt,
  type SmsLanguage,
} from "../../src/domain/sms-text.ts";

// Contract v2, "Correlation": the words each text suggests ("Reply YES 417 or NO 417", in every
// language) come from the table the parser reads, and each parses to the answer it stands for.

const LANGUAGES = Object.keys(SUGGESTED_REPLY_WORDS) as SmsLanguage[];
const CODE = "417";
// Brand and merchant in lower case, so every upper-case word left in a text is the wording's own.
const brand = "my bank";
const merchant = "corner shop";
const longMerchant = "the extraordinarily long merchant name for testing purposes 0001";
/** Upper-case words of the wording that are not replies. */
const NOT_REPLY_WORDS = new Set(["SMS"]);

function everyText(locale: SmsLanguage): string[] {
  const purchase = { amountMinor: 12540, currency: "EUR", cardLast4: "4242", locale };
  return [
    ...[merchant, longMerchant].flatMap((m) => [null, CODE].map((referenceCode) => renderQuestion({ brand, merchant: m, ...purchase, referenceCode }))),
    renderHelp({ brand, locale }),
    renderHelp({ brand, locale, referenceCode: CODE }),
    renderReprompt({ brand, locale }),
    renderReprompt({ brand, locale, referenceCode: CODE }),
    renderChooseVerification({
      brand,
      locale,
      items: [
        { merchant, amountMinor: 100, currency: "EUR", referenceCode: CODE },
        { merchant: longMerchant, amountMinor: 200, currency: "EUR", referenceCode: "852" },
      ],
    }),
    renderOptedIn({ brand, locale }),
    renderAlreadyHandled({ brand, locale }),
    renderConfirmation({ brand, merchant, locale, decision: "APPROVED", amountMinor: 1, currency: "EUR" }),
    renderConfirmation({ brand, merchant, locale, decision: "DENIED", amountMinor: 1, currency: "EUR" }),
  ];
}

function upperCaseWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((word) => /\p{Lu}/u.test(word) && word === word.toUpperCase() && word.length > 1);
}

describe.each(LANGUAGES)("the reply words the %s texts suggest", (language) => {
  const table = SUGGESTED_REPLY_WORDS[language];
  const intentOf = new Map<string, ReplyIntent>(Object.entries(table).map(([intent, word]) => [word, intent as ReplyIntent]));

  it.each(Object.entries(table))("%s: '%s' parses to the answer it stands for, alone and with a code", (intent, word) => {
    expect(parseReply(word)).toMatchObject({ intent, referenceCode: null });
    expect(parseReply(`${word} ${CODE}`)).toMatchObject({ intent, referenceCode: CODE });
    expect(parseReply(`${CODE} ${word.toLowerCase()}`)).toMatchObject({ intent, referenceCode: CODE });
  });

  it("are exactly the table's words: every upper-case word of every text is one of them", () => {
    const suggested = new Set(everyText(language).flatMap(upperCaseWords).filter((word) => !NOT_REPLY_WORDS.has(word)));
    expect([...suggested].sort()).toEqual([...new Set(Object.values(table))].sort());
  });

  it("and every answer a text spells out with a code ('YES 417') decides with that code", () => {
    const withCode = new RegExp(`\\b(\\p{Lu}+) ${CODE}\\b`, "gu");
    let answers = 0;
    for (const text of everyText(language)) {
      for (const [phrase, word = ""] of text.matchAll(withCode)) {
        answers += 1;
        const intent = intentOf.get(word);
        expect(intent, `"${phrase}" in "${text}"`).toBeDefined();
        expect(parseReply(phrase)).toMatchObject({ intent, referenceCode: CODE });
      }
    }
    expect(answers).toBeGreaterThanOrEqual(6);
  });
});
