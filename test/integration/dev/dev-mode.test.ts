import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, signalGroup, spawnDev, type DevProcess } from "../../support/dev-process.ts";
import { startRedisServer } from "../../support/redis-server.ts";

const URL_LINE = /^Dev page: (http:\/\/\S+)$/;
let dev: DevProcess | undefined;

afterEach(async () => {
  // A failed assertion must not leave the process group behind either.
  if (dev && dev.child.exitCode === null && dev.child.signalCode === null) {
    signalGroup(dev, "SIGKILL");
    await dev.exited;
  }
  dev = undefined;
});

describe("npm run dev", () => {
  it("starts everything, prints one URL, serves the page, and Ctrl-C stops it all with status 0", async () => {
    dev = spawnDev(["--port", "0"]);
    const [, url = ""] = await dev.waitForLine(URL_LINE);
    const redisPid = Number((await dev.waitForLine(/private redis-server, pid (\d+)/))[1]);
    expect(isAlive(redisPid)).toBe(true);
    expect(dev.stdout().match(/https?:\/\//g)).toHaveLength(1);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Fraud verification · dev phone</title>");
    const snapshot = (await (await fetch(new URL("api/snapshot", url))).json()) as { info: { opsUrl: string } };
    expect((await fetch(`${snapshot.info.opsUrl}/readyz`)).status).toBe(200);

    signalGroup(dev, "SIGINT");
    const { code } = await dev.exited;

    expect(code).toBe(0);
    expect(isAlive(redisPid)).toBe(false);
    expect(dev.stderr()).toBe("");
  });

  it("stops its redis-server on SIGTERM to the dev process alone", async () => {
    dev = spawnDev(["--port", "0"]);
    await dev.waitForLine(URL_LINE);
    const redisPid = Number((await dev.waitForLine(/private redis-server, pid (\d+)/))[1]);

    dev.child.kill("SIGTERM");

    expect((await dev.exited).code).toBe(0);
    expect(isAlive(redisPid)).toBe(false);
  });

  it("uses REDIS_URL when set, under its own key prefix, and never flushes it", async () => {
    const redis = await startRedisServer();
    const client = new Redis(redis.url);
    try {
      await client.set("someone-else:key", "kept");
      dev = spawnDev(["--port", "0"], { REDIS_URL: redis.url });
      const [, url = ""] = await dev.waitForLine(URL_LINE);
      expect(dev.stdout()).toContain(`Redis (REDIS_URL (${redis.url}))`);
      const accepted = await fetch(new URL("api/verifications", url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ phoneNumber: "+14255550182", amount: "12.00", currency: "USD", merchant: "SHOP", cardLast4: "4242" }),
      });
      const { transactionId } = (await accepted.json()) as { transactionId: string };

      signalGroup(dev, "SIGINT");
      expect((await dev.exited).code).toBe(0);

      expect(await client.get("someone-else:key")).toBe("kept");
      const claimedIn = await Promise.all((await client.keys("fv-dev-*:txns:*")).map((key) => client.hexists(key, transactionId)));
      expect(claimedIn).toContain(1);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it("says how to get Redis and exits 1 when REDIS_URL is unset and redis-server is not installed", async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), "fv-no-redis-"));
    try {
      dev = spawnDev(["--port", "0"], { PATH: emptyPath });
      const { code } = await dev.exited;

      expect(code).toBe(1);
      expect(dev.stderr()).toMatch(/redis-server is not on the PATH/);
      expect(dev.stderr()).toMatch(/apt-get install redis-server/);
      expect(dev.stderr()).toMatch(/REDIS_URL/);
      expect(dev.stderr().trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(emptyPath, { recursive: true, force: true });
    }
  });

  it("says what is wrong with a REDIS_URL that does not answer, and exits 1", async () => {
    dev = spawnDev(["--port", "0"], { REDIS_URL: "redis://127.0.0.1:1" });
    const { code } = await dev.exited;

    expect(code).toBe(1);
    expect(dev.stderr()).toMatch(/^REDIS_URL redis:\/\/127\.0\.0\.1:1 does not answer/);
  });

  it("refuses a bad --port with its usage", async () => {
    dev = spawnDev(["--port", "http"]);
    expect((await dev.exited).code).toBe(1);
    expect(dev.stderr()).toMatch(/--port must be 0-65535/);
  });
});
