import type { SendRateLimiter, TakeRequest, TakeResult } from "../sms-pacing/send-rate-limiter.ts";
import { registerScripts, type RedisClient, type Scripts } from "./scripts.ts";

export interface RedisSendRateOptions {
  /** Redis key namespace (the store's). */
  namespace?: string;
  partsPerSecond: number;
  /** This worker (process) in the registry of waiting texts. */
  workerId: string;
  /**
   * Parts the bucket may let through at once (default 1: parts spaced evenly, 1 s / rate apart, so
   * no one-second window ever holds more than the rate, and the carrier's own bucket, which holds a
   * second's worth, stays full and absorbs the network's jitter; see SINGLE_PART_CUSHION_MS for
   * rates of one part per second or less).
   */
  burstParts?: number;
  /** How long a worker's waiting entry counts without being refreshed (default 2 s). */
  registryLifetimeMs?: number;
}

const DEFAULT_REGISTRY_LIFETIME_MS = 2_000;
/**
 * At one part per second or less the carrier's bucket holds a single part, refilled just as the
 * next evenly spaced part is due: one that arrives a few ms early (network or event-loop jitter) is
 * throttled, and the SDK's backoff retry then lands on later slots. So at such rates parts are
 * spaced this much wider than 1 s / rate (5 % of throughput at 1 part/s, 1 % at 0.2).
 */
export const SINGLE_PART_CUSHION_MS = 50;
/** A slot may be reserved this long before it comes (at most one interval). */
const MAX_LOOK_AHEAD_MS = 100;

/**
 * The shared send rate in Redis: one script call per attempt, on keys of their own hash tag
 * ("<ns>:{sms-rate}"), so in a cluster they live on one shard apart from the verifications.
 */
export class RedisSendRate implements SendRateLimiter {
  readonly #client: RedisClient;
  readonly #scripts: Scripts;
  readonly #keys: [string, string];
  readonly #intervalMs: number;
  readonly #burstParts: number;
  readonly #lookAheadMs: number;
  readonly #workerId: string;
  readonly #registryLifetimeMs: number;

  constructor(client: RedisClient, options: RedisSendRateOptions) {
    if (!(options.partsPerSecond > 0)) throw new Error("partsPerSecond must be > 0");
    this.#client = client;
    this.#scripts = registerScripts(client);
    const prefix = `${options.namespace ?? "fv"}:{sms-rate}`;
    this.#keys = [prefix, `${prefix}:waiting`];
    this.#intervalMs = 1000 / options.partsPerSecond + (options.partsPerSecond <= 1 ? SINGLE_PART_CUSHION_MS : 0);
    this.#burstParts = Math.max(1, options.burstParts ?? 1);
    this.#lookAheadMs = Math.min(this.#intervalMs, MAX_LOOK_AHEAD_MS);
    this.#workerId = options.workerId;
    this.#registryLifetimeMs = options.registryLifetimeMs ?? DEFAULT_REGISTRY_LIFETIME_MS;
  }

  async take({ parts, rank, nextRank }: TakeRequest): Promise<TakeResult> {
    const args = {
      interval: this.#intervalMs,
      burst: this.#burstParts,
      parts: Math.max(1, Math.ceil(parts)),
      lookAhead: this.#lookAheadMs,
      worker: this.#workerId,
      rank,
      ...(nextRank === null ? {} : { nextRank }),
      lifetime: this.#registryLifetimeMs,
    };
    const reply = (await this.#scripts.takeSendParts(this.#keys, [JSON.stringify(args)])) as [string, string, string];
    const [kind, value, now] = reply;
    if (kind === "granted") {
      const at = Number(value);
      return { kind, at, delayMs: Math.max(0, at - Number(now)) };
    }
    // Asked again at least this often while waiting, so the registry entry stays live.
    const waitMs = Math.min(Number(value), this.#registryLifetimeMs / 2);
    return kind === "yield" ? { kind, waitMs } : { kind: "wait", waitMs };
  }

  async leave(): Promise<void> {
    await this.#client.hdel(this.#keys[1], this.#workerId);
  }
}
