/**
 * Handled messages are deleted in DeleteMessageBatch calls shared across batches
 * (src/adapters/sqs/coalescing-deleter.ts). On the emulator, the real SQS client and protocol.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CoalescingDeleter, type DeleteFailure } from "../../src/adapters/sqs/coalescing-deleter.ts";
import { resolveDeadLetter } from "../../src/adapters/sqs/dead-letter.ts";
import { createQueueWorker, type HandledMessage, type QueueWorker } from "../../src/adapters/sqs/queue-worker.ts";
import { createLogger } from "../../src/logger.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { useCountingSqs } from "../support/counting-sqs.ts";

const aws = useCountingSqs();
const deleteCalls = () => aws.sent("DeleteMessageBatchCommand");

let worker: QueueWorker | undefined;
afterEach(async () => {
  await worker?.stop(1_000);
  worker = undefined;
});

const until = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 15_000, interval: 20 });

/** Messages on the queue, received or not (deleted ones are gone). */
async function messagesOn(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}

async function sendMessages(queueUrl: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ i: i + j }) }));
    await aws.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

async function receiveAll(queueUrl: string, count: number): Promise<Message[]> {
  const received: Message[] = [];
  while (received.length < count) {
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    received.push(...Messages);
  }
  return received;
}

describe("the coalescing deleter", () => {
  it("deletes 10 at once in one call, and what waits when drained, never waiting out its time", async () => {
    const queueUrl = aws.env.queueUrl(QUEUES.requests);
    await sendMessages(queueUrl, 13);
    const received = await receiveAll(queueUrl, 13);
    const failures: DeleteFailure[] = [];
    const deleter = new CoalescingDeleter(aws.sqs, queueUrl, (failure) => failures.push(failure), 3_600_000);
    const before = deleteCalls();

    deleter.delete(received.slice(0, 10));
    await vi.waitFor(async () => expect(await messagesOn(queueUrl)).toBe(3), { timeout: 10_000, interval: 20 });
    deleter.delete(received.slice(10));
    expect(await messagesOn(queueUrl)).toBe(3);
    await deleter.drain();

    expect(await messagesOn(queueUrl)).toBe(0);
    expect(deleteCalls() - before).toBe(2);
    expect(failures).toEqual([]);
  });

  it("reports a call the queue refused with how many messages it held, and no receipt handle", async () => {
    const queueUrl = `${aws.env.queueUrl(QUEUES.inbound)}-gone`;
    const failures: DeleteFailure[] = [];
    const deleter = new CoalescingDeleter(aws.sqs, queueUrl, (failure) => failures.push(failure), 10);
    deleter.delete([{ ReceiptHandle: "not-a-receipt-handle" }]);
    await deleter.drain();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.messages).toBe(1);
    expect(failures[0]?.error).toBeInstanceOf(Error);
    expect(String(failures[0]?.error)).not.toContain("not-a-receipt-handle");
  });
});

describe("a queue worker's deletes", () => {
  async function startWorker(queue: string): Promise<{ handled: HandledMessage[]; queueUrl: string }> {
    const queueUrl = aws.env.queueUrl(queue);
    const handled: HandledMessage[] = [];
    const started = createQueueWorker({
      name: queue,
      queueUrl,
      sqs: aws.sqs,
      handler: () => Promise.resolve({ outcome: "ok" }),
      deadLetter: await resolveDeadLetter(aws.sqs, queueUrl),
      log: createLogger("silent"),
      pollers: 4,
      waitTimeSeconds: 1,
      onHandled: (message) => handled.push(message),
    });
    worker = started;
    started.start();
    return { handled, queueUrl };
  }

  it("share calls on a quiet queue (one message at a time), and all are deleted once the worker stops", async () => {
    const { handled, queueUrl } = await startWorker(QUEUES.smsEvents);
    const before = deleteCalls();
    const messages = 30;
    for (let i = 0; i < messages; i += 1) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
      await until(() => handled.length === i + 1);
    }
    await worker?.stop(5_000);
    worker = undefined;

    expect(await messagesOn(queueUrl)).toBe(0);
    // One DeleteMessageBatch per handled batch would be 30 here.
    expect(deleteCalls() - before).toBeLessThan(messages / 2);
  });
});
