/**
 * `npm run bench:store`: what recording a verification costs in Redis and in the caller, without the
 * queues and the SDK around it. N verifications are recorded through the real store as the request
 * handler records them (claim the transactionId, create the verification, record its question's
 * MessageId), C at a time, in a private redis-server, after a warm-up. Prints the caller's CPU and
 * Redis's CPU per verification, the commands Redis ran (scripts' included), the memory and keys
 * each open verification takes, and Redis's CPU for a sweep pass that finds nothing due. Asserts nothing about speed; exits 1 if a verification is missing.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { RedisVerificationStore } from "../src/adapters/redis/redis-verification-store.ts";
import { startRedisServer } from "../test/support/redis-server.ts";
import { generateRealisticRequest } from "./realistic-requests.ts";
import { Random } from "./random.ts";
import { OBSERVER_COMMANDS, RedisObserver, type RedisSnapshot } from "./redis-stats.ts";
import { counterDeltas } from "./statistics.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "50" },
    warmup: { type: "string", default: "2000" },
    json: { type: "boolean", default: false },
  },
});
const n = positive("n", values.n);
const concurrency = positive("concurrency", values.concurrency);
const warmup = positive("warmup", values.warmup);

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer`);
  return number;
}

const server = await startRedisServer();
const redis = new Redis(server.url, { enableAutoPipelining: true });
const observer = new RedisObserver(server.url);
try {
  const store = new RedisVerificationStore(redis, { namespace: "store-bench" });
  const random = new Random(20261203);
  const runId = randomUUID().slice(0, 8);
  const now = Date.now();

  const record = async (index: number): Promise<string> => {
    const transactionId = `bench-${runId}-${index}`;
    const phoneNumber = `+1425${String(2_000_000 + index).padStart(7, "0")}`;
    await store.claimTransaction(transactionId, phoneNumber, 86_400);
    await store.create({
      transactionId,
      phoneNumber,
      ...generateRealisticRequest(random),
      metadata: { cardId: `card_${index}` },
      requestedAt: now,
      deadline: now + 86_400_000,
      cancelledEarlier: false,
      eventId: randomUUID(),
    });
    await store.recordSent(phoneNumber, transactionId, randomUUID());
    return transactionId;
  };
  const recordAll = async (from: number, count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let start = from; start < from + count; start += concurrency) {
      const size = Math.min(concurrency, from + count - start);
      ids.push(...(await Promise.all(Array.from({ length: size }, (_, k) => record(start + k)))));
    }
    return ids;
  };

  // Commands the service's code sent or its scripts ran, not the observer's own INFO and DBSIZE.
  const commandsBetween = (before: RedisSnapshot, after: RedisSnapshot) =>
    Object.entries(counterDeltas(before.commands.calls, after.commands.calls))
      .filter(([name]) => !OBSERVER_COMMANDS.has(name))
      .reduce((sum, [, calls]) => sum + calls, 0);

  await recordAll(1_000_000, warmup);
  const before = await observer.snapshot();
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const ids = await recordAll(0, n);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = await observer.snapshot();

  // A sweep pass over every bucket that finds nothing due (the deadlines are a day away), as each
  // worker makes twice a second.
  const SWEEP_PASSES = 200;
  const beforeSweeps = await observer.snapshot();
  for (let pass = 0; pass < SWEEP_PASSES; pass += 1) await store.claimDue(now, 100, 2_000);
  const afterSweeps = await observer.snapshot();

  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(n / 100)) === 0);
  const missing = (await Promise.all(sample.map((id) => store.get(id)))).filter((v) => v?.state !== "OPEN").length;
  const figures = {
    verifications: n,
    concurrency,
    perSecond: n / seconds,
    callerCpuMicrosPerVerification: ((cpu.user + cpu.system) / n),
    redisCpuMicrosPerVerification: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / n,
    redisCommandsPerVerification: commandsBetween(before, after) / n,
    bytesPerOpenVerification: (after.usedMemoryBytes - before.usedMemoryBytes) / n,
    keysPerOpenVerification: (after.keys - before.keys) / n,
    redisCpuMicrosPerIdleSweep: ((afterSweeps.cpuSeconds - beforeSweeps.cpuSeconds) * 1e6) / SWEEP_PASSES,
    missing,
  };
  if (values.json) {
    console.log(JSON.stringify(figures));
  } else {
    console.log(
      `${n} verifications recorded, ${concurrency} at a time: ${figures.perSecond.toFixed(0)}/s; ` +
        `caller CPU ${figures.callerCpuMicrosPerVerification.toFixed(1)} µs, Redis CPU ${figures.redisCpuMicrosPerVerification.toFixed(1)} µs, ` +
        `${figures.redisCommandsPerVerification.toFixed(1)} Redis commands, ${figures.bytesPerOpenVerification.toFixed(0)} B and ` +
        `${figures.keysPerOpenVerification.toFixed(2)} keys per open verification; a sweep pass finding nothing due: ` +
        `${figures.redisCpuMicrosPerIdleSweep.toFixed(0)} µs of Redis CPU`,
    );
  }
  if (missing > 0) {
    console.error(`${missing} of ${sample.length} sampled verifications are not open`);
    process.exitCode = 1;
  }
} finally {
  await observer.close();
  redis.disconnect();
  await server.stop();
}
