import type { Logger } from "../logger.ts";

export interface BackgroundTasks {
  /** Starts the task when a slot is free, waiting for one when all are taken (backpressure). */
  run(name: string, task: () => Promise<void>): Promise<void>;
  /** Starts the task only when a slot is free now; false when all are taken. */
  tryRun(name: string, task: () => Promise<void>): boolean;
  /** Waits for the running tasks, at most `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  readonly size: number;
}

/**
 * Enough for a confirmation per decision at 500 decisions/s with sends taking up to 4 s; beyond it the
 * handlers wait for a slot (backpressure) and the sweep leaves the work for its next pass.
 */
export const DEFAULT_BACKGROUND_LIMIT = 2_048;

/**
 * Bounded fire-and-forget work that a graceful stop waits for. A task that fails is only logged:
 * whatever it owed is still recorded in Redis and finished later by the sweep.
 */
export function createBackgroundTasks(log: Logger, limit = DEFAULT_BACKGROUND_LIMIT): BackgroundTasks {
  const running = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];

  const start = (name: string, task: () => Promise<void>) => {
    const promise = task()
      .catch((error: unknown) => {
        log.warn(
          { task: name, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
          "background task failed; the sweep retries it",
        );
      })
      .finally(() => {
        running.delete(promise);
        waiting.shift()?.();
      });
    running.add(promise);
  };

  return {
    async run(name, task) {
      while (running.size >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      start(name, task);
    },
    tryRun(name, task) {
      if (running.size >= limit) return false;
      start(name, task);
      return true;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    },
    get size() {
      return running.size;
    },
  };
}
