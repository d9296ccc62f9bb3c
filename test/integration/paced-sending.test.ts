/**
 * SMS_MAX_PARTS_PER_SECOND through the whole service: requests on the queue, the question SMS at the
 * sandbox (which throttles above the same rate, as a carrier does), replies through the inbound
 * topic, and the confirmations they owe.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const SMS_WAIT_MS = 20_000;

describe("paced sending", () => {
  it.each([1, 2])("sends every question before any confirmation, spaced to the rate, with no throttling (%i worker(s))", async (workers) => {
    const rate = 2;
    const harness = await startHarness({ env: { SMS_MAX_PARTS_PER_SECOND: String(rate) }, sandboxMaxPartsPerSecond: rate });
    h = harness;
    // A second worker shares the rate: one holding a confirmation yields to one holding questions.
    if (workers === 2) await harness.startAnotherWorker();
    const firstWave = Array.from({ length: 4 }, () => verificationRequest());
    const secondWave = Array.from({ length: 4 }, () => verificationRequest());
    const requests = [...firstWave, ...secondWave];
    const ids = new Set(requests.map((request) => String(request.transactionId)));
    const questions = new Map<string, SentSms>();

    // Each cardholder answers YES as soon as the question arrives, so confirmations are owed while
    // questions still wait for their turn.
    const replies: Array<Promise<void>> = [];
    harness.sandbox.on("sent", (sms) => {
      const transactionId = sms.context?.transactionId;
      if (!transactionId || !ids.has(transactionId) || questions.has(transactionId)) return;
      questions.set(transactionId, sms);
      const reply = inboundSms({ originationNumber: sms.destinationPhoneNumber, messageBody: "YES", previousPublishedMessageId: sms.messageId });
      replies.push(harness.publishToTopic(TOPICS.inbound, JSON.stringify(reply)));
    });

    await Promise.all(firstWave.map((request) => harness.sendToQueue(QUEUES.requests, JSON.stringify(request))));
    // The second wave comes once a decision's confirmation is being sent (claimed: it waits for a
    // slot), so these questions are queued after it (first come, first served would send it first).
    const firstDecision = await Promise.any(firstWave.map((request) => harness.waitForDecision(String(request.transactionId))));
    const store = harness.service.context.store;
    while ((await store.get(firstDecision.transactionId))?.decision?.confirmation !== "sending") {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(secondWave.map((request) => harness.sendToQueue(QUEUES.requests, JSON.stringify(request))));

    const confirmations = await Promise.all(
      requests.map((request) =>
        harness.sandbox.waitForSms((sms) => {
          const question = questions.get(String(request.transactionId));
          return question !== undefined && sms.context?.transactionId === request.transactionId && sms.messageId !== question.messageId;
        }, SMS_WAIT_MS),
      ),
    );
    await Promise.all(replies);

    const sent = harness.sandbox.sent.filter((sms) => ids.has(sms.context?.transactionId ?? ""));
    const isQuestion = (sms: SentSms) => questions.get(sms.context?.transactionId ?? "")?.messageId === sms.messageId;
    const lastQuestion = sent.findLastIndex(isQuestion);
    const firstConfirmation = sent.findIndex((sms) => !isQuestion(sms));
    expect(sent).toHaveLength(16);
    expect(confirmations).toHaveLength(8);
    expect(lastQuestion).toBe(7);
    expect(firstConfirmation).toBe(8);
    // The confirmations were owed before the last question went: the order was the pacer's choice.
    const lastQuestionAt = (sent[lastQuestion] as SentSms).at.getTime();
    expect(Date.parse(firstDecision.decidedAt)).toBeLessThan(lastQuestionAt);
    // Spaced to the rate (1 part each): 16 texts take 15 intervals. Their arrival at the sandbox carries
    // each call's own delay, up to an interval on a busy machine, so one interval is allowed for it;
    // unpaced, the 16 would arrive within a fraction of one.
    const span = (sent.at(-1) as SentSms).at.getTime() - (sent[0] as SentSms).at.getTime();
    expect(span).toBeGreaterThanOrEqual(14 * (1000 / rate));
    expect(harness.sandbox.throttled).toBe(0);
  }, 60_000);

  it("does not send a question whose deadline passes while it waits: UNDELIVERABLE (NOT_SENT)", async () => {
    // One part per 5 s: the second question waits, and its deadline passes first.
    const harness = await startHarness({ env: { SMS_MAX_PARTS_PER_SECOND: "0.2" } });
    h = harness;
    const sent = verificationRequest({ expiresInSeconds: 30 });
    const waiting = verificationRequest({ expiresInSeconds: 30 });
    await harness.sendToQueue(QUEUES.requests, JSON.stringify(sent));
    await harness.sandbox.waitForSms((sms) => sms.context?.transactionId === sent.transactionId);
    await harness.sendToQueue(QUEUES.requests, JSON.stringify(waiting));
    // Once it is recorded its deadline is set: moving the clock past it then finds it waiting (or
    // about to be queued, which refuses it alike).
    while (!(await harness.service.context.store.get(String(waiting.transactionId)))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    harness.clock.advance(31_000);

    const handled = await harness.waitForHandled((m) => m.transactionId === waiting.transactionId);
    expect(handled.outcome).toBe("not_sent");
    const event = await harness.waitForDecision(String(waiting.transactionId));
    expect(event).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "NOT_SENT", outboundMessageId: null });
    expect(harness.sandbox.sent.filter((sms) => sms.context?.transactionId === waiting.transactionId)).toHaveLength(0);
  }, 60_000);

  it("gives up a text owed to a reply that waits past 3/4 of the handler's time: the redelivery sends it, once", async () => {
    // Handlers may take 2 s here, so a help text gives up after 1.5 s; six questions queued at one
    // part per second keep it waiting longer than that, and longer than a redelivery takes.
    const harness = await startHarness({
      env: { SMS_MAX_PARTS_PER_SECOND: "1" },
      sandboxMaxPartsPerSecond: 1,
      handlerTimeoutMs: 2_000,
    });
    h = harness;
    const asking = verificationRequest();
    const phone = String(asking.phoneNumber);
    await harness.sendToQueue(QUEUES.requests, JSON.stringify(asking));
    const question = await harness.sandbox.waitForSms((sms) => sms.context?.transactionId === asking.transactionId);
    const others = Array.from({ length: 6 }, () => verificationRequest());
    await Promise.all(others.map((request) => harness.sendToQueue(QUEUES.requests, JSON.stringify(request))));
    const store = harness.service.context.store;
    await vi.waitFor(
      async () => {
        for (const request of others) expect(await store.get(String(request.transactionId))).not.toBeNull();
      },
      { timeout: 10_000, interval: 20 },
    );

    const help = inboundSms({ originationNumber: phone, messageBody: "HELP", previousPublishedMessageId: question.messageId });
    const replyId = await harness.sendToQueue(QUEUES.inbound, JSON.stringify(help));

    const gaveUp = await harness.waitForHandled((m) => m.messageId === replyId);
    expect(gaveUp).toMatchObject({ outcome: "failed", acknowledged: false });
    await harness.waitForHandled((m) => m.messageId === replyId && m.acknowledged);
    // Every question goes before any other text, so once all are sent a second help text would have
    // gone too. At one part per second on both sides, a question that reaches the sandbox a few ms
    // early is throttled and the SDK's backoff retries it later: allow for that.
    await Promise.all(
      others.map((request) => harness.sandbox.waitForSms((sms) => sms.context?.transactionId === request.transactionId, SMS_WAIT_MS * 2)),
    );
    const texts = harness.sandbox.sent.filter((sms) => sms.destinationPhoneNumber === phone && sms.messageId !== question.messageId);
    expect(texts).toHaveLength(1);
  }, 90_000);
});
