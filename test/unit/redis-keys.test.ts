import { existsSync } from "node:fs";
import calculateSlot from "cluster-key-slot";
import { describe, expect, it } from "vitest";
import { BUCKET_COUNT } from "../../src/adapters/redis/buckets.ts";
import { DUE_PARTS, PHONE_INDEX_PARTS, RedisKeys } from "../../src/adapters/redis/redis-keys.ts";

const keys = new RedisKeys("fv");
const phones = Array.from({ length: 20_000 }, (_, i) => `+1425${String(2_000_000 + i).padStart(7, "0")}`);

describe("the parts of a bucket's due set and phone index", () => {
  it("puts a phone's parts in the slot of its other keys, so one script reaches them all", () => {
    for (const phone of phones.slice(0, 500)) {
      expect(calculateSlot(keys.due(phone))).toBe(calculateSlot(keys.verification(phone, "t-1")));
      expect(calculateSlot(keys.phoneIndex(phone))).toBe(calculateSlot(keys.verification(phone, "t-1")));
      expect(calculateSlot(keys.legacyDue(phone))).toBe(calculateSlot(keys.verification(phone, "t-1")));
    }
  });

  it.each([
    ["due set", (phone: string) => keys.due(phone), DUE_PARTS],
    ["phone index", (phone: string) => keys.phoneIndex(phone), PHONE_INDEX_PARTS],
  ])("fills every part of every bucket's %s about evenly", (_name, keyOf, parts) => {
    const counts = new Map<string, number>();
    for (const phone of phones) counts.set(keyOf(phone), (counts.get(keyOf(phone)) ?? 0) + 1);
    expect(counts.size).toBe(BUCKET_COUNT * parts);
    const mean = phones.length / counts.size;
    expect(Math.max(...counts.values())).toBeLessThan(2 * mean);
    expect(Math.min(...counts.values())).toBeGreaterThan(mean / 2);
  });

  it("gives the sweep a bucket's unsplit key and all of its parts, as many keys as its script takes", () => {
    const bucketKeys = keys.dueKeysOfBucket(3);
    const phonesOfBucket = phones.filter((phone) => bucketKeys.includes(keys.due(phone)));
    expect(new Set(phonesOfBucket.map((phone) => keys.due(phone))).size).toBe(DUE_PARTS);
    for (const phone of phonesOfBucket) expect(bucketKeys[0]).toBe(keys.legacyDue(phone));
    expect(new Set(bucketKeys).size).toBe(1 + DUE_PARTS);
    expect(existsSync(new URL(`../../src/adapters/redis/lua/claim-due-${bucketKeys.length}.lua`, import.meta.url))).toBe(true);
  });
});
