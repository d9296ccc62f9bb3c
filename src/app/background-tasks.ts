import type { Logger } from "../logger.ts";

export interface BackgroundTasks {
  run(name: string, task: () => Promise<void>): void;
  /** Waits for the running tasks, at most `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  readonly size: number;
}

/**
 * Tracks fire-and-forget work so a graceful stop can wait for it. A task that fails is only
 * logged: whatever it owed is still recorded in Redis and finished later by the expiry sweep.
 */
export function createBackgroundTasks(log: Logger): BackgroundTasks {
  const running = new Set<Promise<void>>();
  return {
    run(name, task) {
      const promise = task()
        .catch((error: unknown) => {
          log.warn({ task: name, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "background task failed; the sweep retries it");
        })
        .finally(() => running.delete(promise));
      running.add(promise);
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
