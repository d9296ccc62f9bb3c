import type { AppContext } from "./context.ts";
import { sweepUntilDrained } from "./expire-due.ts";

export interface ExpiryPoller {
  stop(): Promise<void>;
}

/**
 * Runs the sweep every `intervalMs` (with jitter so workers spread out); a sweep passes again at
 * once for as long as a pass found more due than it could take (sweepUntilDrained).
 */
export function startExpiryPoller(ctx: AppContext, intervalMs = 500, isAvailable: () => boolean = () => true): ExpiryPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      if (!isAvailable()) {
        schedule(intervalMs);
        return;
      }
      running = sweepUntilDrained(ctx, { keepGoing: () => !stopped })
        .then(() => schedule(intervalMs * (0.75 + Math.random() * 0.5)))
        .catch((error: unknown) => {
          ctx.log.error({ err: error }, "expiry sweep failed");
          schedule(intervalMs);
        });
    }, delay);
  };
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
