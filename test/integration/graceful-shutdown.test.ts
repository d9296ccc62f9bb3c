import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES, TOPICS, startAwsEnvironment, type AwsEnvironment } from "../support/aws-environment.ts";
import { startDelayingProxy, type DelayingProxy } from "../support/delaying-proxy.ts";
import { startRedisServer, type TestRedis } from "../support/redis-server.ts";
import { spawnService } from "../support/service-process.ts";
import { startHarness, verificationRequest } from "../support/service-harness.ts";

interface Rig {
  aws: AwsEnvironment;
  sandbox: SmsSandbox;
  proxy: DelayingProxy;
  redis: TestRedis;
  sqs: SQSClient;
}
let rig: Rig | undefined;

async function startRig(smsDelayMs: number): Promise<Rig> {
  const [aws, sandbox, redis] = await Promise.all([startAwsEnvironment(), startSmsSandbox(), startRedisServer()]);
  const proxy = await startDelayingProxy(sandbox.url, smsDelayMs);
  const sqs = new SQSClient({ region: "us-east-1", endpoint: aws.endpoint, useQueueUrlAsEndpoint: false });
  rig = { aws, sandbox, proxy, redis, sqs };
  return rig;
}

afterEach(async () => {
  if (!rig) return;
  rig.sqs.destroy();
  await rig.proxy.close();
  await Promise.all([rig.aws.stop(), rig.sandbox.close(), rig.redis.stop()]);
  rig = undefined;
});

async function enqueueRequests(r: Rig, count: number): Promise<string[]> {
  const requests = Array.from({ length: count }, () => verificationRequest());
  await r.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: r.aws.queueUrl(QUEUES.requests),
      Entries: requests.map((request, index) => ({ Id: String(index), MessageBody: JSON.stringify(request) })),
    }),
  );
  return requests.map((request) => String(request.transactionId));
}

function serviceEnv(r: Rig, shutdownSeconds: number): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SQS: r.aws.endpoint,
    AWS_ENDPOINT_URL_SNS: r.aws.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: r.proxy.url,
    REQUESTS_QUEUE_URL: r.aws.queueUrl(QUEUES.requests),
    INBOUND_QUEUE_URL: r.aws.queueUrl(QUEUES.inbound),
    DECISIONS_TOPIC_ARN: r.aws.topicArn(TOPICS.decisions),
    ORIGINATION_IDENTITY: "+18885550100",
    REDIS_URL: r.redis.url,
    HTTP_PORT: "0",
    SHUTDOWN_TIMEOUT_SECONDS: String(shutdownSeconds),
  };
}

const firstSmsCall = (proxy: DelayingProxy) => new Promise<void>((resolve) => proxy.events.once("request", () => resolve()));

async function sigtermDuringBatch(r: Rig, shutdownSeconds: number) {
  const transactionIds = await enqueueRequests(r, 10);
  const service = spawnService(serviceEnv(r, shutdownSeconds));
  await firstSmsCall(r.proxy);
  const signalledAt = Date.now();
  service.child.kill("SIGTERM");
  const exit = await service.exited;
  const stopped = await service.waitForLine((line) => line.msg === "service stopped");
  const queue = r.aws.server.inspectQueue(QUEUES.requests);
  const idOf = (body: string) => (JSON.parse(body) as { transactionId: string }).transactionId;
  const waiting = new Set((queue?.messages.ready ?? []).map((m) => idOf(m.body)));
  const held = new Set((queue?.messages.inflight ?? []).map((m) => idOf(m.message.body)));
  return { transactionIds, exit, stopped, waiting, held, inflight: queue?.messages.inflight.length, exitMs: Date.now() - signalledAt };
}

describe("graceful shutdown", () => {
  it("on SIGTERM during a batch finishes the in-flight messages and exits 0: every request is texted or still queued", async () => {
    const r = await startRig(1_000);
    const { transactionIds, exit, stopped, waiting, inflight } = await sigtermDuringBatch(r, 20);
    expect(exit).toEqual({ code: 0, signal: null });
    const texted = new Set(r.sandbox.sent.map((sms) => sms.context?.transactionId));
    const requests = stopped.requests as { finished: number; released: number };
    expect(requests.released).toBe(0);
    expect(requests.finished).toBeGreaterThan(0);
    expect(inflight).toBe(0);
    for (const id of transactionIds) expect(texted.has(id) !== waiting.has(id)).toBe(true);
    expect(texted.size + waiting.size).toBe(10);
  });

  it("releases what cannot finish in SHUTDOWN_TIMEOUT_SECONDS; nothing is deleted unprocessed", async () => {
    const r = await startRig(8_000);
    const { transactionIds, exit, stopped, waiting, held, exitMs } = await sigtermDuringBatch(r, 1);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(6_000);
    const requests = stopped.requests as { finished: number; released: number };
    expect(requests.released).toBeGreaterThan(0);
    expect(r.sandbox.sent).toHaveLength(0);
    // Released messages are visible again at once, unless an aborted long poll that the emulator still
    // serves picked them up: those reappear after their visibility timeout. None was deleted.
    expect([...waiting, ...held].sort()).toEqual([...transactionIds].sort());
  });
});

describe("visibility heartbeat", () => {
  it("keeps a message that takes longer than its visibility timeout from being delivered again", async () => {
    const h = await startHarness({ visibilityTimeoutSeconds: 2, slowSms: true });
    try {
      h.smsProxy!.delayMs = 5_000;
      await h.startAnotherWorker();
      const request = verificationRequest();
      const messageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
      await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId, 15_000);
      const handled = await h.waitForHandled((m) => m.messageId === messageId);
      expect(handled).toMatchObject({ outcome: "sent", acknowledged: true });
      expect(handled.latencyMs).toBeGreaterThan(4_000);
      expect(h.handled.filter((m) => m.messageId === messageId)).toHaveLength(1);
      expect(h.sandbox.sent.filter((m) => m.context?.transactionId === request.transactionId)).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });
});
