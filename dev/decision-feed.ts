import { EventEmitter } from "node:events";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { DecisionEvent } from "../src/domain/decision-event.ts";
import type { Logger } from "../src/logger.ts";

/** One decision event as a subscriber of the decisions topic receives it. */
export interface ReceivedDecision {
  event: DecisionEvent;
  /** The SNS message attributes subscribers filter on (eventType, decision). */
  attributes: Record<string, string>;
  snsMessageId: string;
  topicArn: string;
  receivedAt: string;
}

export interface DecisionFeed {
  readonly decisions: readonly ReceivedDecision[];
  on(listener: (decision: ReceivedDecision) => void): void;
  off(listener: (decision: ReceivedDecision) => void): void;
  /** The first decision for the transaction, already received or the next one; rejects after timeoutMs. */
  waitFor(transactionId: string, timeoutMs: number): Promise<ReceivedDecision>;
  stop(): Promise<void>;
}

interface Envelope {
  Type: "Notification";
  MessageId: string;
  TopicArn: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/**
 * Reads the queue subscribed to the decisions topic, as a card system would, and deletes what it
 * read. Short long-polls, so stop() returns within about a second.
 */
export function startDecisionFeed(sqs: SQSClient, queueUrl: string, log: Logger): DecisionFeed {
  const decisions: ReceivedDecision[] = [];
  const events = new EventEmitter<{ decision: [ReceivedDecision] }>();
  events.setMaxListeners(0);
  let stopped = false;

  const poll = async () => {
    while (!stopped) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of Messages) {
          const decision = parseDecision(message);
          if (!decision) continue;
          decisions.push(decision);
          events.emit("decision", decision);
        }
        if (Messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
            }),
          );
        }
      } catch (error) {
        if (stopped) break;
        log.warn({ err: error }, "dev decision feed: receive failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const running = poll();

  return {
    decisions,
    on: (listener) => events.on("decision", listener),
    off: (listener) => events.off("decision", listener),
    waitFor(transactionId, timeoutMs) {
      const seen = decisions.find((d) => d.event.transactionId === transactionId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off("decision", listener);
          reject(new Error(`no decision for ${transactionId} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (decision: ReceivedDecision) => {
          if (decision.event.transactionId !== transactionId) return;
          clearTimeout(timer);
          events.off("decision", listener);
          resolve(decision);
        };
        events.on("decision", listener);
      });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

function parseDecision(message: Message): ReceivedDecision | undefined {
  try {
    const envelope = JSON.parse(message.Body ?? "") as Envelope;
    const attributes = Object.fromEntries(
      Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
    );
    return {
      event: JSON.parse(envelope.Message) as DecisionEvent,
      attributes,
      snsMessageId: envelope.MessageId,
      topicArn: envelope.TopicArn,
      receivedAt: new Date().toISOString(),
    };
  } catch {
    return undefined;
  }
}
