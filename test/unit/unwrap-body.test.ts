import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, unwrapBody } from "../../src/adapters/sqs/unwrap-body.ts";
import { PoisonMessageError } from "../../src/errors.ts";

function reasonOf(body: string | undefined): string {
  try {
    unwrapBody(body);
  } catch (error) {
    if (error instanceof PoisonMessageError) return error.reason;
    throw error;
  }
  throw new Error("expected a poison message");
}

describe("unwrapBody", () => {
  it("returns a raw payload as is", () => {
    expect(unwrapBody('{"a":1}')).toEqual({ payload: { a: 1 }, publishedAt: undefined });
  });

  it("opens an SNS envelope and keeps its timestamp, with or without Subject and MessageAttributes", () => {
    const envelope = { Type: "Notification", Message: '{"a":1}', Timestamp: "2026-11-26T22:00:41.090Z" };
    expect(unwrapBody(JSON.stringify(envelope))).toEqual({ payload: { a: 1 }, publishedAt: Date.parse(envelope.Timestamp) });
    const full = { ...envelope, Subject: "x", MessageAttributes: { k: { Type: "String", Value: "v" } }, Timestamp: "bad" };
    expect(unwrapBody(JSON.stringify(full))).toEqual({ payload: { a: 1 }, publishedAt: undefined });
  });

  it("treats an object with Type but no string Message as a raw payload", () => {
    expect(unwrapBody('{"Type":"Notification","Message":5}').payload).toEqual({ Type: "Notification", Message: 5 });
  });

  it.each([
    [undefined, "empty_body"],
    ["", "empty_body"],
    ["{nope", "invalid_json"],
    [JSON.stringify({ Type: "Notification", Message: "not json" }), "invalid_json"],
    ["x".repeat(MAX_BODY_BYTES + 1), "body_too_large"],
    ["é".repeat(MAX_BODY_BYTES / 2 + 1), "body_too_large"],
  ])("refuses %#", (body, reason) => {
    expect(reasonOf(body)).toBe(reason);
  });
});
