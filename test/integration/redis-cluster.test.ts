import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { startRedisCluster, type TestRedisCluster } from "../support/redis-cluster.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

let cluster: TestRedisCluster;
let h: Harness;
beforeAll(async () => {
  cluster = await startRedisCluster({ password: "cluster-secret" });
  h = await startHarness({
    redis: cluster,
    smsEvents: "sandbox",
    env: { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: cluster.url, SMS_MESSAGE_FEEDBACK: "true" },
  });
});
afterAll(async () => {
  await h?.stop();
  await cluster?.stop();
});

async function open(overrides: Record<string, unknown> = {}) {
  const request = verificationRequest(overrides);
  await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
  return { request, question, transactionId: String(request.transactionId), phone: String(request.phoneNumber) };
}

describe("on a 3-node Redis Cluster with AUTH", () => {
  it("runs the whole reply flow: approve, deny by code among two open, STOP, cancel, expiry", async () => {
    const approved = await open();
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: approved.phone, previousPublishedMessageId: approved.question.messageId })));
    expect((await h.waitForDecision(approved.transactionId)).decision).toBe("APPROVED");

    const phone = uniquePhone();
    const first = await open({ phoneNumber: phone });
    const second = await open({ phoneNumber: phone });
    const code = /NO (\d{3})/.exec(second.question.messageBody)?.[1];
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: phone, messageBody: `no ${code}` })));
    expect((await h.waitForDecision(second.transactionId)).reply?.correlatedBy).toBe("referenceCode");
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: phone, messageBody: "STOP" })));
    expect((await h.waitForDecision(first.transactionId)).decision).toBe("OPTED_OUT");

    const cancelled = await open();
    await h.sendToQueue(QUEUES.requests, JSON.stringify({ type: "verification.cancelled", transactionId: cancelled.transactionId }));
    expect((await h.waitForDecision(cancelled.transactionId)).decision).toBe("CANCELLED");

    const expiring = await open({ expiresInSeconds: 30 });
    h.clock.advance(31_000);
    expect((await h.waitForDecision(expiring.transactionId)).decision).toBe("EXPIRED");
  });

  it("applies delivery events and reports feedback: a delivered question, an unreachable handset's failure", async () => {
    const delivered = await open();
    const deliveryOf = async (transactionId: string) => (await h.service.context.store.get(transactionId))?.delivery?.status;
    await expect.poll(() => deliveryOf(delivered.transactionId), { timeout: 5_000, interval: 50 }).toBe("DELIVERED");
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: delivered.phone, previousPublishedMessageId: delivered.question.messageId })));
    expect(await h.waitForDecision(delivered.transactionId)).toMatchObject({ decision: "APPROVED", delivery: { status: "DELIVERED" } });
    await expect.poll(() => delivered.question.feedback, { timeout: 5_000, interval: 50 }).toBe("RECEIVED");

    const phone = uniquePhone();
    h.sandbox.setHandsetReachability(phone, "unreachable");
    const failed = await open({ phoneNumber: phone });
    expect(await h.waitForDecision(failed.transactionId)).toMatchObject({ decision: "UNDELIVERABLE", undeliverableReason: "TEXT_CARRIER_UNREACHABLE" });
  });

  it("spreads cardholders over the nodes (every script stays in one slot)", async () => {
    for (let i = 0; i < 12; i += 1) await open();
    const client = h.service.redis;
    expect(client).toBeInstanceOf(Cluster);
    const perNode = await Promise.all((client as Cluster).nodes("master").map((node) => node.dbsize()));
    expect(perNode).toHaveLength(3);
    expect(perNode.every((keys) => keys > 0)).toBe(true);
  });
});
