/** Command-line options of `npm run bench` (node bench/main.ts). */
import { parseArgs } from "node:util";

/** The heap flags `npm start` and the Dockerfile run the service with (a test keeps the three in step). */
export const PRODUCTION_NODE_FLAGS = ["--max-old-space-size=96", "--max-semi-space-size=8"];

export interface BenchOptions {
  /** Verifications in the burst, messages drained for the ceiling. */
  n: number;
  /** Steady reply rates, per second. */
  rates: number[];
  /** Seconds of replies per steady rate. */
  durationSeconds: number;
  /** Open verifications for the Redis memory figure. */
  memoryN: number;
  /** Generated requests for the SMS segment share. */
  segmentsN: number;
  /** Verifications decided before measuring (JIT, connections, script cache). */
  warmup: number;
  /** Receive loops of the second ceiling run (the first always uses one, the shape of a service worker). */
  ceilingPollers: number;
  /** Concurrent receivers draining the decisions queue. */
  collectors: number;
  /** Concurrent PublishBatch calls in the burst. */
  publishConcurrency: number;
  /** Seconds without progress before a wait fails the run. */
  stallSeconds: number;
  /** Requests of the fraud wave (0: no fraud wave). */
  fraudWaveN: number;
  /** Message parts per second of the fraud wave's origination (the service's and the SMS provider's). */
  fraudWaveRate: number;
  /** The fraud wave's service without SMS_MAX_PARTS_PER_SECOND (the SMS provider still enforces the rate). */
  fraudWaveUnpaced: boolean;
  seed: number;
  json: boolean;
  quick: boolean;
  /** Self-test: expect the wrong decision for one transaction of the burst; the run must fail. */
  injectWrongExpectation: boolean;
  /** Extra node flags for the service process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
  serviceNodeOptions: string[];
  /** The service's entry point: the built one, as production runs it, unless told otherwise. */
  serviceEntry: string;
  /** A file the service processes' whole output is appended to (the bench keeps only its tail otherwise). */
  serviceOutput: string | undefined;
  emulatorNodeOptions: string[];
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage: npm run bench -- [options]   (node bench/main.ts [options])

Measures the service (a separate process, as production runs it) against the transport's own
ceiling, on one machine in one run. Asserts nothing about speed; exits 1 on any wrong, missing,
unexpected or duplicate decision.

  --n <count>               burst size and ceiling messages            (default 5000; --quick 20)
  --rates <r1,r2,…>         steady reply rates per second              (default 100,500; --quick 20)
  --duration <seconds>      replies per steady rate last this long     (default 5; --quick 1)
  --memory-n <count>        open verifications for the Redis memory    (default 10000; --quick 200)
  --segments-n <count>      generated requests for the segment share   (default 10000; --quick 2000)
  --warmup <count>          verifications decided before measuring     (default 200; --quick 10)
  --ceiling-pollers <k>     receive loops of the concurrent ceiling    (default 4)
  --collectors <k>          most receivers draining the decisions queue (default 4)
  --publish-concurrency <k> PublishBatch calls in flight in the burst  (default 8)
  --stall <seconds>         fail a wait after this long without progress (default 30)
  --fraud-wave-n <count>    fraud wave: requests at once, paced service  (default 300; --quick 20; 0 = none)
  --fraud-wave-rate <r>     fraud wave: parts/s of the origination, enforced by the SMS provider
                            (default 3, a US toll-free number; --quick 10). 300 at 3/s take ~100 s
  --fraud-wave-unpaced      the fraud wave's service without SMS_MAX_PARTS_PER_SECOND (for comparison)
  --seed <int>              workload seed                              (default 20261126)
  --quick                   tiny run for tests (the defaults above marked --quick)
  --json                    print the figures as one JSON object instead of the table
  --inject-wrong-expectation  self-test: expect the wrong decision for one burst transaction;
                            the run must fail with "decision check failed"
  --service-node-options="<flags>"   extra node flags for the service process (after the production
                            heap flags of npm start and the Dockerfile), e.g.
                            --service-node-options="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --emulator-node-options="<flags>"  the same for the emulator process
  --service-entry <file>    the service's entry point (default dist/main.js, built by npm run bench;
                            src/main.ts runs the sources, with Node's type stripping in memory)
  --service-output <file>   append the service processes' whole output to the file, e.g. with
                            --service-node-options=--trace-gc (otherwise only its last lines are
                            kept, for an error)
  --help
`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return parsed;
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a number > 0, got "${value}"`);
  return parsed;
}

function flags(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter(Boolean);
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        n: { type: "string" },
        rates: { type: "string" },
        duration: { type: "string" },
        "memory-n": { type: "string" },
        "segments-n": { type: "string" },
        warmup: { type: "string" },
        "ceiling-pollers": { type: "string" },
        collectors: { type: "string" },
        "publish-concurrency": { type: "string" },
        stall: { type: "string" },
        "fraud-wave-n": { type: "string" },
        "fraud-wave-rate": { type: "string" },
        "fraud-wave-unpaced": { type: "boolean", default: false },
        seed: { type: "string" },
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "inject-wrong-expectation": { type: "boolean", default: false },
        "service-node-options": { type: "string" },
        "emulator-node-options": { type: "string" },
        "service-entry": { type: "string" },
        "service-output": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const quick = v.quick;
  const rates =
    v.rates === undefined
      ? quick
        ? [20]
        : [100, 500]
      : v.rates.split(",").map((rate) => positiveNumber("rates", rate.trim(), 0));
  return {
    n: integer("n", v.n, quick ? 20 : 5000, 1),
    rates,
    durationSeconds: positiveNumber("duration", v.duration, quick ? 1 : 5),
    memoryN: integer("memory-n", v["memory-n"], quick ? 200 : 10_000, 1),
    segmentsN: integer("segments-n", v["segments-n"], quick ? 2000 : 10_000, 1),
    warmup: integer("warmup", v.warmup, quick ? 10 : 200, 0),
    ceilingPollers: integer("ceiling-pollers", v["ceiling-pollers"], 4, 1),
    collectors: integer("collectors", v.collectors, 4, 1),
    publishConcurrency: integer("publish-concurrency", v["publish-concurrency"], 8, 1),
    stallSeconds: positiveNumber("stall", v.stall, 30),
    fraudWaveN: integer("fraud-wave-n", v["fraud-wave-n"], quick ? 20 : 300, 0),
    fraudWaveRate: positiveNumber("fraud-wave-rate", v["fraud-wave-rate"], quick ? 10 : 3),
    fraudWaveUnpaced: v["fraud-wave-unpaced"],
    seed: integer("seed", v.seed, 20_261_126, 0),
    json: v.json,
    quick,
    injectWrongExpectation: v["inject-wrong-expectation"],
    serviceNodeOptions: [...PRODUCTION_NODE_FLAGS, ...flags(v["service-node-options"])],
    emulatorNodeOptions: flags(v["emulator-node-options"]),
    serviceEntry: v["service-entry"] ?? "dist/main.js",
    serviceOutput: v["service-output"],
    help: v.help,
  };
}
