/**
 * Contract v2's time boundaries, each played as a card system and a cardholder would, on the real
 * protocols: the reply window's lower edge, correlation that never guesses, retention that keeps
 * the idempotency record and the decision together, send refusals by kind, and the send lease.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { conversation } from "../support/conversation.ts";
import { runDownTtls } from "../support/run-down-ttls.ts";
import { runDownTransactionIndex, transactionClaim } from "../support/transaction-index.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ decisionRetentionSeconds: 2 });
});
afterEach(() => h.sandbox.reset());
afterAll(async () => {
  await h?.stop();
});

const { openVerification, reply, textAfter: textsTo } = conversation(() => h);

async function referenceCodeOf(transactionId: string): Promise<string> {
  const stored = await h.service.context.store.get(transactionId);
  if (!stored?.referenceCode) throw new Error(`${transactionId} has no reference code`);
  return stored.referenceCode;
}

describe("the reply window's lower edge", () => {
  it("never lets a reply received before a verification was requested decide it, however late it is handled", async () => {
    const phone = uniquePhone();
    const first = await openVerification({ phoneNumber: phone, expiresInSeconds: 30 });
    // The YES reaches AWS while the first charge is open, and is held up (a crash, a Redis pause).
    const heldUp = JSON.stringify({
      Type: "Notification",
      MessageId: randomUUID(),
      TopicArn: h.aws.topicArn(TOPICS.inbound),
      Message: JSON.stringify(inboundSms({ originationNumber: phone, previousPublishedMessageId: "" })),
      Timestamp: new Date().toISOString(),
    });
    h.clock.advance(31_000);
    expect((await h.waitForDecision(first.transactionId)).decision).toBe("EXPIRED");
    const second = await openVerification({ phoneNumber: phone });

    const messageId = await h.sendToQueue(QUEUES.inbound, heldUp);
    const handled = await h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);

    expect(handled.outcome).toBe("late");
    expect(h.decisionsFor(second.transactionId)).toEqual([]);
    expect((await h.service.context.store.get(second.transactionId))?.state).toBe("OPEN");
  });
});

describe("correlation v2: explicit codes first, and never a guess", () => {
  it("lets a reference code win over previousPublishedMessageId", async () => {
    const phone = uniquePhone();
    const a = await openVerification({ phoneNumber: phone });
    const b = await openVerification({ phoneNumber: phone });
    const codeB = await referenceCodeOf(b.transactionId);

    await reply({ originationNumber: phone, messageBody: `YES ${codeB}`, previousPublishedMessageId: a.question.messageId });

    const event = await h.waitForDecision(b.transactionId);
    expect(event).toMatchObject({ decision: "APPROVED", reply: { correlatedBy: "referenceCode" } });
    expect(h.decisionsFor(a.transactionId)).toEqual([]);
  });

  it("asks, deciding nothing, when several are open and previousPublishedMessageId names one of them", async () => {
    const phone = uniquePhone();
    const a = await openVerification({ phoneNumber: phone });
    const b = await openVerification({ phoneNumber: phone });

    const handled = await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: b.question.messageId });

    expect(handled.outcome).toBe("ambiguous");
    const list = await textsTo(phone, b.question);
    expect(list.messageBody).toContain(await referenceCodeOf(a.transactionId));
    expect(list.messageBody).toContain(await referenceCodeOf(b.transactionId));
    expect([...h.decisionsFor(a.transactionId), ...h.decisionsFor(b.transactionId)]).toEqual([]);
  });

  it("asks about the open charge when a YES answers the confirmation of one already decided", async () => {
    const phone = uniquePhone();
    const a = await openVerification({ phoneNumber: phone });
    await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: a.question.messageId });
    expect((await h.waitForDecision(a.transactionId)).decision).toBe("APPROVED");
    const confirmation = await textsTo(phone, a.question);
    const b = await openVerification({ phoneNumber: phone });

    const handled = await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: confirmation.messageId });

    expect(handled.outcome).toBe("ambiguous");
    const list = await textsTo(phone, b.question);
    expect(list.messageBody).toContain(await referenceCodeOf(b.transactionId));
    expect(h.decisionsFor(b.transactionId)).toEqual([]);
  });
});

/** Time passes for Redis too: the service's clock moves and every TTL of the test's keys runs down with it. */
async function passTime(ms: number): Promise<void> {
  h.clock.advance(ms);
  await runDownTtls(h.service.redis, await h.service.redis.keys(`${h.namespace}:*`), ms);
  await runDownTransactionIndex(h.service.redis, h.namespace, ms);
}

