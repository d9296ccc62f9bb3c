/**
 * `npm run bench` end to end with a tiny N: its own emulator, redis-server, SMS sandbox and the
 * service as a separate process. Checks the output's shape and that a wrong decision fails the run;
 * nothing about speed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TIMEOUT_MS = 120_000;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // The bench needs no AWS configuration of the caller's (vitest sets test credentials): keep it out.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    const child = spawn(process.execPath, ["bench/main.ts", "--service-entry", "src/main.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

const number = expect.any(Number) as unknown;
const string = expect.any(String) as unknown;

describe("npm run bench", () => {
  it(
    "runs every phase with --quick --n 20 and prints all seven figures as JSON",
    async () => {
      const run = await runBench(["--quick", "--n", "20", "--json"]);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;

      expect(result).toMatchObject({
        machine: { cpuModel: string, cores: number, nodeVersion: expect.stringMatching(/^v\d+/) as unknown },
        parameters: { n: 20, quick: true },
        // 1. the ceiling
        ceiling: {
          messages: 20,
          single: { pollers: 1, messagesPerSecond: number },
          concurrent: { pollers: 4, messagesPerSecond: number },
        },
        // 2. the burst
        burst: {
          decisions: 20,
          decisionsPerSecond: number,
          ratioToCeiling: number,
          latencyMs: { count: 20, p50: number, p99: number, max: number },
        },
        // 4. Redis
        redis: {
          perDecision: { commands: number, evalsha: number },
          sent: { perDecision: { topLevel: number, evalsha: number, inScripts: number } },
          memory: { openVerifications: 200, bytesPerOpenVerification: number, keysPerOpenVerification: number },
        },
        // 5. the service process
        service: { peakRssMiB: number, cpuSecondsPer1000Decisions: number },
        // 6. SMS segments
        segments: { requests: 2000, oneSegmentShare: number },
        // 7. the fraud wave, scaled for a test (20 at 10 parts/s): the order and no throttling are
        // outcomes of the design, not speed
        fraudWave: {
          requests: 20,
          partsPerSecond: 10,
          timeToQuestionMs: { count: 20, p50: number, p99: number, max: number },
          throttles: 0,
          confirmationsBeforeLastQuestion: 0,
          orderHeld: true,
          decisions: 20,
        },
        checks: { ok: true, wrong: 0, duplicate: 0, unexpected: 0, missing: 0 },
      });
      // 3. steady rates
      const steady = result.steady as Array<Record<string, unknown>>;
      expect(steady).toHaveLength(1);
      expect(steady[0]).toMatchObject({ ratePerSecond: 20, replies: 20, latencyMs: { count: 20, p50: number, p99: number, max: number } });
      // The latency's three stages, each timed for every reply, on one clock (decidedAt and the topic's
      // Timestamp are whole milliseconds, so a stage may read up to 1 ms below zero).
      const stages = (steady[0] as { stagesMs: Record<string, { count: number; min: number; p50: number }> }).stagesMs;
      expect(Object.keys(stages).sort()).toEqual(["decidedToTopic", "replyToDecided", "topicToSubscriber"]);
      for (const stage of Object.values(stages)) {
        expect(stage.count).toBe(20);
        expect(stage.min).toBeGreaterThan(-2);
      }
      const latency = (steady[0] as { latencyMs: { max: number } }).latencyMs;
      expect(stages.replyToDecided?.p50 ?? Infinity).toBeLessThanOrEqual(latency.max + 2);

      const burst = result.burst as { decisionsPerSecond: number; latencyMs: { p50: number; p99: number; max: number } };
      expect(burst.decisionsPerSecond).toBeGreaterThan(0);
      expect(burst.latencyMs.p50).toBeLessThanOrEqual(burst.latencyMs.p99);
      expect(burst.latencyMs.p99).toBeLessThanOrEqual(burst.latencyMs.max);
      const segments = result.segments as { oneSegmentShare: number };
      expect(segments.oneSegmentShare).toBeGreaterThan(0);
      expect(segments.oneSegmentShare).toBeLessThanOrEqual(1);
      const service = result.service as { peakRssMiB: number };
      expect(service.peakRssMiB).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );

  it(
    "fails with a clear message when a decision is not the expected one",
    async () => {
      const run = await runBench(["--quick", "--n", "20", "--json", "--inject-wrong-expectation"]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/FAILED: decision check failed \(1 problem\):\n {2}wrong decision for transaction bench-\w+-burst-0 \(burst\): expected (APPROVED|DENIED), got (APPROVED|DENIED)/);
    },
    TIMEOUT_MS,
  );

  it("refuses an unknown option with status 2 and the usage", async () => {
    const run = await runBench(["--no-such-option"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--no-such-option'[\s\S]*Usage: npm run bench/);
  });
});
