/**
 * The shared send rate (SMS_MAX_PARTS_PER_SECOND) on a real redis-server, with three workers, each
 * with its own connection and limiter, as three processes would have. Every figure is read on the
 * limiter's own clock (the slot times Redis's TIME gave), never on the test's timers.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisSendRate, SINGLE_PART_CUSHION_MS, type RedisSendRateOptions } from "../../src/adapters/redis/redis-send-rate.ts";
import { sendRank } from "../../src/domain/send-priority.ts";
import { startRedisServer, type TestRedis } from "../support/redis-server.ts";

let redis: TestRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await redis?.stop();
});

function workers(count: number, options: Omit<RedisSendRateOptions, "workerId" | "namespace">): RedisSendRate[] {
  const namespace = `rate-${randomUUID().slice(0, 8)}`;
  return Array.from({ length: count }, (_, index) => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new RedisSendRate(client, { ...options, namespace, workerId: `worker-${index}` });
  });
}

interface Grant {
  at: number;
  parts: number;
  worker: number;
}

/** Each worker takes slots for SMS of `partsOf()` parts, waiting as told, until `totalParts` went out. */
async function drive(limiters: RedisSendRate[], totalParts: number, partsOf: () => number): Promise<Grant[]> {
  const grants: Grant[] = [];
  let taken = 0;
  await Promise.all(
    limiters.map(async (limiter, worker) => {
      while (taken < totalParts) {
        const parts = partsOf();
        const result = await limiter.take({ parts, rank: 0, nextRank: 0 });
        if (result.kind === "granted") {
          grants.push({ at: result.at, parts, worker });
          taken += parts;
        } else {
          await new Promise((resolve) => setTimeout(resolve, result.waitMs));
        }
      }
    }),
  );
  return grants.sort((a, b) => a.at - b.at);
}

/**
 * Slot times are doubles of epoch ms (Redis TIME has microseconds): at that size a double keeps
 * about 0.25 µs, and each step of the schedule may round by that much, so comparisons allow 10 µs.
 */
const EPSILON_MS = 0.01;

describe("the shared send rate", () => {
  it("keeps three workers together under the limit: single parts 1 s / rate apart, never more than the rate in any second", async () => {
    const rate = 30;
    const grants = await drive(workers(3, { partsPerSecond: rate }), 75, () => 1);

    const intervalMs = 1000 / rate;
    for (let i = 1; i < grants.length; i += 1) {
      expect((grants[i] as Grant).at - (grants[i - 1] as Grant).at).toBeGreaterThanOrEqual(intervalMs - EPSILON_MS);
    }
    for (const start of grants) {
      const inWindow = grants.filter((g) => g.at >= start.at - EPSILON_MS && g.at < start.at + 1000 - EPSILON_MS);
      expect(inWindow.reduce((sum, g) => sum + g.parts, 0)).toBeLessThanOrEqual(rate);
    }
    // And not far under it: a worker reserves the next slot just before it comes, so late timers cost nothing.
    const first = grants[0] as Grant;
    const last = grants.at(-1) as Grant;
    expect(last.at - first.at).toBeLessThan((grants.length - 1) * intervalMs * 1.25);
    expect(new Set(grants.map((g) => g.worker)).size).toBeGreaterThan(1);
  });

  it("spaces parts a cushion wider than 1 s / rate at one part per second, where the carrier's bucket holds a single part", async () => {
    const grants = await drive(workers(2, { partsPerSecond: 1 }), 4, () => 1);
    for (let i = 1; i < grants.length; i += 1) {
      const gap = (grants[i] as Grant).at - (grants[i - 1] as Grant).at;
      expect(gap).toBeGreaterThanOrEqual(1000 + SINGLE_PART_CUSHION_MS - EPSILON_MS);
      expect(gap).toBeLessThan(1000 + SINGLE_PART_CUSHION_MS + 100);
    }
  });

  it("conforms to a token bucket of the rate and burst for SMS of 1 to 6 parts (longer than the burst: when it is full, in debt)", async () => {
    const rate = 40;
    const burst = 4;
    let seed = 7;
    const partsOf = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return 1 + (seed % 6);
    };
    const grants = await drive(workers(3, { partsPerSecond: rate, burstParts: burst }), 120, partsOf);

    // Replays the bucket on the slot times: it must have held each SMS's parts (all of it, for a longer one).
    let level = burst;
    let previous = (grants[0] as Grant).at;
    for (const grant of grants) {
      level = Math.min(burst, level + ((grant.at - previous) * rate) / 1000);
      previous = grant.at;
      expect(level).toBeGreaterThanOrEqual(Math.min(grant.parts, burst) - (EPSILON_MS * rate) / 1000);
      level -= grant.parts;
    }
    expect(grants.some((g) => g.parts > burst)).toBe(true);
  });

  it("makes a worker holding less urgent texts yield to a worker with a question waiting", async () => {
    // Three parts at once, then one a second: slots are there, the registry decides who takes them.
    const [a, b] = workers(2, { partsPerSecond: 1, burstParts: 3 }) as [RedisSendRate, RedisSendRate];
    const deadline = Date.now() + 60_000;
    const question = sendRank("question", deadline);
    const confirmation = sendRank("confirmation", undefined);

    // A sends a question and has another waiting: B's confirmation yields although a slot is there.
    expect((await a.take({ parts: 1, rank: question, nextRank: question + 1 })).kind).toBe("granted");
    expect((await b.take({ parts: 1, rank: confirmation, nextRank: null })).kind).toBe("yield");
    // A question of B's more urgent than A's is not held back.
    expect((await b.take({ parts: 1, rank: question, nextRank: confirmation })).kind).toBe("granted");
    // A has nothing waiting any more: B's confirmation takes the last slot, then waits for the rate.
    await a.leave();
    expect((await b.take({ parts: 1, rank: confirmation, nextRank: null })).kind).toBe("granted");
    expect((await b.take({ parts: 1, rank: confirmation, nextRank: null })).kind).toBe("wait");
  });

  it("stops counting a worker that went silent (crashed) once its entry's lifetime is over", async () => {
    const [a, b] = workers(2, { partsPerSecond: 1, burstParts: 2, registryLifetimeMs: 300 }) as [RedisSendRate, RedisSendRate];
    // A takes a slot and says it has more waiting, then is never heard of again.
    expect((await a.take({ parts: 1, rank: 0, nextRank: 0 })).kind).toBe("granted");
    let yields = 0;
    for (;;) {
      const result = await b.take({ parts: 1, rank: 1, nextRank: null });
      if (result.kind === "granted") break;
      expect(result.kind).toBe("yield");
      yields += 1;
      expect(yields).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, result.waitMs));
    }
    expect(yields).toBeGreaterThan(0);
  });
});
