/**
 * Delivery receipts end to end with the SMS sandbox playing the carrier: it publishes each text's
 * events to the events topic as an event destination does (queued, then delivered or the
 * handset's failure), and answers PutMessageFeedback as AWS would.
 */
import { PutMessageFeedbackCommand } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  // SMS_MESSAGE_FEEDBACK stays at its default (false).
  h = await startHarness({ smsEvents: "sandbox" });
});
afterEach(() => h.sandbox.reset());
afterAll(async () => {
  await h?.stop();
});

async function request(overrides: Record<string, unknown> = {}) {
  const body = verificationRequest(overrides);
  const transactionId = String(body.transactionId);
  await h.sendToQueue(QUEUES.requests, JSON.stringify(body));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);
  return { transactionId, phone: String(body.phoneNumber), question };
}

describe("the sandbox's delivery events", () => {
  it("reports queued then delivered, as AWS does, and the verification records it", async () => {
    const { transactionId, phone, question } = await request();

    await vi.waitFor(async () => expect((await h.service.context.store.get(transactionId))?.delivery?.status).toBe("DELIVERED"), {
      timeout: 5_000,
    });

    const events = h.sandbox.deliveryEvents.filter((event) => event.messageId === question.messageId);
    expect(events.map((event) => [event.eventType, event.messageStatus, event.isFinal])).toEqual([
      ["TEXT_QUEUED", "QUEUED", false],
      ["TEXT_DELIVERED", "DELIVERED", true],
    ]);
    expect(events[1]).toMatchObject({
      destinationPhoneNumber: phone,
      originationPhoneNumber: "+18885550100",
      context: { transactionId },
      messageRequestTimestamp: question.at.getTime(),
      messageType: "TRANSACTIONAL",
    });
    expect(question.deliveryStatus).toBe("DELIVERED");

    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: phone, previousPublishedMessageId: question.messageId })));
    expect(await h.waitForDecision(transactionId)).toMatchObject({ decision: "APPROVED", delivery: { status: "DELIVERED" } });
  });

  it.each([
    ["unreachable", "TEXT_CARRIER_UNREACHABLE"],
    ["blocked", "TEXT_BLOCKED"],
  ] as const)("fails texts to a handset switched to %s: UNDELIVERABLE within seconds", async (reachability, eventType) => {
    const body = verificationRequest();
    h.sandbox.setHandsetReachability(String(body.phoneNumber), reachability);
    const sentAt = Date.now();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(body));

    const decision = await h.waitForDecision(String(body.transactionId));

    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(decision).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: eventType, delivery: { status: "FAILED" } });
    expect(h.sandbox.handsetReachability(String(body.phoneNumber))).toBe(reachability);
  });
});

describe("message feedback when SMS_MESSAGE_FEEDBACK is off", () => {
  it("sends no MessageFeedbackEnabled and reports nothing", async () => {
    const { transactionId, phone, question } = await request();
    expect(question.messageFeedbackEnabled).toBeUndefined();
    expect(question.protectConfigurationId).toBeUndefined();

    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: phone, previousPublishedMessageId: question.messageId })));
    await h.waitForDecision(transactionId);
    await vi.waitFor(() => expect(h.service.context.background.size).toBe(0));

    expect(h.sandbox.callCount("PutMessageFeedback")).toBe(0);
  });
});

describe("the sandbox's PutMessageFeedback", () => {
  it("refuses an unknown message and one sent without MessageFeedbackEnabled", async () => {
    const { question } = await request();
    const feedback = (messageId: string) =>
      h.clients.sms.send(new PutMessageFeedbackCommand({ MessageId: messageId, MessageFeedbackStatus: "RECEIVED" }));

    await expect(feedback("no-such-message")).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(feedback(question.messageId)).rejects.toMatchObject({ name: "ValidationException" });
    expect(question.feedback).toBeUndefined();
  });
});
