import { describe, expect, it } from "vitest";
import { isAllowed } from "../../provision/policy-evaluator.ts";
import type { AccessRequest } from "../../provision/policy-evaluator.ts";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:replies";
const request: AccessRequest = {
  principalService: "sms-voice.amazonaws.com",
  action: "sns:Publish",
  resource: TOPIC,
  context: { "aws:SourceAccount": "111122223333", "aws:SourceArn": "arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-1" },
};

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const allowSms = { Effect: "Allow", Principal: { Service: "sms-voice.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC };

describe("isAllowed", () => {
  it("allows the guide's statement, with or without the confused-deputy conditions", () => {
    expect(isAllowed(policy({ ...allowSms, Resource: "*" }), request)).toBe(true);
    expect(
      isAllowed(
        policy({
          ...allowSms,
          Condition: {
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:sms-voice:us-east-1:111122223333:*" },
          },
        }),
        request,
      ),
    ).toBe(true);
  });

  it("accepts wildcards, lists, a single statement object and case-insensitive actions", () => {
    expect(isAllowed(JSON.stringify({ Statement: { ...allowSms, Action: ["SNS:*"], Principal: { Service: ["sns.amazonaws.com", "sms-voice.amazonaws.com"] } } }), request)).toBe(true);
    expect(isAllowed(policy({ ...allowSms, Principal: "*", Resource: "arn:aws:sns:us-east-1:111122223333:*" }), request)).toBe(true);
  });

  it.each([
    ["no policy", undefined],
    ["not JSON", "{"],
    ["another principal", policy({ ...allowSms, Principal: { Service: "events.amazonaws.com" } })],
    ["another action", policy({ ...allowSms, Action: "sns:Subscribe" })],
    ["another topic", policy({ ...allowSms, Resource: "arn:aws:sns:us-east-1:111122223333:other" })],
    ["another account's condition", policy({ ...allowSms, Condition: { StringEquals: { "aws:SourceAccount": "999999999999" } } })],
    ["an unknown condition operator", policy({ ...allowSms, Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01" } } })],
    ["an unknown condition key", policy({ ...allowSms, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } })],
    ["NotPrincipal", policy({ ...allowSms, Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::1:root" } })],
    ["an explicit deny", policy(allowSms, { Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*" })],
  ])("refuses %s", (_name, document) => {
    expect(isAllowed(document, request)).toBe(false);
  });

  it("lets a deny that does not apply stand aside", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*", Condition: { StringNotEquals: { "aws:SourceAccount": "111122223333" } } };
    expect(isAllowed(policy(allowSms, deny), request)).toBe(true);
  });
});
