/**
 * The transaction index (lua/include/transaction-index.lua): each transactionId's claim is an entry
 * of one of 1,024 hashes, not a key of its own. Ended entries count for nothing and are dropped in
 * passing; a claim that a release before the index left in its own key still holds.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisKeys } from "../../src/adapters/redis/redis-keys.ts";
import { RedisVerificationStore } from "../../src/adapters/redis/redis-verification-store.ts";
import { startRedisServer, type TestRedis } from "../support/redis-server.ts";
import { runDownTransactionIndex, transactionClaim } from "../support/transaction-index.ts";

const HOUR_MS = 3_600_000;
const RETENTION_SECONDS = 60;

let server: TestRedis;
let redis: Redis;
let namespace: string;
let keys: RedisKeys;
let store: RedisVerificationStore;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  namespace = `fv-${randomUUID().slice(0, 8)}`;
  keys = new RedisKeys(namespace);
  store = new RedisVerificationStore(redis, { namespace, retentionSeconds: RETENTION_SECONDS });
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

let counter = 0;
const newTransactionId = () => `txn-${randomUUID().slice(0, 8)}-${(counter += 1)}`;
const phone = (n: number) => `+1425555${String(n).padStart(4, "0")}`;

/** transactionIds that share one part of the index. */
function transactionIdsInOnePart(count: number): string[] {
  const byPart = new Map<string, string[]>();
  for (;;) {
    const id = newTransactionId();
    const part = keys.transactionIndex(id);
    const ids = [...(byPart.get(part) ?? []), id];
    if (ids.length === count) return ids;
    byPart.set(part, ids);
  }
}

describe("the transaction index", () => {
  it("holds a claim as an entry of a compact hash, for the verification's window and retention", async () => {
    const transactionId = newTransactionId();
    expect(await store.claimTransaction(transactionId, phone(1), 30)).toEqual({ kind: "new" });
    expect(await store.claimTransaction(transactionId, phone(2), 30)).toEqual({ kind: "existing", phoneNumber: phone(1), cancelledEarlier: false });
    expect(await store.phoneOf(transactionId)).toBe(phone(1));
    expect(await redis.exists(keys.legacyTransaction(transactionId))).toBe(0);

    const part = keys.transactionIndex(transactionId);
    expect(await redis.object("ENCODING", part)).toBe("listpack");
    const claim = await transactionClaim(redis, namespace, transactionId);
    expect(claim?.claim).toBe(phone(1));
    expect(claim?.leftMs).toBeGreaterThan((30 + RETENTION_SECONDS) * 1000 - 2_000);
    expect(claim?.leftMs).toBeLessThanOrEqual((30 + RETENTION_SECONDS) * 1000);
    expect(await redis.pttl(part)).toBeGreaterThanOrEqual((claim?.leftMs ?? Infinity) - 100);
  });

  it("counts an ended claim as none: the transactionId is new again, and a cancellation is remembered anew", async () => {
    const [claimed, cancelled] = transactionIdsInOnePart(2) as [string, string];
    await store.claimTransaction(claimed, phone(3), 30);
    expect(await store.lookupForCancellation(cancelled)).toEqual({ kind: "remembered" });
    await runDownTransactionIndex(redis, namespace, (30 + RETENTION_SECONDS) * 1000, { keepEnded: true });

    expect(await store.phoneOf(claimed)).toBeNull();
    expect(await store.get(claimed)).toBeNull();
    expect(await store.claimTransaction(claimed, phone(4), 30)).toEqual({ kind: "new" });
    expect(await store.claimTransaction(cancelled, phone(5), 30)).toEqual({ kind: "new" });
  });

  it("drops ended entries from a part when a write comes an hour after the first of them ended, not before", async () => {
    const [ended, later, written] = transactionIdsInOnePart(3) as [string, string, string];
    const part = keys.transactionIndex(ended);
    await store.claimTransaction(ended, phone(6), 30);
    await store.claimTransaction(later, phone(7), 30 + 3 * 3_600);
    const lifetimeMs = (30 + RETENTION_SECONDS) * 1000;

    // Ended, but within the hour: the entry stays (it counts for nothing).
    await runDownTransactionIndex(redis, namespace, lifetimeMs + 1_000, { keepEnded: true });
    await store.claimTransaction(written, phone(8), 30);
    expect(await redis.hexists(part, ended)).toBe(1);
    expect(await store.phoneOf(ended)).toBeNull();

    await runDownTransactionIndex(redis, namespace, HOUR_MS, { keepEnded: true });
    await store.claimTransaction(written, phone(8), 30);
    expect(await redis.hexists(part, ended)).toBe(0);
    expect(await store.phoneOf(later)).toBe(phone(7));
    expect(await store.phoneOf(written)).toBe(phone(8));
  });
});

describe("a claim in its own key, as releases before the index recorded it", () => {
  const recordEarlierClaim = (transactionId: string, claim: string) =>
    redis.set(keys.legacyTransaction(transactionId), claim, "EX", 600);

  it("still makes a request for another phone a duplicate, and moves into the index with its end", async () => {
    const transactionId = newTransactionId();
    await recordEarlierClaim(transactionId, phone(10));
    expect(await store.claimTransaction(transactionId, phone(11), 30)).toEqual({ kind: "existing", phoneNumber: phone(10), cancelledEarlier: false });
    // It keeps the end it had (600 s), not a new request's window and retention.
    const moved = await transactionClaim(redis, namespace, transactionId);
    expect(moved?.claim).toBe(phone(10));
    expect(moved?.leftMs).toBeGreaterThan(590_000);
    expect(moved?.leftMs).toBeLessThanOrEqual(600_000);
    expect(await store.claimTransaction(transactionId, phone(11), 30)).toEqual({ kind: "existing", phoneNumber: phone(10), cancelledEarlier: false });
  });

  it("still tells a request that a cancellation came first", async () => {
    const transactionId = newTransactionId();
    await recordEarlierClaim(transactionId, "!cancelled");
    expect(await store.claimTransaction(transactionId, phone(12), 30)).toEqual({ kind: "cancelledEarlier" });
    expect((await transactionClaim(redis, namespace, transactionId))?.claim).toBe(`${phone(12)}|cancelled`);
  });

  it("still points a cancellation and a lookup at the request's phone", async () => {
    const transactionId = newTransactionId();
    await recordEarlierClaim(transactionId, phone(13));
    expect(await store.phoneOf(transactionId)).toBe(phone(13));
    expect(await store.lookupForCancellation(transactionId)).toEqual({ kind: "known", phoneNumber: phone(13) });
    expect((await transactionClaim(redis, namespace, transactionId))?.claim).toBe(phone(13));
  });
});
