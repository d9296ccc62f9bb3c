import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { startRedisServer, type TestRedis } from "../support/redis-server.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer({ persistence: true });
  h = await startHarness({ redis });
});
afterAll(async () => {
  await h?.stop();
  await redis?.stop();
});

/** Resolves once the service's Redis client has kept trying to reconnect for at least `ms`. */
function waitForRedisRetries(ms: number): Promise<void> {
  const since = Date.now();
  return new Promise((resolve) => {
    const onRetry = () => {
      if (Date.now() - since < ms) return;
      h.service.redis.off("reconnecting", onRetry);
      resolve();
    };
    h.service.redis.on("reconnecting", onRetry);
  });
}

const get = (path: string) => fetch(`http://127.0.0.1:${h.service.opsPort}${path}`);

describe("operations HTTP", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await get("/healthz")).status).toBe(200);
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("shows a verification's state with a masked phone and no message text; 404 unknown; 400 bad id", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    const open = await get(`/verifications/${String(request.transactionId)}`);
    expect(open.status).toBe(200);
    const body = (await open.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      transactionId: request.transactionId,
      state: "OPEN",
      phoneNumberMasked: `+1******${String(request.phoneNumber).slice(-4)}`,
      outboundMessageId: question.messageId,
      decision: null,
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain(String(request.phoneNumber));
    expect(text).not.toContain("ACME");

    expect((await get("/verifications/txn-never-seen")).status).toBe(404);
    expect((await get("/verifications/bad%20id")).status).toBe(400);
    expect((await get(`/verifications/${"x".repeat(129)}`)).status).toBe(400);
    expect((await get("/verifications/%E0%A4%A")).status).toBe(400);
    expect((await get("/nothing-here")).status).toBe(404);
  });

  it("exposes the contract's metrics, with default process metrics and no phone number in any label", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, previousPublishedMessageId: question.messageId })));
    await h.waitForDecision(String(request.transactionId));
    await h.waitForHandled((m) => m.queue === "inbound" && m.outcome === "decided");
    // The confirmation SMS goes out in the background, after the reply's message is acknowledged.
    const metrics = async () => (await get("/metrics")).text();
    await expect.poll(metrics, { timeout: 5_000, interval: 50 }).toMatch(/fv_sms_sent_total\{kind="confirmation"\} [1-9]/);
    const response = await get("/metrics");
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(/fv_messages_handled_total\{queue="requests",outcome="sent"\} [1-9]/);
    expect(text).toMatch(/fv_messages_handled_total\{queue="inbound",outcome="decided"\} [1-9]/);
    expect(text).toMatch(/fv_decisions_published_total\{decision="APPROVED"\} [1-9]/);
    expect(text).toMatch(/fv_sms_sent_total\{kind="question"\} [1-9]/);
    expect(text).toMatch(/fv_sms_sent_total\{kind="confirmation"\} [1-9]/);
    expect(text).toMatch(/fv_reply_to_decision_seconds_count [1-9]/);
    expect(text).toMatch(/fv_queue_lag_seconds_count\{queue="inbound"\} [1-9]/);
    expect(text).toContain("process_resident_memory_bytes");
    expect(text).not.toMatch(/\+\d{8,15}/);
  });

  it("turns /readyz to 503 naming redis while Redis is down, keeps the reply, and recovers without a restart", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);

    // Looks only once the service has noticed: its Redis client closed, and with it the consumers paused.
    const noticed = new Promise<void>((resolve) => h.service.redis.once("close", () => resolve()));
    await redis.kill();
    await noticed;
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 10_000, interval: 100 }).toBe(503);
    expect(await (await get("/readyz")).json()).toEqual({ status: "unavailable", failing: ["redis"] });
    expect(h.logLines.some((line) => line.includes("consumers paused until it returns"))).toBe(true);

    let receives = 0;
    h.clients.sqs.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === "ReceiveMessageCommand") receives += 1;
        return next(args);
      },
      { step: "initialize", name: "countReceives" },
    );
    const replyId = await h.sendToQueue(
      QUEUES.inbound,
      JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, previousPublishedMessageId: question.messageId })),
    );
    // The consumers are paused: the reply waits in the queue, not received again and again towards
    // the DLQ. A running consumer (1 s long polls here) would have received it within one poll;
    // three polls' time without a single ReceiveMessage shows the pause.
    await waitForRedisRetries(3_000);
    const waiting = h.aws.server.inspectQueue(QUEUES.inbound)?.messages.ready.find((m) => m.messageId === replyId);
    expect(receives, "ReceiveMessage calls while Redis was down").toBe(0);
    expect(waiting?.approximateReceiveCount).toBe(0);
    expect(h.decisionsFor(String(request.transactionId))).toHaveLength(0);

    await redis.restart();
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 15_000, interval: 100 }).toBe(200);
    const event = await h.waitForDecision(String(request.transactionId));
    expect(event.decision).toBe("APPROVED");
    const done = await h.waitForHandled((m) => m.messageId === replyId && m.acknowledged);
    expect(done.outcome).toBe("decided");
    expect(h.handled.filter((m) => m.messageId === replyId)).toHaveLength(1);
  });

  it("takes a Redis that stops answering, its connection still open, for down, and decides the reply once it answers again", { timeout: 30_000 }, async () => {
    const request = verificationRequest();
    const transactionId = String(request.transactionId);
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);

    // Frozen, the server keeps its connections open and answers nothing: only the client's own
    // socket timeout can tell (TCP keep-alive would take minutes).
    const closed = new Promise<void>((resolve) => h.service.redis.once("close", () => resolve()));
    redis.freeze();
    try {
      await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, previousPublishedMessageId: question.messageId })));
      await closed;
      await expect.poll(async () => (await get("/readyz")).status, { timeout: 10_000, interval: 100 }).toBe(503);
      expect(h.decisionsFor(transactionId)).toHaveLength(0);
    } finally {
      redis.thaw();
    }

    await expect.poll(async () => (await get("/readyz")).status, { timeout: 15_000, interval: 100 }).toBe(200);
    const event = await h.waitForDecision(transactionId);
    expect(event.decision).toBe("APPROVED");
    expect(h.decisionsFor(transactionId)).toHaveLength(1);
  });
});
