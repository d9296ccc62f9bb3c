import { PublishBatchCommand, type MessageAttributeValue, type PublishBatchRequestEntry, type SNSClient } from "@aws-sdk/client-sns";
import { decisionEventAttributes, type DecisionEvent } from "../../domain/decision-event.ts";
import type { DecisionPublisher } from "../../ports.ts";

const MAX_BATCH = 10;
/** SNS's limit on a whole PublishBatch (every message and its attributes). */
export const MAX_BATCH_BYTES = 256 * 1024;

interface Pending {
  entry: PublishBatchRequestEntry;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class DecisionPublishError extends Error {
  override readonly name = "DecisionPublishError";
}

/**
 * Publishes decision events with PublishBatch: the events handed over in the same turn of the
 * event loop (one SQS batch decides up to ten at once) share one call. Each caller's promise
 * settles with its own entry's result, so one refused entry fails only its own message.
 */
export class SnsDecisionPublisher implements DecisionPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  publish(event: DecisionEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({
        entry: {
          Id: "",
          Message: JSON.stringify(event),
          MessageAttributes: stringAttributes(decisionEventAttributes(event)),
        },
        resolve,
        reject,
      });
      if (this.#queue.length >= MAX_BATCH) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queued = this.#queue;
    this.#queue = [];
    for (const batch of batchesBySize(queued, (pending) => entryBytes(pending.entry))) void this.#send(batch);
  }

  async #send(batch: Pending[]): Promise<void> {
    const entries = batch.map((pending, index) => ({ ...pending.entry, Id: String(index) }));
    try {
      const output = await this.#client.send(new PublishBatchCommand({ TopicArn: this.#topicArn, PublishBatchRequestEntries: entries }));
      const failed = new Map((output.Failed ?? []).map((failure) => [failure.Id, failure]));
      batch.forEach((pending, index) => {
        const failure = failed.get(String(index));
        if (failure) pending.reject(new DecisionPublishError(`SNS refused the decision event: ${failure.Code ?? "unknown"}`));
        else pending.resolve();
      });
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.reject(reason);
    }
  }
}

/** What an entry counts toward the batch limit: its message, and each attribute's name, type and value. */
export function entryBytes(entry: PublishBatchRequestEntry): number {
  let bytes = Buffer.byteLength(entry.Message ?? "", "utf8");
  for (const [name, attribute] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name, "utf8") + Buffer.byteLength(attribute.DataType ?? "", "utf8");
    bytes += Buffer.byteLength(attribute.StringValue ?? "", "utf8");
  }
  return bytes;
}

/**
 * Splits items, in order, into batches of at most MAX_BATCH whose sizes add up to at most
 * MAX_BATCH_BYTES. An item too large on its own still goes alone, so SNS refuses only that one.
 */
export function batchesBySize<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = sizeOf(item);
    if (current.length > 0 && (current.length >= MAX_BATCH || currentBytes + bytes > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function stringAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]));
}
