import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import {
  inboundSms,
  ORIGINATION_FORMS,
  ORIGINATION_NUMBER,
  OTHER_NUMBER,
  POOL_SECOND_NUMBER,
  startHarness,
  verificationRequest,
  type Harness,
} from "../support/service-harness.ts";

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

// Production passes ORIGINATION_IDENTITY as a phone number ARN; it may also be a phone number id, a
// pool, or the E.164 number. Replies are addressed to the number the question left from, which the
// service learns at start-up (DescribePhoneNumbers) for an id or ARN.
describe.each(ORIGINATION_FORMS)("with ORIGINATION_IDENTITY as %s", (form) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ originationForm: form });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const ask = async () => {
    const request = verificationRequest();
    await harness.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await harness.sandbox.waitForSms((sms) => sms.context?.transactionId === request.transactionId);
    return { request, transactionId: String(request.transactionId), question };
  };
  const reply = async (phoneNumber: unknown, destinationNumber: string, previousPublishedMessageId: string) => {
    const id = await harness.sendToQueue(
      QUEUES.inbound,
      JSON.stringify(inboundSms({ originationNumber: phoneNumber, destinationNumber, messageBody: "YES", previousPublishedMessageId })),
    );
    return harness.waitForHandled((m) => m.messageId === id && m.acknowledged);
  };

  it("texts from the identity's number and approves on YES to that number", async () => {
    const { request, transactionId, question } = await ask();
    expect(question.originationIdentity).toBe(harness.config.originationIdentity);
    expect(question.originationNumber).toBe(ORIGINATION_NUMBER);
    const handled = await reply(request.phoneNumber, ORIGINATION_NUMBER, question.messageId);
    expect(handled.outcome).toBe("decided");
    expect(await harness.waitForDecision(transactionId)).toMatchObject({ decision: "APPROVED", outboundMessageId: question.messageId });
  });

  if (form === "pool") {
    // A pool's numbers are all the service's: a reply to the other one is an answer too. (The
    // contract checks the destination only where the identity is a phone number.)
    it("approves on YES to the pool's other number", async () => {
      const { request, transactionId, question } = await ask();
      const handled = await reply(request.phoneNumber, POOL_SECOND_NUMBER, question.messageId);
      expect(handled.outcome).toBe("decided");
      expect(await harness.waitForDecision(transactionId)).toMatchObject({ decision: "APPROVED" });
    });
  } else {
    it("decides nothing for a YES addressed to another of our numbers", async () => {
      const { request, transactionId, question } = await ask();
      const handled = await reply(request.phoneNumber, OTHER_NUMBER, question.messageId);
      expect(handled.outcome).toBe("wrong_destination");
      expect(harness.decisionsFor(transactionId)).toHaveLength(0);
    });
  }
});
