/**
 * Delivery receipts (contract v2, "SMS delivery events"), on the real protocols: events sent raw
 * or in SNS envelopes to the sms-events queue, the real SDK against the SMS sandbox, a private
 * redis-server. Each class of event, the races with replies, TimeToLive, and message feedback.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { deliveryFailureTypes } from "../../src/domain/sms-delivery-event.ts";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

const PROTECT_CONFIGURATION_ID = "protect-0123456789abcdef";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    smsEvents: "manual",
    env: { SMS_MESSAGE_FEEDBACK: "true", SMS_PROTECT_CONFIGURATION_ID: PROTECT_CONFIGURATION_ID },
  });
});
afterEach(() => {
  h.sandbox.reset();
  h.clients.sms.middlewareStack.remove("holdSendResponse");
});
afterAll(async () => {
  await h?.stop();
});

interface Opened {
  transactionId: string;
  phone: string;
  question: SentSms;
}

/** A verification whose question was sent and recorded (its request's message is handled). */
async function openVerification(overrides: Record<string, unknown> = {}): Promise<Opened> {
  const request = verificationRequest(overrides);
  const transactionId = String(request.transactionId);
  const messageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);
  await h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
  return { transactionId, phone: String(request.phoneNumber), question };
}

/** An event as AWS End User Messaging SMS publishes it for a text we sent. */
function eventFor(text: SentSms, eventType: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventType,
    eventVersion: "1.0",
    eventTimestamp: Date.now(),
    isFinal: eventType !== "TEXT_QUEUED" && eventType !== "TEXT_PENDING",
    originationPhoneNumber: text.originationIdentity,
    destinationPhoneNumber: text.destinationPhoneNumber,
    isInternationalSend: false,
    messageId: text.messageId,
    messageRequestTimestamp: text.at.getTime(),
    messageEncoding: "GSM",
    messageType: "TRANSACTIONAL",
    messageStatus: eventType.replace(/^TEXT_/, ""),
    messageStatusDescription: "as the carrier said",
    context: text.context,
    totalMessageParts: 1,
    ...overrides,
  };
}

/** Sends an event to the sms-events queue (raw) and waits until the service finished with it. */
async function deliver(event: Record<string, unknown>) {
  const messageId = await h.sendToQueue(QUEUES.smsEvents, JSON.stringify(event));
  return h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
}

async function reply(fields: Record<string, unknown>) {
  const messageId = await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms(fields)));
  return h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
}

const stored = async (transactionId: string) => {
  const verification = await h.service.context.store.get(transactionId);
  if (!verification) throw new Error(`${transactionId} is not stored`);
  return verification;
};

const opsGet = async (path: string) => (await fetch(`http://127.0.0.1:${h.service.opsPort}${path}`)).text();

