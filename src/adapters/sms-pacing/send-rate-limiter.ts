/** The send rate every worker shares, as the paced sender sees it (src/adapters/redis/redis-send-rate.ts). */

export interface TakeRequest {
  /** Message parts (segments) of the SMS to send. */
  parts: number;
  /** The most urgent text this worker has waiting (see domain/send-priority.ts); lower goes first. */
  rank: number;
  /** What this worker still has waiting once this one is granted (null: nothing). */
  nextRank: number | null;
}

export type TakeResult =
  /** Send in `delayMs` (0: now); the slot is this worker's. `at` is the slot on the limiter's clock. */
  | { kind: "granted"; delayMs: number; at: number }
  /** No slot yet: ask again in `waitMs`. */
  | { kind: "wait"; waitMs: number }
  /** Another worker has something more urgent waiting: ask again in `waitMs`. */
  | { kind: "yield"; waitMs: number };

export interface SendRateLimiter {
  take(request: TakeRequest): Promise<TakeResult>;
  /** This worker has nothing waiting any more (its queue emptied, or it is stopping). */
  leave(): Promise<void>;
}
