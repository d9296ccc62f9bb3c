import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("request → SMS → reply → decision", () => {
  it("approves on YES correlated by previousPublishedMessageId, with the contract's event and a confirmation", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((sms) => sms.destinationPhoneNumber === request.phoneNumber);
    expect(question.originationIdentity).toBe("+18885550100");
    expect(question.messageType).toBe("TRANSACTIONAL");
    expect(question.context).toEqual({ transactionId: request.transactionId });
    expect(question.messageBody).toContain("$125.40");
    expect(question.messageBody).toContain("ACME STORE #42");
    expect(question.messageBody).toContain("4242");

    const reply = inboundSms({
      originationNumber: request.phoneNumber,
      messageBody: "Yes!",
      previousPublishedMessageId: question.messageId,
    });
    await h.publishToTopic(TOPICS.inbound, JSON.stringify(reply));
    const event = await h.waitForDecision(String(request.transactionId));

    expect(event).toMatchObject({
      eventType: "verification.decided",
      schemaVersion: 2,
      transactionId: request.transactionId,
      decision: "APPROVED",
      phoneNumberMasked: `+1******${String(request.phoneNumber).slice(-4)}`,
      outboundMessageId: question.messageId,
      reply: { inboundMessageId: reply.inboundMessageId, answer: "YES", correlatedBy: "previousPublishedMessageId" },
      undeliverableReason: null,
      metadata: { cardId: "card_123" },
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.decidedAt)).toBeGreaterThanOrEqual(Date.parse(event.requestedAt));
    expect(new Date(event.requestedAt).toISOString()).toBe(event.requestedAt);
    expect(event).toMatchObject({ schemaVersion: 2, undeliverableReason: null, delivery: null });
    expect(Object.keys(event).sort()).toEqual(
      [
        ...["eventType", "schemaVersion", "eventId", "transactionId", "decision", "requestedAt", "decidedAt", "phoneNumberMasked"],
        ...["outboundMessageId", "reply", "undeliverableReason", "delivery", "metadata"],
      ].sort(),
    );
    const confirmation = await h.sandbox.waitForSms(
      (sms) => sms.destinationPhoneNumber === request.phoneNumber && sms.messageId !== question.messageId,
    );
    expect(confirmation.messageBody).toMatch(/approved|confirmed/i);
  });
});
