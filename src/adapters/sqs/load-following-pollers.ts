import type { Consumer } from "sqs-consumer";

/**
 * A batch of more than one message means messages piled up while the running pollers handled
 * theirs. (Measured against 5 with `npm run bench`: the same CPU, no clear difference in the tail.)
 */
export const BUSY_BATCH = 2;
/**
 * A batch still being handled after this long holds its poller (sqs-consumer polls again only when
 * a batch is done): another one starts, so one slow message (a text waiting for the pacer, a slow
 * provider) never holds up the rest of the queue.
 */
export const SLOW_BATCH_MS = 500;

/**
 * The first consumer always polls. Another one starts when a batch comes back busy (BUSY_BATCH
 * messages or more) or turns out slow (SLOW_BATCH_MS), and stops when its long poll comes back empty:
 * on real SQS after a wait with nothing to receive, on an emulator that wakes every waiting poll for
 * each message (fauxqs), as soon as another poller took it. So a quiet queue costs one
 * ReceiveMessage per message or per wait, and a busy or slow one is drained by all of them.
 */
export class LoadFollowingPollers {
  readonly #consumers: readonly Consumer[];
  readonly #mayStart: () => boolean;

  constructor(consumers: readonly Consumer[], mayStart: () => boolean) {
    this.#consumers = consumers;
    this.#mayStart = mayStart;
  }

  start(): void {
    this.#consumers[0]?.start();
  }

  get isRunning(): boolean {
    return this.#consumers[0]?.status.isRunning ?? false;
  }

  /** How many consumers are polling now. */
  get running(): number {
    return this.#consumers.filter((consumer) => consumer.status.isRunning).length;
  }

  /** A batch is being handled; call the returned function when it is done. */
  handling(batchSize: number): () => void {
    if (batchSize >= BUSY_BATCH) {
      this.#startAnother();
      return () => undefined;
    }
    const slow = setTimeout(() => this.#startAnother(), SLOW_BATCH_MS);
    return () => clearTimeout(slow);
  }

  cameBackEmpty(index: number): void {
    if (index > 0) this.#consumers[index]?.stop();
  }

  #startAnother(): void {
    if (!this.#mayStart() || !this.isRunning) return;
    this.#consumers.find((consumer) => !consumer.status.isRunning)?.start();
  }
}
