/**
 * `npm run bench:store` with a small N: it records verifications through the real store in its own
 * redis-server and reports per-verification figures; nothing about speed is asserted.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run bench:store", () => {
  it("records the verifications it reports on and prints its figures as JSON", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["bench/store-cost.ts", "--n", "400", "--warmup", "20", "--concurrency", "8", "--json"], { cwd: ROOT });
    const figures = JSON.parse(stdout) as Record<string, number>;
    expect(figures).toMatchObject({ verifications: 400, concurrency: 8, missing: 0 });
    for (const name of ["perSecond", "callerCpuMicrosPerVerification", "redisCpuMicrosPerVerification", "bytesPerOpenVerification", "redisCpuMicrosPerIdleSweep"]) {
      expect(figures[name], name).toBeGreaterThan(0);
    }
    // Each verification's own key, and its entries in parts shared by many (at most one new part of each kind).
    expect(figures.keysPerOpenVerification).toBeGreaterThanOrEqual(1);
    expect(figures.keysPerOpenVerification).toBeLessThanOrEqual(4);
    // The three scripts, at least one command each.
    expect(figures.redisCommandsPerVerification).toBeGreaterThan(3);
  }, 60_000);
});
