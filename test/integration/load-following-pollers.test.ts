/**
 * A queue worker's pollers follow the load (src/adapters/sqs/load-following-pollers.ts): one long
 * poll on a quiet queue, all of them on a busy one. On the emulator, the real SQS client and protocol.
 */
import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveDeadLetter } from "../../src/adapters/sqs/dead-letter.ts";
import { createQueueWorker, type HandledMessage, type QueueWorker } from "../../src/adapters/sqs/queue-worker.ts";
import { createLogger } from "../../src/logger.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { useCountingSqs } from "../support/counting-sqs.ts";

const POLLERS = 4;

const aws = useCountingSqs();
const receives = () => aws.sent("ReceiveMessageCommand");

let worker: QueueWorker | undefined;
afterEach(async () => {
  await worker?.stop(1_000);
  worker = undefined;
});

/**
 * A worker whose handler accepts everything (after `handler`), and what it handled. Each test has its own queue: a
 * stopped worker's last long poll may still take messages on the emulator's side (as on SQS), which
 * then come back only after their visibility timeout.
 */
async function startWorker(
  queue: string,
  handler: (body: string) => Promise<void> = () => Promise.resolve(),
): Promise<{ handled: HandledMessage[]; mostPollers: () => number; queueUrl: string }> {
  const queueUrl = aws.env.queueUrl(queue);
  const handled: HandledMessage[] = [];
  let most = 0;
  const started = createQueueWorker({
    name: queue,
    queueUrl,
    sqs: aws.sqs,
    handler: async ({ payload }) => {
      await handler(JSON.stringify(payload));
      return { outcome: "ok" };
    },
    deadLetter: await resolveDeadLetter(aws.sqs, queueUrl),
    log: createLogger("silent"),
    pollers: POLLERS,
    waitTimeSeconds: 1,
    onHandled: (message) => {
      handled.push(message);
      most = Math.max(most, started.pollersRunning);
    },
  });
  worker = started;
  started.start();
  return { handled, mostPollers: () => most, queueUrl };
}

const until = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 15_000, interval: 20 });

describe("pollers that follow the load", () => {
  it("keeps one long poll on a quiet queue: about one receive per message, not one per poller", async () => {
    const { handled, mostPollers, queueUrl } = await startWorker(QUEUES.requests);
    const before = receives();
    const messages = 20;
    for (let i = 0; i < messages; i += 1) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
      await until(() => handled.length === i + 1);
    }

    expect(mostPollers()).toBe(1);
    expect(worker?.pollersRunning).toBe(1);
    // Each of 4 waiting polls would return for every message on this emulator: 80 receives.
    expect(receives() - before).toBeLessThan(messages * 1.5);
  });

  it("starts every poller for a busy queue and goes back to one when it is quiet", async () => {
    const queueUrl = aws.env.queueUrl(QUEUES.smsEvents);
    const messages = 300;
    for (let i = 0; i < messages; i += 10) {
      const entries = Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ i: i + j }) }));
      await aws.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }

    const { handled, mostPollers } = await startWorker(QUEUES.smsEvents);
    await until(() => handled.length === messages);

    expect(new Set(handled.map((m) => m.messageId)).size).toBe(messages);
    expect(mostPollers()).toBe(POLLERS);
    await until(() => worker?.pollersRunning === 1);
  });

  it("starts another poller when a batch is slow, so one slow message never holds up the queue", async () => {
    let releaseSlow = () => undefined as void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const { handled, queueUrl } = await startWorker(QUEUES.inbound, (body) => (body.includes("slow") ? slowHeld : Promise.resolve()));
    const slow = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind: "slow" }) }));
    const fast = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind: "fast" }) }));

    // Handled while the slow one still holds the first poller's batch.
    await until(() => handled.some((m) => m.messageId === fast.MessageId));
    expect(handled.some((m) => m.messageId === slow.MessageId)).toBe(false);
    releaseSlow();
    await until(() => handled.some((m) => m.messageId === slow.MessageId));
  });
});
