import { DeleteMessageBatchCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";

/**
 * Longest a handled message waits for its deletion. Nothing waits on a deletion (the message's work
 * is done: texted, decided, published), so on a quiet queue the messages handled within this time
 * share one DeleteMessageBatch instead of one each (at 100 messages/s, about 5 per call). A worker
 * that dies in between leaves them to reappear after their visibility timeout and be handled
 * again, which every handler already makes harmless.
 */
export const DELETE_WITHIN_MS = 50;
const MOST_PER_CALL = 10;

/**
 * Deletes handled messages in DeleteMessageBatch calls of up to 10: at once when 10 are waiting,
 * otherwise DELETE_WITHIN_MS after the first of them. `drain` sends what waits and awaits every call.
 */
export class CoalescingDeleter {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #withinMs: number;
  readonly #onFailure: (failure: DeleteFailure) => void;
  #waiting: Message[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #calls = new Set<Promise<void>>();

  constructor(sqs: SQSClient, queueUrl: string, onFailure: (failure: DeleteFailure) => void, withinMs = DELETE_WITHIN_MS) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#onFailure = onFailure;
    this.#withinMs = withinMs;
  }

  delete(messages: readonly Message[]): void {
    this.#waiting.push(...messages);
    while (this.#waiting.length >= MOST_PER_CALL) this.#send(this.#waiting.splice(0, MOST_PER_CALL));
    if (this.#waiting.length > 0) this.#timer ??= setTimeout(() => this.#sendWaiting(), this.#withinMs);
  }

  async drain(): Promise<void> {
    this.#sendWaiting();
    while (this.#calls.size > 0) await Promise.all([...this.#calls]);
  }

  #sendWaiting(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#waiting.length > 0) this.#send(this.#waiting.splice(0, MOST_PER_CALL));
  }

  #send(messages: Message[]): void {
    const entries = messages.flatMap((message, index) => (message.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: message.ReceiptHandle }] : []));
    if (entries.length === 0) return;
    const call: Promise<void> = this.#sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }))
      .then(
        (response) => {
          const failed = response.Failed ?? [];
          if (failed.length > 0) this.#onFailure({ messages: failed.length, codes: [...new Set(failed.map((entry) => entry.Code ?? "unknown"))] });
        },
        (error: unknown) => this.#onFailure({ messages: entries.length, error }),
      )
      .finally(() => this.#calls.delete(call));
    this.#calls.add(call);
  }
}

/** Messages a DeleteMessageBatch did not delete: they reappear after their visibility timeout. */
export interface DeleteFailure {
  messages: number;
  codes?: string[];
  error?: unknown;
}
