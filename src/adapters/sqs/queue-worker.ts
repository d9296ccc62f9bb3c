import { ChangeMessageVisibilityBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { PoisonMessageError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { HandlerResult, MessageHandler, ReceivedMessage } from "../../ports.ts";
import { CoalescingDeleter } from "./coalescing-deleter.ts";
import type { DeadLetter } from "./dead-letter.ts";
import { LoadFollowingPollers } from "./load-following-pollers.ts";
import { unwrapBody } from "./unwrap-body.ts";

export type { HandlerResult, MessageHandler } from "../../ports.ts";

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
  /**
   * Most concurrent long-polling consumers on the queue (default 1). One always polls; the others
   * follow the load (see LoadFollowingPollers).
   */
  pollers?: number;
  onHandled?: (outcome: HandledMessage) => void;
  /** Translates an AWS timestamp (epoch ms) into the service clock's time (tests move their clock). */
  toServiceTime?: (epochMs: number) => number;
  /** Longest a handler may take; past it the message is left for redelivery (default 60 s). */
  handlerTimeoutMs?: number;
}

export interface HandledMessage extends HandlerResult {
  queue: string;
  messageId: string | undefined;
  outcome: string;
  acknowledged: boolean;
  latencyMs: number;
  /** How long the message waited in the queue (now - SentTimestamp), when SQS said. */
  queueLagMs: number | undefined;
}

export interface StopReport {
  /** In-flight messages that finished during the stop. */
  finished: number;
  /** In-flight messages made visible again because the stop's time ran out. */
  released: number;
}

export interface QueueWorker {
  start(): void;
  /** Stops polling until start() is called again; messages being handled finish normally. */
  pause(): void;
  /** Stops polling, waits up to `timeoutMs` for in-flight messages, and releases the rest to other workers. */
  stop(timeoutMs?: number): Promise<StopReport>;
  readonly isRunning: boolean;
  /** Consumers polling now: one while the queue is quiet, up to `pollers` while it is busy. */
  readonly pollersRunning: number;
}

/**
 * Receives batches of 10 with long polling, handles the messages of a batch concurrently and
 * deletes the handled ones in DeleteMessageBatch calls shared across batches (CoalescingDeleter).
 * A failed message stays on the queue and is redelivered after its visibility timeout; a poison
 * message is dead-lettered (or dropped) and deleted.
 */
export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { name, log } = options;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? 30;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const toServiceTime = options.toServiceTime ?? ((epochMs: number) => epochMs);

  /** The payload out of any SNS envelope, and when AWS first had it. */
  const received = (message: Message): ReceivedMessage => {
    const { payload, publishedAt } = unwrapBody(message.Body);
    const sentTimestamp = Number(message.Attributes?.SentTimestamp);
    const awsTime = publishedAt ?? (Number.isFinite(sentTimestamp) ? sentTimestamp : Date.now());
    return { payload, receivedAt: toServiceTime(awsTime) };
  };

  const inFlight = new Map<Message, Promise<HandledMessage>>();
  /**
   * Batches sqs-consumer has not finished with. A batch's handler gives its handled messages to the
   * deleter only after the last of them, so a stop waits for these before it drains the deleter.
   */
  const batchesSettling = new Set<Promise<void>>();
  const deleter = new CoalescingDeleter(options.sqs, options.queueUrl, (failure) =>
    log.error(
      { queue: name, messages: failure.messages, codes: failure.codes, ...(failure.error === undefined ? {} : { err: errorSummary(failure.error) }) },
      "deleting handled messages failed; they reappear after their visibility timeout and are handled again",
    ),
  );

  const handleTracked = (message: Message): Promise<HandledMessage> => {
    const handling = handleOne(message).finally(() => inFlight.delete(message));
    inFlight.set(message, handling);
    return handling;
  };

  const handleOne = async (message: Message): Promise<HandledMessage> => {
    const started = performance.now();
    const sentAt = Number(message.Attributes?.SentTimestamp);
    let result: HandlerResult;
    let acknowledged = true;
    try {
      result = await withTimeout(options.handler(received(message)), handlerTimeoutMs);
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
      queueLagMs: Number.isFinite(sentAt) ? Math.max(0, Date.now() - sentAt) : undefined,
    };
    log.info(handled, "message handled");
    options.onHandled?.(handled);
    return handled;
  };

  // sqs-consumer waits for a whole batch before it polls again; several pollers keep a busy queue
  // drained meanwhile, but an idle one still costs a ReceiveMessage each time a message arrives.
  let receiving = new AbortController();
  let stopping = false;
  const sqs = abortableReceives(options.sqs, () => receiving.signal);
  const consumers: Consumer[] = [];
  const pollers = new LoadFollowingPollers(consumers, () => !stopping);
  for (let index = 0; index < (options.pollers ?? 1); index += 1) {
    const consumer = Consumer.create({
      queueUrl: options.queueUrl,
      sqs,
      batchSize: 10,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      visibilityTimeout,
      // Extends the visibility of slow work so no second worker receives a message being handled.
      ...(visibilityTimeout >= 2 ? { heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)) } : {}),
      messageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
      messageAttributeNames: ["All"],
      handleMessageBatch: async (messages) => {
        // Each consumer handles one batch at a time: its next response_processed ends this one.
        const settled: Promise<void> = new Promise<void>((resolve) => consumer.once("response_processed", () => resolve())).finally(() =>
          batchesSettling.delete(settled),
        );
        batchesSettling.add(settled);
        const handled = pollers.handling(messages.length);
        try {
          const results = await Promise.all(messages.map(handleTracked));
          deleter.delete(messages.filter((_, i) => results[i]?.acknowledged));
          // The deleter deletes them, shared with other batches; sqs-consumer deletes nothing.
          return [];
        } finally {
          handled();
        }
      },
    });
    consumer.on("error", (error) => {
      if (!stopping) log.error({ err: errorSummary(error), queue: name }, "queue error");
    });
    consumer.on("processing_error", (error) => log.error({ err: errorSummary(error), queue: name }, "processing error"));
    consumer.on("empty", () => pollers.cameBackEmpty(index));
    consumers.push(consumer);
  }

  const stopPolling = async () => {
    stopping = true;
    // An open long poll would otherwise still take messages after the stop, with nobody to release them.
    receiving.abort();
    await Promise.all(
      consumers
        .filter((consumer) => consumer.status.isRunning)
        .map((consumer) => {
          const stopped = new Promise<void>((resolve) => consumer.once("stopped", () => resolve()));
          consumer.stop();
          return stopped;
        }),
    );
  };

  return {
    start: () => {
      if (receiving.signal.aborted) receiving = new AbortController();
      stopping = false;
      pollers.start();
    },
    pause: () => void stopPolling(),
    stop: async (timeoutMs = 25_000) => {
      await stopPolling();
      const pending = [...inFlight.entries()];
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
      const finishing = Promise.allSettled(pending.map(([, p]) => p)).then(() => Promise.all([...batchesSettling]));
      const done = await Promise.race([finishing.then(() => "done" as const), timedOut]);
      clearTimeout(timer);
      await deleter.drain();
      if (done === "done") return { finished: pending.length, released: 0 };
      const unfinished = [...inFlight.keys()];
      await release(options.sqs, options.queueUrl, unfinished).catch((error: unknown) =>
        log.error({ err: errorSummary(error), queue: name }, "could not release in-flight messages; they reappear after their visibility timeout"),
      );
      log.warn({ queue: name, released: unfinished.length }, "stop timed out; released in-flight messages");
      return { finished: pending.length - unfinished.length, released: unfinished.length };
    },
    get isRunning() {
      return pollers.isRunning;
    },
    get pollersRunning() {
      return pollers.running;
    },
  };
}

