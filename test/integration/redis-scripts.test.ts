/**
 * How the store runs its Lua scripts: EVALSHA, and EVAL once more when Redis no longer knows the
 * script (a restart, a failover, SCRIPT FLUSH). Nothing is defined on the ioredis client, so the
 * pipelines auto-pipelining builds do not each copy every script (scripts.ts).
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisKeys } from "../../src/adapters/redis/redis-keys.ts";
import { RedisVerificationStore } from "../../src/adapters/redis/redis-verification-store.ts";
import { loadLuaScript } from "../../src/adapters/redis/lua-source.ts";
import { startRedisServer, type TestRedis } from "../support/redis-server.ts";

let server: TestRedis;
let redis: Redis;
let store: RedisVerificationStore;
const namespace = "scripts-test";

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { enableAutoPipelining: true });
  store = new RedisVerificationStore(redis, { namespace });
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe("the store's Lua scripts", () => {
  it("runs a script Redis no longer knows by sending it again, which loads it", async () => {
    const sha = createHash("sha1").update(loadLuaScript("claim-transaction-1.lua")).digest("hex");
    expect(await store.claimTransaction("txn-flushed", "+14255550101", 30)).toEqual({ kind: "new" });
    await redis.script("FLUSH");
    expect(await redis.script("EXISTS", sha)).toEqual([0]);

    expect(await store.claimTransaction("txn-flushed", "+14255550102", 30)).toEqual({
      kind: "existing",
      phoneNumber: "+14255550101",
      cancelledEarlier: false,
    });
    expect(await redis.script("EXISTS", sha)).toEqual([1]);
  });

  it("passes a script's other errors on, without sending it again", async () => {
    const transactionId = "txn-wrong-type";
    await redis.set(new RedisKeys(namespace).transactionIndex(transactionId), "not a hash");
    const evalsBefore = await evalCalls();
    await expect(store.claimTransaction(transactionId, "+14255550103", 30)).rejects.toThrow(/WRONGTYPE/);
    expect(await evalCalls()).toBe(evalsBefore);
  });

  it("defines nothing on the client: its pipelines are as small as a bare client's", () => {
    const bare = new Redis(server.url, { lazyConnect: true });
    try {
      expect(Object.keys(redis.pipeline()).length).toBe(Object.keys(bare.pipeline()).length);
    } finally {
      bare.disconnect();
    }
  });
});

async function evalCalls(): Promise<number> {
  const line = (await redis.info("commandstats")).split(/\r?\n/).find((l) => l.startsWith("cmdstat_eval:"));
  return Number(/calls=(\d+)/.exec(line ?? "")?.[1] ?? 0);
}
