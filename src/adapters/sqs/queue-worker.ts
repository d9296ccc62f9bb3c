import type { Message, SQSClient } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { PoisonMessageError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { DeadLetter } from "./dead-letter.ts";

export interface HandlerResult {
  outcome: string;
  transactionId?: string | undefined;
  phoneNumberMasked?: string | undefined;
}

/** Handles one message and names the outcome (logged and counted); throws to leave it on the queue. */
export type MessageHandler = (message: Message) => Promise<HandlerResult>;

export interface QueueWorkerOptions {
  name: string;
  queueUrl: string;
  sqs: SQSClient;
  handler: MessageHandler;
  deadLetter: DeadLetter;
  log: Logger;
  /** Seconds a received message stays hidden; the heartbeat extends it for slow work. */
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
  onHandled?: (outcome: HandledMessage) => void;
}

export interface HandledMessage extends HandlerResult {
  queue: string;
  messageId: string | undefined;
  outcome: string;
  acknowledged: boolean;
  latencyMs: number;
}

export interface QueueWorker {
  start(): void;
  stop(): Promise<void>;
  readonly isRunning: boolean;
}

/**
 * Receives batches of 10 with long polling, handles the messages of a batch concurrently and
 * deletes the handled ones in one DeleteMessageBatch. A failed message stays on the queue and is
 * redelivered after its visibility timeout; a poison message is dead-lettered (or dropped) and deleted.
 */
export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { name, log } = options;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? 30;

  const handleOne = async (message: Message): Promise<HandledMessage> => {
    const started = performance.now();
    let result: HandlerResult;
    let acknowledged = true;
    try {
      result = await options.handler(message);
    } catch (error) {
      if (error instanceof PoisonMessageError) {
        const disposal = await options.deadLetter.reject(message, error.reason).catch((dlqError: unknown) => {
          log.error({ err: dlqError, queue: name, messageId: message.MessageId }, "dead-lettering failed");
          return null;
        });
        acknowledged = disposal !== null;
        result = { outcome: `rejected:${error.reason}` };
        log.warn({ queue: name, messageId: message.MessageId, reason: error.message, disposal }, "message rejected");
      } else {
        acknowledged = false;
        result = { outcome: "failed" };
        log.error({ err: errorSummary(error), queue: name, messageId: message.MessageId }, "message failed; left for redelivery");
      }
    }
    const handled: HandledMessage = {
      queue: name,
      messageId: message.MessageId,
      ...result,
      acknowledged,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
    log.info(handled, "message handled");
    options.onHandled?.(handled);
    return handled;
  };

  const consumer = Consumer.create({
    queueUrl: options.queueUrl,
    sqs: options.sqs,
    batchSize: 10,
    waitTimeSeconds: options.waitTimeSeconds ?? 20,
    visibilityTimeout,
    // Extends the visibility of slow work so no second worker receives a message being handled.
    ...(visibilityTimeout >= 2 ? { heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)) } : {}),
    messageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
    messageAttributeNames: ["All"],
    handleMessageBatch: async (messages) => {
      const results = await Promise.all(messages.map(handleOne));
      return messages.filter((_, index) => results[index]?.acknowledged);
    },
  });
  consumer.on("error", (error) => log.error({ err: errorSummary(error), queue: name }, "queue error"));
  consumer.on("processing_error", (error) => log.error({ err: errorSummary(error), queue: name }, "processing error"));

  return {
    start: () => consumer.start(),
    stop: async () => {
      const stopped = new Promise<void>((resolve) => consumer.once("stopped", () => resolve()));
      consumer.stop();
      await stopped;
    },
    get isRunning() {
      return consumer.status.isRunning;
    },
  };
}

/** Error name and message only: AWS errors can carry request bodies, which may hold phone numbers. */
function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "unknown", message: String(error) };
}