function metricValue(metrics: string, series: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Waits until the background work a handler started (feedback reports) is done. */
const backgroundIdle = () => vi.waitFor(() => expect(h.service.context.background.size).toBe(0), { timeout: 10_000 });

describe("a failure event", () => {
  it.each(deliveryFailureTypes)("%s for the question decides UNDELIVERABLE within 5 s (SNS envelope)", async (eventType) => {
    const open = await openVerification();
    const before = metricValue(await opsGet("/metrics"), `fv_sms_delivery_events_total{eventType="${eventType}"}`);
    const event = eventFor(open.question, eventType);
    const sentAt = Date.now();

    await h.publishToTopic(TOPICS.smsEvents, JSON.stringify(event));
    const decision = await h.waitForDecision(open.transactionId);

    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(decision).toMatchObject({
      decision: "UNDELIVERABLE",
      undeliverableReason: eventType,
      outboundMessageId: open.question.messageId,
      delivery: { status: "FAILED", at: new Date(Number(event.eventTimestamp)).toISOString() },
      reply: null,
    });
    const view = JSON.parse(await opsGet(`/verifications/${open.transactionId}`)) as Record<string, unknown>;
    expect(view).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: eventType, delivery: { status: "FAILED" } });
    const after = metricValue(await opsGet("/metrics"), `fv_sms_delivery_events_total{eventType="${eventType}"}`);
    expect(after).toBe(before + 1);
  });

  it("decides nothing after a decisive reply", async () => {
    const open = await openVerification();
    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    const approved = await h.waitForDecision(open.transactionId);

    const handled = await deliver(eventFor(open.question, "TEXT_CARRIER_UNREACHABLE"));

    expect(handled.outcome).toBe("decided_already");
    expect(h.decisionsFor(open.transactionId)).toEqual([approved]);
    expect(approved).toMatchObject({ decision: "APPROVED", delivery: null });
    expect((await stored(open.transactionId)).decision?.decision).toBe("APPROVED");
  });

  it("for a confirmation decides nothing", async () => {
    const open = await openVerification();
    await reply({ originationNumber: open.phone, messageBody: "NO", previousPublishedMessageId: open.question.messageId });
    const denied = await h.waitForDecision(open.transactionId);
    const confirmation = await h.sandbox.waitForSms(
      (m) => m.destinationPhoneNumber === open.phone && m.messageId !== open.question.messageId,
    );

    const handled = await deliver(eventFor(confirmation, "TEXT_BLOCKED"));

    expect(handled.outcome).toBe("other_text");
    expect(h.decisionsFor(open.transactionId)).toEqual([denied]);
  });

  it("for another text about an open verification (a re-prompt) decides nothing", async () => {
    const open = await openVerification();
    await reply({ originationNumber: open.phone, messageBody: "maybe", previousPublishedMessageId: open.question.messageId });
    const reprompt = await h.sandbox.waitForSms(
      (m) => m.destinationPhoneNumber === open.phone && m.messageId !== open.question.messageId,
    );

    const handled = await deliver(eventFor(reprompt, "TEXT_CARRIER_UNREACHABLE"));

    expect(handled.outcome).toBe("other_text");
    expect((await stored(open.transactionId)).state).toBe("OPEN");
    expect(h.decisionsFor(open.transactionId)).toEqual([]);
  });

  it("racing a YES yields exactly one decision", async () => {
    const opened = await Promise.all(Array.from({ length: 6 }, () => openVerification()));

    await Promise.all(
      opened.map((open) =>
        Promise.all([
          deliver(eventFor(open.question, "TEXT_UNREACHABLE")),
          reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId }),
        ]),
      ),
    );

    for (const open of opened) {
      const decisions = h.decisionsFor(open.transactionId);
      expect(decisions).toHaveLength(1);
      expect(["APPROVED", "UNDELIVERABLE"]).toContain(decisions[0]?.decision);
      expect((await stored(open.transactionId)).decision?.eventId).toBe(decisions[0]?.eventId);
    }
  });

  it("that is a duplicate decides once", async () => {
    const open = await openVerification();
    const event = eventFor(open.question, "TEXT_TTL_EXPIRED");

    const first = await deliver(event);
    const second = await deliver(event);

    expect([first.outcome, second.outcome]).toEqual(["undeliverable", "decided_already"]);
    expect(h.decisionsFor(open.transactionId)).toHaveLength(1);
  });
});

describe("delivered, queued and pending events", () => {
  it("record the question's delivery, which the decision event carries", async () => {
    const open = await openVerification();
    const metricsBefore = await opsGet("/metrics");
    const delivered = eventFor(open.question, "TEXT_DELIVERED", { messageRequestTimestamp: Date.now() - 1_500 });

    const handled = await deliver(delivered);

    expect(handled.outcome).toBe("recorded");
    expect((await stored(open.transactionId)).delivery).toEqual({ status: "DELIVERED", at: delivered.eventTimestamp });
    const view = JSON.parse(await opsGet(`/verifications/${open.transactionId}`)) as Record<string, unknown>;
    expect(view).toMatchObject({ state: "OPEN", delivery: { status: "DELIVERED", at: new Date(Number(delivered.eventTimestamp)).toISOString() } });
    const metricsAfter = await opsGet("/metrics");
    expect(metricValue(metricsAfter, "fv_sms_delivery_seconds_count")).toBe(metricValue(metricsBefore, "fv_sms_delivery_seconds_count") + 1);
    expect(metricValue(metricsAfter, 'fv_sms_delivery_seconds_bucket{le="1"}')).toBe(metricValue(metricsBefore, 'fv_sms_delivery_seconds_bucket{le="1"}'));

    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    expect(await h.waitForDecision(open.transactionId)).toMatchObject({
      decision: "APPROVED",
      delivery: { status: "DELIVERED", at: new Date(Number(delivered.eventTimestamp)).toISOString() },
    });
  });

  it("move the status forward only: queued, pending (no change), successful", async () => {
    const open = await openVerification();

    const queued = await deliver(eventFor(open.question, "TEXT_QUEUED"));
    const pending = await deliver(eventFor(open.question, "TEXT_PENDING"));
    const successful = await deliver(eventFor(open.question, "TEXT_SUCCESSFUL"));

    expect([queued.outcome, pending.outcome, successful.outcome]).toEqual(["recorded", "duplicate", "recorded"]);
    expect((await stored(open.transactionId)).delivery?.status).toBe("DELIVERED");
    expect(h.decisionsFor(open.transactionId)).toEqual([]);
  });

  it("out of order (delivered before queued) never moves the status backwards", async () => {
    const open = await openVerification();
    const delivered = eventFor(open.question, "TEXT_DELIVERED");

    await deliver(delivered);
    const late = await deliver(eventFor(open.question, "TEXT_QUEUED", { eventTimestamp: Number(delivered.eventTimestamp) - 500 }));

    expect(late.outcome).toBe("stale");
    expect((await stored(open.transactionId)).delivery).toEqual({ status: "DELIVERED", at: delivered.eventTimestamp });
  });

  it("a duplicate delivered event changes nothing", async () => {
    const open = await openVerification();
    const delivered = eventFor(open.question, "TEXT_DELIVERED");

    const outcomes = [(await deliver(delivered)).outcome, (await deliver(delivered)).outcome];

    expect(outcomes).toEqual(["recorded", "duplicate"]);
    expect((await stored(open.transactionId)).delivery).toEqual({ status: "DELIVERED", at: delivered.eventTimestamp });
  });

  it("a failure after delivered is stale: the status never moves backwards or sideways", async () => {
    const open = await openVerification();
    await deliver(eventFor(open.question, "TEXT_DELIVERED"));

    const failure = await deliver(eventFor(open.question, "TEXT_CARRIER_UNREACHABLE"));

    expect(failure.outcome).toBe("stale");
    expect((await stored(open.transactionId)).state).toBe("OPEN");
  });
});

