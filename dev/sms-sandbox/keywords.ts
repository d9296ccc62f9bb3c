// The keywords registered on each sandbox number (PutKeyword / DescribeKeywords / DeleteKeyword).
// AWS gives every number the mandatory HELP and STOP keywords; they can be reworded, not removed.
import { DEFAULT_KEYWORDS } from "./inbound-keywords.ts";
import type { KeywordAction, KeywordRule } from "./inbound-keywords.ts";

/** KeywordInformation as DescribeKeywords returns it. */
export interface KeywordInformation {
  Keyword: string;
  KeywordMessage: string;
  KeywordAction: KeywordAction;
}

export const KEYWORD_ACTIONS: readonly KeywordAction[] = ["AUTOMATIC_RESPONSE", "OPT_OUT", "OPT_IN"];

const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  HELP: "Reply STOP to opt out. Msg&data rates may apply.",
  STOP: "You are opted out and will receive no more messages. Reply START to opt back in.",
};

export function isMandatoryKeyword(keyword: string): boolean {
  return DEFAULT_KEYWORDS.some((rule) => rule.keyword === keyword.toUpperCase());
}

function defaults(): Map<string, KeywordInformation> {
  return new Map(
    DEFAULT_KEYWORDS.map((rule) => [
      rule.keyword,
      { Keyword: rule.keyword, KeywordMessage: DEFAULT_MESSAGES[rule.keyword] ?? rule.keyword, KeywordAction: rule.action },
    ]),
  );
}

export class PhoneNumberKeywords {
  // Per PhoneNumberId; keywords match case-insensitively, so they are keyed upper-cased.
  readonly #byNumber = new Map<string, Map<string, KeywordInformation>>();

  #of(phoneNumberId: string): Map<string, KeywordInformation> {
    let keywords = this.#byNumber.get(phoneNumberId);
    if (!keywords) {
      keywords = defaults();
      this.#byNumber.set(phoneNumberId, keywords);
    }
    return keywords;
  }

  list(phoneNumberId: string): KeywordInformation[] {
    return [...this.#of(phoneNumberId).values()].map((k) => ({ ...k }));
  }

  get(phoneNumberId: string, keyword: string): KeywordInformation | undefined {
    const found = this.#of(phoneNumberId).get(keyword.toUpperCase());
    return found && { ...found };
  }

  put(phoneNumberId: string, keyword: KeywordInformation): KeywordInformation {
    this.#of(phoneNumberId).set(keyword.Keyword.toUpperCase(), { ...keyword });
    return { ...keyword };
  }

  delete(phoneNumberId: string, keyword: string): KeywordInformation | undefined {
    const keywords = this.#of(phoneNumberId);
    const found = keywords.get(keyword.toUpperCase());
    keywords.delete(keyword.toUpperCase());
    return found;
  }

  /** The number's keywords as the inbound matcher reads them. */
  rules(phoneNumberId: string): KeywordRule[] {
    return this.list(phoneNumberId).map((k) => ({ keyword: k.Keyword, action: k.KeywordAction }));
  }

  clear(): void {
    this.#byNumber.clear();
  }
}
