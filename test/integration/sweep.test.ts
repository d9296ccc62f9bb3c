/**
 * The sweep: EXPIRED on time whatever an SMS send is doing, at once again after a full pass, and over
 * a bucket's due set as releases before its split wrote it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExpiryPoller } from "../../src/app/expiry-poller.ts";
import { EXPIRY_LEASE_MS, sweepUntilDrained } from "../../src/app/expire-due.ts";
import { deadlineMember, RedisKeys } from "../../src/adapters/redis/redis-keys.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { recordPastDueVerification } from "../support/past-due-verification.ts";
import { inboundSms, startHarness, uniquePhone, uniqueTransactionId, type Harness } from "../support/service-harness.ts";
import { verificationRequest } from "../support/service-harness.ts";

describe("the sweep and SMS sends", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ slowSms: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("is never held back by a confirmation resend: another verification's EXPIRED still comes within 5 s", async () => {
    const proxy = h.smsProxy!;
    const approved = verificationRequest({ expiresInSeconds: 600 });
    const unanswered = verificationRequest({ expiresInSeconds: 90 });
    for (const request of [approved, unanswered]) {
      await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
      await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    }
    // The confirmation fails beyond the SDK's attempts, so it is left to the sweep.
    h.sandbox.failNext("SendTextMessage", { name: "InternalServerException", status: 500 }, 6);
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: approved.phoneNumber, messageBody: "YES" })));
    expect((await h.waitForDecision(String(approved.transactionId))).decision).toBe("APPROVED");
    await h.waitForHandled((m) => m.queue === "inbound" && m.outcome === "decided");
    await new Promise<void>((resolve) => {
      const check = () => (h.sandbox.callCount("SendTextMessage") >= 2 + 6 ? resolve() : setTimeout(check, 20));
      check();
    });

    // Now every send hangs, and the sweep takes up the owed confirmation (its lease ran out).
    proxy.delayMs = 15_000;
    const resendArrived = new Promise<void>((resolve) => proxy.events.once("request", () => resolve()));
    h.clock.advance(61_000);
    await resendArrived;
    h.clock.advance(30_000);
    const deadlinePassed = Date.now();

    const expired = await h.waitForDecision(String(unanswered.transactionId));
    expect(expired.decision).toBe("EXPIRED");
    expect(Date.now() - deadlinePassed).toBeLessThan(5_000);
    proxy.delayMs = 0;
  });
});

describe("a full pass", () => {
  let h: Harness;
  beforeAll(async () => {
    // A sweep every minute: only "again at once after a full pass" can drain the backlog in time.
    h = await startHarness({ expiryIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("sweeps again at once, draining a backlog far larger than one pass", async () => {
    const { store, clock } = h.service.context;
    const now = clock.now();
    const backlog = Array.from({ length: 2_500 }, () => ({ phoneNumber: uniquePhone(), transactionId: uniqueTransactionId() }));
    for (let i = 0; i < backlog.length; i += 250) {
      await Promise.all(
        backlog.slice(i, i + 250).map(({ phoneNumber, transactionId }) => recordPastDueVerification(store, { transactionId, phoneNumber, now })),
      );
    }
    const poller = startExpiryPoller(h.service.context, 60_000);
    try {
      await expect
        .poll(async () => (await Promise.all(backlog.map(({ transactionId }) => store.get(transactionId)))).filter((v) => v?.state === "DECIDED").length, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(backlog.length);
    } finally {
      await poller.stop();
    }
  });

  it("still sweeps a bucket's due set kept as one key, as releases before the split wrote it, and empties it", async () => {
    const { store, clock } = h.service.context;
    const keys = new RedisKeys(h.namespace);
    const redis = h.service.redis;
    const phoneNumber = uniquePhone();
    const transactionId = uniqueTransactionId();
    const member = deadlineMember(phoneNumber, transactionId);
    await recordPastDueVerification(store, { transactionId, phoneNumber, now: clock.now(), messageId: `question-${transactionId}` });
    const deadline = Number(await redis.zscore(keys.due(phoneNumber), member));
    expect(deadline).toBeGreaterThan(0);
    // As the release before the split scheduled it.
    await redis.zrem(keys.due(phoneNumber), member);
    await redis.zadd(keys.legacyDue(phoneNumber), deadline, member);

    await sweepUntilDrained(h.service.context);
    const expired = await store.get(transactionId);
    expect(expired?.decision?.decision).toBe("EXPIRED");
    expect(expired?.decision?.published).toBe(true);

    // Its entry there, claimed for a lease, is taken out when the lease ends and a sweep finds nothing left to do.
    h.clock.advance(EXPIRY_LEASE_MS + 1);
    await sweepUntilDrained(h.service.context);
    expect(await redis.zscore(keys.legacyDue(phoneNumber), member)).toBeNull();
    expect(await redis.zscore(keys.due(phoneNumber), member)).toBeNull();
  });
});