describe("events the service cannot place", () => {
  it("counts an unknown messageId and changes nothing", async () => {
    const open = await openVerification();
    const before = metricValue(await opsGet("/metrics"), 'fv_sms_delivery_events_total{eventType="TEXT_BLOCKED"}');
    const stranger = { ...open.question, messageId: randomUUID(), context: undefined };

    const handled = await deliver(eventFor(stranger, "TEXT_BLOCKED"));

    expect(handled.outcome).toBe("unknown");
    expect((await stored(open.transactionId)).state).toBe("OPEN");
    expect(metricValue(await opsGet("/metrics"), 'fv_sms_delivery_events_total{eventType="TEXT_BLOCKED"}')).toBe(before + 1);
  });

  it("counts an unknown messageId for an unknown phone and transaction", async () => {
    const text = { messageId: randomUUID(), destinationPhoneNumber: uniquePhone(), originationIdentity: "+18885550100", at: new Date() };
    const handled = await deliver(eventFor(text as unknown as SentSms, "TEXT_DELIVERED", { context: { transactionId: "txn-nobody" } }));
    expect(handled.outcome).toBe("unknown");
  });

  it("counts a type that is no delivery status (TEXT_UNKNOWN) and changes nothing", async () => {
    const open = await openVerification();
    const handled = await deliver(eventFor(open.question, "TEXT_UNKNOWN"));
    expect(handled.outcome).toBe("not_a_status");
    expect((await stored(open.transactionId)).delivery).toBeNull();
    expect(await opsGet("/metrics")).toContain('fv_sms_delivery_events_total{eventType="TEXT_UNKNOWN"}');
  });

  it("dead-letters an event that is not one", async () => {
    const handled = await deliver({ eventType: "TEXT_DELIVERED", messageId: "" });
    expect(handled.outcome).toBe("rejected:invalid_message");
  });

  it("places an event without destinationPhoneNumber by its context's transaction", async () => {
    const open = await openVerification();
    const handled = await deliver(eventFor(open.question, "TEXT_DELIVERED", { destinationPhoneNumber: undefined }));
    expect(handled.outcome).toBe("recorded");
    expect((await stored(open.transactionId)).delivery?.status).toBe("DELIVERED");
  });
});

describe("the first event, before the question's MessageId is recorded", () => {
  /** Holds the SDK's SendTextMessage response until released: the sandbox accepted the text, we did not record it. */
  function holdSendResponses(): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.clients.sms.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (context.commandName === "SendTextMessageCommand") await gate;
        return output;
      },
      { step: "initialize", name: "holdSendResponse" },
    );
    return release;
  }

  it("reaches the verification by its context: the status, then the MessageId once recorded", async () => {
    const release = holdSendResponses();
    const request = verificationRequest();
    const transactionId = String(request.transactionId);
    const requestMessageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);
    expect((await stored(transactionId)).state).toBe("SENDING");

    const handled = await deliver(eventFor(question, "TEXT_QUEUED"));
    expect(handled.outcome).toBe("recorded");
    release();
    await h.waitForHandled((m) => m.messageId === requestMessageId && m.acknowledged);

    const verification = await stored(transactionId);
    expect(verification).toMatchObject({ state: "OPEN", outboundMessageId: question.messageId, delivery: { status: "PENDING" } });
    expect((await deliver(eventFor(question, "TEXT_DELIVERED"))).outcome).toBe("recorded");
  });

  it("a failure then decides UNDELIVERABLE, and the late record of the send leaves it decided", async () => {
    const release = holdSendResponses();
    const request = verificationRequest();
    const transactionId = String(request.transactionId);
    const requestMessageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);

    await deliver(eventFor(question, "TEXT_INVALID"));
    const decision = await h.waitForDecision(transactionId);
    release();
    await h.waitForHandled((m) => m.messageId === requestMessageId && m.acknowledged);

    expect(decision).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "TEXT_INVALID", outboundMessageId: question.messageId });
    expect(h.decisionsFor(transactionId)).toHaveLength(1);
  });
});

