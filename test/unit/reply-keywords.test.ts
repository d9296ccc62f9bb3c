import { describe, expect, it } from "vitest";
import { REPLY_WORDS } from "../../src/domain/reply.ts";
import { swallowsAnswer } from "../../provision/reply-keywords.ts";

describe("swallowsAnswer", () => {
  it.each([...REPLY_WORDS.APPROVE, ...REPLY_WORDS.DENY])("refuses the answer %s", (word) => {
    expect(swallowsAnswer(word)).toBe(true);
  });

  it.each(["yes", "Si", "sí", "Oui", "ok", "2", "  no ", "YES PLEASE", "no!"])("refuses %j whatever its case, accents or tail", (word) => {
    expect(swallowsAnswer(word)).toBe(true);
  });

  it.each(["STOP", "HELP", "INFO", "START", "JOIN", "YESPLEASE", "NOW", "12", "OKAY"])("allows %s", (word) => {
    expect(swallowsAnswer(word)).toBe(false);
  });
});
