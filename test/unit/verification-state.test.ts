import { describe, expect, it } from "vitest";
import { nextState, owesConfirmation, decisions, type VerificationEvent, type VerificationState } from "../../src/domain/verification.ts";

describe("verification state machine", () => {
  const cases: Array<[VerificationState, VerificationEvent, VerificationState | null]> = [
    ["SENDING", "smsSent", "OPEN"],
    ["SENDING", "decide", "DECIDED"],
    ["OPEN", "decide", "DECIDED"],
    ["OPEN", "smsSent", null],
    ["DECIDED", "decide", null],
    ["DECIDED", "smsSent", null],
  ];
  it.each(cases)("%s + %s → %s", (state, event, expected) => {
    expect(nextState(state, event)).toBe(expected);
  });

  it("owes a confirmation SMS only after APPROVED or DENIED", () => {
    expect(decisions.filter(owesConfirmation)).toEqual(["APPROVED", "DENIED"]);
  });
});
