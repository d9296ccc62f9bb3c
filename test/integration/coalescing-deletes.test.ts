/**
 * Handled messages are deleted in DeleteMessageBatch calls shared across batches
 * (src/adapters/sqs/coalescing-deleter.ts). On the emulator, the real SQS client and protocol.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { describe, expect, it, vi } from "vitest";
import { CoalescingDeleter, type DeleteFailure } from "../../src/adapters/sqs/coalescing-deleter.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { until, useCountingSqs } from "../support/counting-sqs.ts";

const aws = useCountingSqs();
const deleteCalls = () => aws.sent("DeleteMessageBatchCommand");

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
  it("share calls on a quiet queue (one message at a time), and all are deleted once the worker stops", async () => {
    const { worker, handled, queueUrl } = await aws.startWorker(QUEUES.smsEvents);
    const before = deleteCalls();
    const messages = 30;
    for (let i = 0; i < messages; i += 1) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
      await until(() => handled.length === i + 1);
    }
    await worker.stop(5_000);

    expect(await messagesOn(queueUrl)).toBe(0);
    // One DeleteMessageBatch per handled batch would be 30 here.
    expect(deleteCalls() - before).toBeLessThan(messages / 2);
  });
});
