import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

// Contract v2: metadata has ≤ 20 entries, keys 1–64 chars, values ≤ 256 chars, any key a JSON object can
// hold (__proto__ included), echoed unchanged in the decision event; anything else is refused as invalid.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Keys written as JSON text: an object literal would treat "__proto__" as the prototype, not a key. */
function requestBody(metadataJson: string): { transactionId: string; body: string } {
  const request = verificationRequest();
  delete request["metadata"];
  const json = JSON.stringify(request);
  return { transactionId: String(request.transactionId), body: `${json.slice(0, -1)},"metadata":${metadataJson}}` };
}

/** The raw text SNS was given for this transaction's decision. */
async function publishedDecisionBody(transactionId: string): Promise<string> {
  const message = await h.aws.server.spy.waitForMessage(
    (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes(`"transactionId":"${transactionId}"`),
    "published",
    10_000,
  );
  return (message as { body: string }).body;
}

async function decideByCancelling(body: string, transactionId: string): Promise<string> {
  await h.sendToQueue(QUEUES.requests, body);
  await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);
  await h.sendToQueue(QUEUES.requests, JSON.stringify({ type: "verification.cancelled", transactionId }));
  return publishedDecisionBody(transactionId);
}

describe("request metadata", () => {
  it("echoes __proto__, constructor and other Object.prototype names unchanged in the decision event", async () => {
    const metadataJson = '{"__proto__":"p-1","constructor":"c-2","toString":"t-3","hasOwnProperty":"h-4","cardId":"card_123"}';
    const { transactionId, body } = requestBody(metadataJson);
    const published = await decideByCancelling(body, transactionId);
    expect(published).toContain(`"metadata":${metadataJson}`);
    const event = JSON.parse(published) as { decision: string; metadata: Record<string, string> };
    expect(event.decision).toBe("CANCELLED");
    expect(Object.entries(event.metadata)).toEqual([
      ["__proto__", "p-1"],
      ["constructor", "c-2"],
      ["toString", "t-3"],
      ["hasOwnProperty", "h-4"],
      ["cardId", "card_123"],
    ]);
  });

  it("accepts the largest metadata the contract allows, byte for byte", async () => {
    const entries = Array.from({ length: 20 }, (_, i) => [`${String(i).padStart(2, "0")}${"k".repeat(62)}`, "é".repeat(256)]);
    const metadataJson = JSON.stringify(Object.fromEntries(entries));
    const { transactionId, body } = requestBody(metadataJson);
    expect(await decideByCancelling(body, transactionId)).toContain(`"metadata":${metadataJson}`);
  });

  it.each([
    ["21 entries", JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])))],
    ["21 entries, one of them __proto__", `{"__proto__":"x",${JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"]))).slice(1)}`],
    ["an empty key", '{"":"v"}'],
    ["a 65-character key", JSON.stringify({ ["k".repeat(65)]: "v" })],
    ["a 257-character value", JSON.stringify({ k: "v".repeat(257) })],
    ["a __proto__ whose value is not a string", '{"__proto__":{"polluted":"yes"}}'],
    ["a number value", '{"k":1}'],
    ["an array", '["k","v"]'],
  ])("refuses metadata with %s as an invalid message, naming no key", async (_case, metadataJson) => {
    const { transactionId, body } = requestBody(metadataJson);
    const messageId = await h.sendToQueue(QUEUES.requests, body);
    const handled = await h.waitForHandled((m) => m.messageId === messageId);
    expect(handled).toMatchObject({ outcome: "rejected:invalid_message", acknowledged: true });
    expect(h.sandbox.sent.some((sms) => sms.context?.transactionId === transactionId)).toBe(false);
    const line = h.logLines.find((l) => l.includes(messageId) && l.includes("rejected")) ?? "";
    expect(line).toContain("metadata");
    expect(line).not.toContain("kkkkkkkkkk");
  });
});
