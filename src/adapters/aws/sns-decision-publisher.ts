import { PublishBatchCommand, type MessageAttributeValue, type PublishBatchRequestEntry, type SNSClient } from "@aws-sdk/client-sns";
import { decisionEventAttributes, type DecisionEvent } from "../../domain/decision-event.ts";
import type { DecisionPublisher } from "../../ports.ts";

const MAX_BATCH = 10;

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
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      void this.#send(batch);
    }
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

function stringAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]));
}
