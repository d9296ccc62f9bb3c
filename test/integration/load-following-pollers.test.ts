/**
 * A queue worker's pollers follow the load (src/adapters/sqs/load-following-pollers.ts): one long
 * poll on a quiet queue, all of them on a busy one. On the emulator, the real SQS client and protocol.
 */
import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { QUEUES } from "../support/aws-environment.ts";
import { until, useCountingSqs, WORKER_POLLERS as POLLERS } from "../support/counting-sqs.ts";

const aws = useCountingSqs();
const receives = () => aws.sent("ReceiveMessageCommand");

describe("pollers that follow the load", () => {
  it("keeps one long poll on a quiet queue: about one receive per message, not one per poller", async () => {
    const { worker, handled, mostPollers, queueUrl } = await aws.startWorker(QUEUES.requests);
    const before = receives();
    const messages = 20;
    for (let i = 0; i < messages; i += 1) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
      await until(() => handled.length === i + 1);
    }

    expect(mostPollers()).toBe(1);
    expect(worker.pollersRunning).toBe(1);
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

    const { worker, handled, mostPollers } = await aws.startWorker(QUEUES.smsEvents);
    await until(() => handled.length === messages);

    expect(new Set(handled.map((m) => m.messageId)).size).toBe(messages);
    expect(mostPollers()).toBe(POLLERS);
    await until(() => worker.pollersRunning === 1);
  });

  it("starts another poller when a batch is slow, so one slow message never holds up the queue", async () => {
    let releaseSlow = () => undefined as void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const { handled, queueUrl } = await aws.startWorker(QUEUES.inbound, (body) => (body.includes("slow") ? slowHeld : Promise.resolve()));
    const slow = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind: "slow" }) }));
    const fast = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind: "fast" }) }));

    // Handled while the slow one still holds the first poller's batch.
    await until(() => handled.some((m) => m.messageId === fast.MessageId));
    expect(handled.some((m) => m.messageId === slow.MessageId)).toBe(false);
    releaseSlow();
    await until(() => handled.some((m) => m.messageId === slow.MessageId));
  });
});
