import { EventEmitter } from "node:events";
import type { HandledMessage } from "../src/adapters/sqs/queue-worker.ts";

/** Every queue message the service finished with (its onHandled hook), to wait on. */
export class HandledMessages {
  readonly list: HandledMessage[] = [];
  readonly #events = new EventEmitter<{ handled: [HandledMessage] }>();

  constructor() {
    this.#events.setMaxListeners(0);
  }

  readonly record = (handled: HandledMessage): void => {
    this.list.push(handled);
    this.#events.emit("handled", handled);
  };

  on(listener: (handled: HandledMessage) => void): () => void {
    this.#events.on("handled", listener);
    return () => this.#events.off("handled", listener);
  }

  waitFor(predicate: (handled: HandledMessage) => boolean, timeoutMs: number): Promise<HandledMessage> {
    const seen = this.list.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching message was handled within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((handled) => {
        if (!predicate(handled)) return;
        clearTimeout(timer);
        off();
        resolve(handled);
      });
    });
  }
}