describe("SendTextMessage parameters", () => {
  it("gives every question TimeToLive = the seconds left in its window, at least 5", async () => {
    const tenMinutes = await openVerification({ expiresInSeconds: 600 });
    expect(tenMinutes.question.timeToLive).toBeGreaterThanOrEqual(598);
    expect(tenMinutes.question.timeToLive).toBeLessThanOrEqual(600);
    const aDay = await openVerification({ expiresInSeconds: 86_400 });
    expect(aDay.question.timeToLive).toBeGreaterThanOrEqual(86_398);

    // The first send is refused by our own set-up; the redelivery sends under 5 s before the deadline.
    h.sandbox.failNext("SendTextMessage", { name: "AccessDeniedException", message: "not allowed" });
    const request = verificationRequest({ expiresInSeconds: 30 });
    const failed = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await h.waitForHandled((m) => m.messageId === failed && m.outcome === "failed");
    h.clock.advance(24_000);
    const late = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    expect(late.timeToLive).toBe(5);
  });

  it("sends questions with MessageFeedbackEnabled, and every text with ProtectConfigurationId", async () => {
    const open = await openVerification();
    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    const confirmation = await h.sandbox.waitForSms(
      (m) => m.destinationPhoneNumber === open.phone && m.messageId !== open.question.messageId,
    );

    expect(open.question).toMatchObject({ messageFeedbackEnabled: true, protectConfigurationId: PROTECT_CONFIGURATION_ID });
    expect(confirmation).toMatchObject({ messageFeedbackEnabled: undefined, timeToLive: undefined, protectConfigurationId: PROTECT_CONFIGURATION_ID });
  });
});

describe("message feedback", () => {
  /** The PutMessageFeedback calls about these texts (earlier tests' background reports may still land). */
  const feedbackCalls = (...texts: SentSms[]) =>
    h.sandbox.requests
      .filter((r) => r.operation === "PutMessageFeedback")
      .map((r) => r.body as { MessageId: string })
      .filter((body) => texts.some((text) => text.messageId === body.MessageId));

  it("reports RECEIVED once when a reply correlates to the question, never again for later replies", async () => {
    const open = await openVerification();
    await reply({ originationNumber: open.phone, messageBody: "HELP", previousPublishedMessageId: open.question.messageId });
    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    await h.waitForDecision(open.transactionId);
    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    await backgroundIdle();

    expect(feedbackCalls(open.question)).toEqual([{ MessageId: open.question.messageId, MessageFeedbackStatus: "RECEIVED" }]);
    expect(open.question.feedback).toBe("RECEIVED");
  });

  it("never reports without a correlated reply: an expiry, an ambiguous reply", async () => {
    const phone = uniquePhone();
    const a = await openVerification({ phoneNumber: phone, expiresInSeconds: 30 });
    const b = await openVerification({ phoneNumber: phone, expiresInSeconds: 30 });
    const ambiguous = await reply({ originationNumber: phone, previousPublishedMessageId: "" });
    expect(ambiguous.outcome).toBe("ambiguous");
    h.clock.advance(31_000);
    await h.waitForDecision(a.transactionId);
    await h.waitForDecision(b.transactionId);
    await backgroundIdle();

    expect(feedbackCalls(a.question, b.question)).toEqual([]);
  });

  it("retries a failed report in the background without holding up the decision", async () => {
    const open = await openVerification();
    h.sandbox.failNext("PutMessageFeedback", { name: "AccessDeniedException", message: "not yet" }, 2);

    await reply({ originationNumber: open.phone, previousPublishedMessageId: open.question.messageId });
    const decision = await h.waitForDecision(open.transactionId);

    expect(decision.decision).toBe("APPROVED");
    expect(open.question.feedback).toBeUndefined();
    await vi.waitFor(() => expect(open.question.feedback).toBe("RECEIVED"), { timeout: 10_000 });
    expect(feedbackCalls(open.question)).toHaveLength(3);
  });
});
