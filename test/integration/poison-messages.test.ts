import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function rejectionOf(queue: string, body: string) {
  const messageId = await h.sendToQueue(queue, body);
  const handled = await h.waitForHandled((m) => m.messageId === messageId);
  const dlq = queue === QUEUES.requests ? QUEUES.requestsDlq : QUEUES.inboundDlq;
  const dead = await h.aws.server.spy.waitForMessage(
    (m) => m.service === "sqs" && m.queueName === dlq && m.messageAttributes.sourceMessageId?.StringValue === messageId,
    "published",
    5_000,
  );
  return { handled, dead: dead as { body: string; messageAttributes: Record<string, { StringValue?: string }> } };
}

const requestRejections: Array<[string, string, string]> = [
  ["malformed JSON", "{not json", "invalid_json"],
  ["wrong types", JSON.stringify(verificationRequest({ amountMinor: "12.50" })), "invalid_message"],
  ["an unknown type", JSON.stringify({ type: "verification.approved", transactionId: "txn-1" }), "invalid_message"],
  ["an unknown field", JSON.stringify(verificationRequest({ amount: 12.5 })), "invalid_message"],
  ["a non-E.164 phone number", JSON.stringify(verificationRequest({ phoneNumber: "425-555-0182" })), "invalid_message"],
  ["a 256 KB body", JSON.stringify(verificationRequest({ merchant: "x".repeat(256 * 1024) })), "body_too_large"],
  ["an envelope around junk", JSON.stringify({ Type: "Notification", Message: "<xml/>" }), "invalid_json"],
];

describe("poison messages", () => {
  it.each(requestRejections)("dead-letters a request with %s, deletes it and names the reason", async (_, body, reason) => {
    const { handled, dead } = await rejectionOf(QUEUES.requests, body);
    expect(handled).toMatchObject({ outcome: `rejected:${reason}`, acknowledged: true });
    expect(dead.body).toBe(body);
    expect(dead.messageAttributes.rejectionReason?.StringValue).toBe(reason);
  });

  it("dead-letters a malformed reply, and the rejection log names the field, not the value", async () => {
    const body = JSON.stringify(inboundSms({ originationNumber: "+1425555O182" }));
    const { handled } = await rejectionOf(QUEUES.inbound, body);
    expect(handled.outcome).toBe("rejected:invalid_message");
    const line = h.logLines.find((l) => l.includes(handled.messageId ?? "?") && l.includes("rejected"));
    expect(line).toContain("originationNumber");
    expect(line).not.toContain("+1425555O182");
  });

  it("never blocks the queue: valid requests behind junk are all texted", async () => {
    const valid = [verificationRequest(), verificationRequest(), verificationRequest()];
    for (const request of valid) {
      await h.sendToQueue(QUEUES.requests, "}{");
      await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    }
    for (const request of valid) {
      await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    }
    const left = await h.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: h.aws.queueUrl(QUEUES.requests), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(left.Messages ?? []).toHaveLength(0);
  });

  it("keeps phone numbers and reply text out of every log line", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    const secret = "yes my secret words";
    await h.sendToQueue(
      QUEUES.inbound,
      JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, messageBody: secret, previousPublishedMessageId: question.messageId })),
    );
    await h.waitForDecision(String(request.transactionId));
    const all = h.logLines.join("\n");
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(all).not.toContain(String(request.phoneNumber));
    expect(all).not.toContain(String(request.phoneNumber).slice(1));
    expect(all).not.toContain(secret);
    expect(all).toContain(`"transactionId":"${String(request.transactionId)}"`);
  });
});
