import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SMS_CONFIGURATION_SET: "fraud-checks", BRAND_NAME: "Acme Bank" } });
});
afterAll(async () => {
  await h?.stop();
});

const smsTo = (phone: unknown) => h.sandbox.sent.filter((sms) => sms.destinationPhoneNumber === phone);

describe("verification requests", () => {
  it("texts the cardholder with every SendTextMessage field of the contract (raw SQS body)", async () => {
    const request = verificationRequest({ amountMinor: 12540, currency: "USD", merchant: "ACME STORE #42" });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const sms = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    expect(sms).toMatchObject({
      originationIdentity: "+18885550100",
      messageType: "TRANSACTIONAL",
      configurationSetName: "fraud-checks",
      context: { transactionId: request.transactionId },
    });
    expect(sms.messageBody).toBe("Acme Bank: Did you attempt $125.40 at ACME STORE #42 with card ending 4242? Reply YES or NO");
  });

  it("accepts a request wrapped in an SNS envelope", async () => {
    const request = verificationRequest({ amountMinor: 500, currency: "JPY", locale: "ja-JP" });
    await h.publishToTopic(TOPICS.requests, JSON.stringify(request));
    const sms = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    expect(sms.messageBody).toContain("¥500");
  });

  it("sends one SMS and yields one decision for a duplicated request", async () => {
    const request = verificationRequest();
    const body = JSON.stringify(request);
    const [first, second] = await Promise.all([h.sendToQueue(QUEUES.requests, body), h.sendToQueue(QUEUES.requests, body)]);
    await h.waitForHandled((m) => m.messageId === first && m.acknowledged);
    await h.waitForHandled((m) => m.messageId === second && m.acknowledged);
    expect(smsTo(request.phoneNumber)).toHaveLength(1);

    await h.sendToQueue(QUEUES.requests, JSON.stringify({ type: "verification.cancelled", transactionId: request.transactionId }));
    await h.waitForDecision(String(request.transactionId));
    const third = await h.sendToQueue(QUEUES.requests, body);
    await h.waitForHandled((m) => m.messageId === third && m.acknowledged);
    expect(smsTo(request.phoneNumber)).toHaveLength(1);
    expect(h.decisionsFor(String(request.transactionId))).toHaveLength(1);
  });

  it("retries a throttled send with backoff and then texts once", async () => {
    const request = verificationRequest();
    const callsBefore = h.sandbox.callCount("SendTextMessage");
    h.sandbox.failNext("SendTextMessage", { name: "ThrottlingException", message: "Rate exceeded" }, 2);
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    expect(h.sandbox.callCount("SendTextMessage") - callsBefore).toBe(3);
    expect(smsTo(request.phoneNumber)).toHaveLength(1);
  });

  it("decides UNDELIVERABLE at once when the destination opted out at the carrier", async () => {
    const request = verificationRequest();
    h.sandbox.optOut(String(request.phoneNumber));
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "OPTED_OUT", reply: null, outboundMessageId: null });
  });

  it("cancels an open verification, and a later cancellation changes nothing", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    const cancel = JSON.stringify({ type: "verification.cancelled", transactionId: request.transactionId });
    await h.sendToQueue(QUEUES.requests, cancel);
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event).toMatchObject({ decision: "CANCELLED", reply: null });
    const again = await h.sendToQueue(QUEUES.requests, cancel);
    await h.waitForHandled((m) => m.messageId === again);
    expect(h.decisionsFor(String(request.transactionId))).toHaveLength(1);
  });

  it("remembers a cancellation that arrives before its request: CANCELLED without any SMS", async () => {
    const request = verificationRequest();
    const cancelId = await h.sendToQueue(
      QUEUES.requests,
      JSON.stringify({ type: "verification.cancelled", transactionId: request.transactionId }),
    );
    const cancelled = await h.waitForHandled((m) => m.messageId === cancelId);
    expect(cancelled.outcome).toBe("remembered");
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event.decision).toBe("CANCELLED");
    expect(smsTo(request.phoneNumber)).toHaveLength(0);
  });

  it("decides OPTED_OUT at once, without an SMS, for a phone that texted STOP", async () => {
    const phone = uniquePhone();
    const stopId = await h.sendToQueue(
      QUEUES.inbound,
      JSON.stringify(inboundSms({ originationNumber: phone, messageBody: "STOP" })),
    );
    await h.waitForHandled((m) => m.messageId === stopId);
    const request = verificationRequest({ phoneNumber: phone });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event.decision).toBe("OPTED_OUT");
    expect(smsTo(phone)).toHaveLength(0);
  });

  it("shows a reference code when another verification of the phone is open", async () => {
    const phone = uniquePhone();
    const first = verificationRequest({ phoneNumber: phone });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(first));
    const firstSms = await h.sandbox.waitForSms((m) => m.context?.transactionId === first.transactionId);
    const second = verificationRequest({ phoneNumber: phone, merchant: "BOOKS & CO" });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(second));
    const secondSms = await h.sandbox.waitForSms((m) => m.context?.transactionId === second.transactionId);
    expect(firstSms.messageBody).toMatch(/Reply YES or NO$/);
    expect(secondSms.messageBody).toMatch(/Reply YES (\d{3}) or NO \1$/);
  });

  it("expires an unanswered verification within 5 s of its deadline, even across a restart of the service", async () => {
    const request = verificationRequest({ expiresInSeconds: 30 });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === request.phoneNumber);
    await h.stopService();
    h.clock.advance(31_000);
    const deadlineSeenAt = h.clock.now();
    await h.startServiceAgain();
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event).toMatchObject({ decision: "EXPIRED", reply: null });
    const requestedAt = Date.parse(event.requestedAt);
    const decidedAt = Date.parse(event.decidedAt);
    expect(decidedAt - requestedAt).toBeGreaterThanOrEqual(30_000);
    expect(decidedAt - deadlineSeenAt).toBeLessThan(5_000);
  });
});