describe("retention", () => {
  it("lets the idempotency record and the decided verification expire together, never one without the other", async () => {
    const { phone, question, request, transactionId } = await openVerification({ expiresInSeconds: 30 });
    // The verification's key and its claim in the transaction index.
    const recordsOf = async () => {
      const [keys, claim] = await Promise.all([h.service.redis.keys(`${h.namespace}:*${transactionId}`), transactionClaim(h.service.redis, h.namespace, transactionId)]);
      return claim ? [...keys, `claim ${claim.claim}`] : keys;
    };
    expect(await recordsOf()).toHaveLength(2);
    // Answered just before the deadline: it is then kept for the retention (2 s here) after that.
    await passTime(29_000);
    await reply({ originationNumber: phone, previousPublishedMessageId: question.messageId });
    expect((await h.waitForDecision(transactionId)).decision).toBe("APPROVED");

    // Real expiry, no shortcut: whichever goes first, the other is gone at that moment too.
    await vi.waitFor(async () => expect((await recordsOf()).length).toBeLessThan(2), { timeout: 15_000, interval: 50 });
    expect(await recordsOf()).toEqual([]);

    // After the retention a replay is a new verification, as the contract says.
    const replay = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    expect((await h.waitForHandled((m) => m.messageId === replay)).outcome).toBe("sent");
  });

  it("gives a claim left by a delivery that never created the verification the end of the one created later", async () => {
    const request = verificationRequest({ expiresInSeconds: 30 });
    const transactionId = String(request.transactionId);
    // The first delivery claimed the transaction and crashed before creating the verification.
    await h.service.context.store.claimTransaction(transactionId, String(request.phoneNumber), 30);
    await passTime(20_000);
    const sent = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    expect((await h.waitForHandled((m) => m.messageId === sent)).outcome).toBe("sent");

    const redis = h.service.redis;
    const [verificationKey] = await redis.keys(`${h.namespace}:*:v:${transactionId}`);
    const claim = await transactionClaim(redis, h.namespace, transactionId);
    if (!claim || !verificationKey) throw new Error("the claim or the verification is missing");
    const claimTtl = claim.leftMs;
    const verificationTtl = await redis.pttl(verificationKey);
    // Both end at the new deadline plus the retention.
    expect(Math.abs(claimTtl - verificationTtl)).toBeLessThan(1_500);
  });
});

describe("send refusals, by kind", () => {
  it("decides UNDELIVERABLE at once, with its reason, when the destination cannot be parsed", async () => {
    const request = verificationRequest();
    h.sandbox.failNext("SendTextMessage", { name: "ValidationException", reason: "CANNOT_PARSE" });
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "INVALID_DESTINATION" });
  });

  it("never decides on a refusal of our own set-up: it is counted, retried, and the question then goes out", async () => {
    const request = verificationRequest();
    h.sandbox.failNext("SendTextMessage", { name: "ValidationException", reason: "INVALID_ARN" }, 2);
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId, 15_000);
    expect(question.destinationPhoneNumber).toBe(request.phoneNumber);
    expect(h.decisionsFor(String(request.transactionId))).toEqual([]);
    const metrics = await h.service.metrics.registry.getSingleMetricAsString("fv_sms_failed_total");
    expect(metrics).toMatch(/reason="SmsSetupError"\} [2-9]/);
    expect(h.logLines.some((line) => line.includes('"level":50') && line.includes("INVALID_ARN"))).toBe(true);
  });

  it("decides UNDELIVERABLE (NOT_SENT) when the question was never accepted by its deadline", async () => {
    const request = verificationRequest({ expiresInSeconds: 30 });
    h.sandbox.failNext("SendTextMessage", { name: "ValidationException", reason: "SENDER_ID_NOT_REGISTERED" }, 10_000);
    const messageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await h.waitForHandled((m) => m.messageId === messageId && m.outcome === "failed");
    expect(h.decisionsFor(String(request.transactionId))).toEqual([]);
    h.clock.advance(31_000);
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "NOT_SENT", outboundMessageId: null });
  });
});

describe("a duplicate request while the first is still texting", () => {
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({ slowSms: true });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("never sends a second SMS just because 30 s passed: only a lapsed lease re-sends", async () => {
    const proxy = slow.smsProxy!;
    proxy.delayMs = 3_000;
    const request = verificationRequest();
    const body = JSON.stringify(request);
    const firstSendArrived = new Promise<void>((resolve) => proxy.events.once("request", () => resolve()));
    await slow.sendToQueue(QUEUES.requests, body);
    await firstSendArrived;
    // The first sender is slow (throttled, SDK retries), but alive: 31 s pass on the service's clock.
    slow.clock.advance(31_000);
    const duplicate = await slow.sendToQueue(QUEUES.requests, body);
    const handled = await slow.waitForHandled((m) => m.messageId === duplicate);
    proxy.delayMs = 0;
    expect(handled.acknowledged).toBe(false);

    await slow.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    await slow.waitForHandled((m) => m.messageId === duplicate && m.acknowledged);
    expect(slow.sandbox.sent.filter((m) => m.context?.transactionId === request.transactionId)).toHaveLength(1);
  });
});