/** The client as sqs-consumer sees it: ReceiveMessage calls also end when the worker's receive signal aborts. */
function abortableReceives(sqs: SQSClient, signal: () => AbortSignal): SQSClient {
  const send = (command: unknown, sendOptions?: { abortSignal?: AbortSignal }) => {
    if (!(command instanceof ReceiveMessageCommand)) return sqs.send(command as ReceiveMessageCommand, sendOptions);
    const signals = [signal(), ...(sendOptions?.abortSignal ? [sendOptions.abortSignal] : [])];
    return sqs.send(command, { ...sendOptions, abortSignal: AbortSignal.any(signals) });
  };
  return { send } as unknown as SQSClient;
}

/** Makes messages visible again at once, so another worker takes them without waiting out the timeout. */
async function release(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).flatMap((m, index) =>
      m.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }] : [],
    );
    if (entries.length > 0) await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

export const DEFAULT_HANDLER_TIMEOUT_MS = 60_000;

export class HandlerTimeoutError extends Error {
  override readonly name = "HandlerTimeoutError";
}

/** Bounds a handler: past the limit the message is left for redelivery (the work may still finish). */
function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(`the handler took over ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}

/** Error name and message only: AWS errors can carry request bodies, which may hold phone numbers. */
function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "unknown", message: String(error) };
}
