import { describe, expect, it } from "vitest";
import { DEFAULT_KEYWORDS, matchKeyword, NO_KEYWORD } from "../../../dev/sms-sandbox/inbound-keywords.ts";
import { buildTwoWayPayload } from "../../../dev/sms-sandbox/two-way-payload.ts";

describe("matchKeyword", () => {
  it("matches a keyword at the start of the message, whatever its case, as a whole word", () => {
    expect(matchKeyword("help", DEFAULT_KEYWORDS)).toEqual({ keyword: "HELP", action: "AUTOMATIC_RESPONSE" });
    expect(matchKeyword("  Stop.  ", DEFAULT_KEYWORDS)).toEqual({ keyword: "STOP", action: "OPT_OUT" });
    expect(matchKeyword("helpful", DEFAULT_KEYWORDS)).toBeUndefined();
    expect(matchKeyword("please stop", DEFAULT_KEYWORDS)).toBeUndefined();
  });

  it("knows AWS's opt-out and opt-in words on every number, preferring the longest match", () => {
    expect(matchKeyword("stopall", DEFAULT_KEYWORDS)?.keyword).toBe("STOPALL");
    expect(matchKeyword("opt-out now", DEFAULT_KEYWORDS)).toEqual({ keyword: "OPT-OUT", action: "OPT_OUT" });
    expect(matchKeyword("unstop", DEFAULT_KEYWORDS)).toEqual({ keyword: "UNSTOP", action: "OPT_IN" });
    expect(matchKeyword("Arret", DEFAULT_KEYWORDS)?.action).toBe("OPT_OUT");
  });

  it("matches registered keywords, including several words", () => {
    const registered = [...DEFAULT_KEYWORDS, { keyword: "Card Lost", action: "AUTOMATIC_RESPONSE" as const }];
    expect(matchKeyword("card lost!", registered)?.keyword).toBe("Card Lost");
    expect(matchKeyword("card", registered)).toBeUndefined();
  });
});

describe("buildTwoWayPayload", () => {
  const input = {
    originationNumber: "+14255550182",
    destinationNumber: "+18885550100",
    previousPublishedMessageId: "m-1",
    registeredKeywords: DEFAULT_KEYWORDS,
  };

  it("puts the matched keyword, uppercased, in messageKeyword", () => {
    expect(buildTwoWayPayload({ ...input, messageBody: "help" }).payload.messageKeyword).toBe("HELP");
  });

  it("puts KEYWORD_<account id> there when nothing matches, as AWS's published payloads show", () => {
    const { payload, keyword } = buildTwoWayPayload({ ...input, messageBody: "Yes 417" });
    expect(keyword).toBeUndefined();
    expect(payload.messageKeyword).toBe(NO_KEYWORD);
    expect(NO_KEYWORD).toBe("KEYWORD_000000000000");
  });

  it("gives every message a fresh inboundMessageId", () => {
    const a = buildTwoWayPayload({ ...input, messageBody: "YES" }).payload.inboundMessageId;
    const b = buildTwoWayPayload({ ...input, messageBody: "YES" }).payload.inboundMessageId;
    expect(a).not.toBe(b);
  });
});
