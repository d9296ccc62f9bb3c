import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it, vi } from "vitest";
import { DecisionCheckError, DecisionCollector } from "../../bench/decisions.ts";
import { parseOptions, PRODUCTION_NODE_FLAGS, UsageError } from "../../bench/options.ts";
import { parseStatCpuTicks, parseStatusKb } from "../../bench/processes.ts";
import { summarizeProfile } from "../../bench/profile-summary.ts";
import { generateRealisticRequests } from "../../bench/realistic-requests.ts";
import { countOrigins, parseCommandStats, parseInfo, type SlowlogEntry } from "../../bench/redis-stats.ts";
import { measureSegments } from "../../bench/segments.ts";
import { sqsSafeJson } from "../../bench/workload.ts";
import { verificationRequestSchema } from "../../src/domain/messages.ts";

describe("Redis INFO parsing", () => {
  it("reads key:value lines and skips section headers", () => {
    expect(parseInfo("# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n")).toEqual({
      used_memory: "1048576",
      used_memory_human: "1.00M",
    });
  });

  it("reads calls and µs per command from INFO commandstats, subcommands included", () => {
    const stats = parseCommandStats(
      "# Commandstats\r\ncmdstat_evalsha:calls=300,usec=9000,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r\n" +
        "cmdstat_config|set:calls=2,usec=10,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n",
    );
    expect(stats.calls).toEqual({ evalsha: 300, "config|set": 2 });
    expect(stats.usec).toEqual({ evalsha: 9000, "config|set": 10 });
  });

  it("tells commands clients sent from commands scripts ran (client ?:0) in slow-log entries", () => {
    const entries: SlowlogEntry[] = [
      [1, 0, 5, ["EVALSHA", "abc", "1", "k"], "127.0.0.1:5000", ""],
      [2, 0, 1, ["hset", "k", "f", "v"], "?:0", ""],
      [3, 0, 1, ["HSET", "k", "f", "v"], "?:0", ""],
      [4, 0, 1, ["zrem", "d", "m"], "127.0.0.1:5000", ""],
      [5, 0, 1, ["info", "memory"], "127.0.0.1:6000", ""],
    ];
    expect(countOrigins(entries)).toEqual({ topLevel: { evalsha: 1, zrem: 1 }, inScripts: { hset: 2 } });
  });
});

describe("/proc parsing", () => {
  it("adds utime and stime, whatever the command name holds", () => {
    const stat = "1234 (node (bench) x) S 1 1234 1234 0 -1 4194304 500 0 0 0 250 75 0 0 20 0 11 0 100 0 0";
    expect(parseStatCpuTicks(stat)).toBe(325);
  });

  it("reads kB fields of /proc/<pid>/status as bytes", () => {
    const status = "Name:\tnode\nVmHWM:\t  332596 kB\nVmRSS:\t  329600 kB\n";
    expect(parseStatusKb(status, "VmHWM")).toBe(332_596 * 1024);
    expect(parseStatusKb(status, "VmRSS")).toBe(329_600 * 1024);
    expect(parseStatusKb(status, "VmSwap")).toBe(0);
  });
});

describe("options", () => {
  it("has full defaults and small --quick defaults that --n overrides", () => {
    expect(parseOptions([])).toMatchObject({ n: 5000, rates: [100, 500], durationSeconds: 5, memoryN: 10_000, segmentsN: 10_000 });
    expect(parseOptions(["--quick", "--n", "7"])).toMatchObject({ quick: true, n: 7, rates: [20], durationSeconds: 1, memoryN: 200 });
    expect(parseOptions(["--rates", "50, 250", "--json", "--service-node-options=--cpu-prof  --cpu-prof-dir=/tmp/p"])).toMatchObject({
      rates: [50, 250],
      json: true,
      serviceNodeOptions: [...PRODUCTION_NODE_FLAGS, "--cpu-prof", "--cpu-prof-dir=/tmp/p"],
    });
    expect(parseOptions([])).toMatchObject({ serviceNodeOptions: PRODUCTION_NODE_FLAGS, serviceEntry: "dist/main.js", serviceOutput: undefined });
    expect(parseOptions(["--service-output", "/tmp/service.log"])).toMatchObject({ serviceOutput: "/tmp/service.log" });
  });

  it("refuses unknown options and bad numbers with a usage error", () => {
    expect(() => parseOptions(["--bogus"])).toThrow(UsageError);
    expect(() => parseOptions(["--n", "0"])).toThrow(/--n must be an integer ≥ 1/);
    expect(() => parseOptions(["--n", "2.5"])).toThrow(UsageError);
    expect(() => parseOptions(["--rates", "100,x"])).toThrow(/--rates/);
    expect(() => parseOptions(["--duration", "-1"])).toThrow(/--duration/);
  });
});

describe("realistic requests", () => {
  it("are the same for the same seed and differ for another", () => {
    expect(generateRealisticRequests(50, 1)).toEqual(generateRealisticRequests(50, 1));
    expect(generateRealisticRequests(50, 1)).not.toEqual(generateRealisticRequests(50, 2));
  });

  it("are valid requests of the contract, with varied merchants, scripts and currencies", () => {
    const requests = generateRealisticRequests(2000, 7);
    for (const [index, request] of requests.entries()) {
      const parsed = verificationRequestSchema.safeParse({
        type: "verification.requested",
        transactionId: `t-${index}`,
        phoneNumber: "+14255550100",
        ...request,
      });
      expect(parsed.success, JSON.stringify(request)).toBe(true);
    }
    const merchants = requests.map((r) => r.merchant);
    expect(Math.min(...merchants.map((m) => m.length))).toBeLessThanOrEqual(5);
    expect(Math.max(...merchants.map((m) => m.length))).toBe(64);
    expect(merchants.some((m) => /\p{Script=Han}|\p{Script=Katakana}/u.test(m))).toBe(true);
    expect(merchants.some((m) => /\p{Script=Cyrillic}/u.test(m))).toBe(true);
    expect(merchants.some((m) => /\p{Extended_Pictographic}/u.test(m))).toBe(true);
    expect(merchants.some((m) => /[À-ž]/u.test(m))).toBe(true);
    expect(new Set(requests.map((r) => r.currency))).toEqual(
      new Set(["USD", "EUR", "GBP", "JPY", "BRL", "INR", "CHF", "SEK", "CAD", "AUD", "MXN", "PLN", "KRW", "CNY", "BHD"]),
    );
  });

  it("travel through SQS-safe JSON unchanged (emoji as \\u escapes)", () => {
    const value = { merchant: "Joe's Pizza 🍕 Café 星巴克" };
    const json = sqsSafeJson(value);
    expect(json).not.toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(JSON.parse(json)).toEqual(value);
  });

  it("give a stable segment share with every count adding up", () => {
    const figures = measureSegments(1000, 3);
    expect(measureSegments(1000, 3)).toEqual(figures);
    expect(figures.oneSegmentShare).toBe(figures.oneSegment / 1000);
    expect(figures.encodings["GSM-7"] + figures.encodings["UCS-2"]).toBe(1000);
    expect(figures.segments["1"] + figures.segments["2"] + figures.segments["3+"]).toBe(1000);
    expect(figures.segments["1"]).toBe(figures.oneSegment);
    expect(figures.withReferenceCode.oneSegment).toBeLessThanOrEqual(figures.oneSegment);
  });
});

/** An SQS stand-in that hands out the given bodies once, then long-polls until aborted. */
function fakeQueue(bodies: string[]): SQSClient {
  let next = 0;
  return {
    send: (command: unknown, options?: { abortSignal?: AbortSignal }) => {
      if (command instanceof DeleteMessageBatchCommand) return Promise.resolve({});
      if (!(command instanceof ReceiveMessageCommand)) return Promise.reject(new Error("unexpected command"));
      if (next < bodies.length) {
        const batch = bodies.slice(next, next + 10).map((Body, index) => ({ Body, ReceiptHandle: `r${next + index}` }));
        next += batch.length;
        return Promise.resolve({ Messages: batch });
      }
      return new Promise((_, reject) => options?.abortSignal?.addEventListener("abort", () => reject(new Error("aborted"))));
    },
  } as unknown as SQSClient;
}

function notification(snsMessageId: string, event: Record<string, unknown>): string {
  return JSON.stringify({ Type: "Notification", MessageId: snsMessageId, Message: JSON.stringify(event) });
}

const never = new Promise<never>(() => undefined);

describe("DecisionCollector", () => {
  it("accepts one right decision per transaction and ignores its own queue's redeliveries", async () => {
    const collector = new DecisionCollector(
      fakeQueue([
        notification("m1", { eventId: "e1", transactionId: "t1", decision: "APPROVED", reply: { correlatedBy: "previousPublishedMessageId" } }),
        notification("m2", { eventId: "e2", transactionId: "t2", decision: "DENIED", reply: null }),
        notification("m1", { eventId: "e1", transactionId: "t1", decision: "APPROVED", reply: null }),
      ]),
      "queue",
      1,
    );
    collector.expect("t1", "APPROVED", "test");
    collector.expect("t2", "DENIED", "test");
    collector.start();
    await collector.waitFor(["t1", "t2"], 5000, never);
    await collector.stop();
    expect(() => collector.assertClean()).not.toThrow();
    expect(collector.counts).toMatchObject({ checked: 2, redelivered: 1, wrong: 0, duplicate: 0, unexpected: 0 });
    expect(collector.observedAt("t1")).toBeTypeOf("number");
  });

  it("reports a wrong decision, a re-published eventId, a second decision and an unexpected one", async () => {
    const collector = new DecisionCollector(
      fakeQueue([
        notification("m1", { eventId: "e1", transactionId: "t1", decision: "DENIED" }),
        notification("m2", { eventId: "e2", transactionId: "t2", decision: "APPROVED" }),
        notification("m3", { eventId: "e2", transactionId: "t2", decision: "APPROVED" }),
        notification("m4", { eventId: "e3", transactionId: "t2", decision: "DENIED" }),
        notification("m5", { eventId: "e4", transactionId: "stranger", decision: "EXPIRED" }),
      ]),
      "queue",
      1,
    );
    collector.expect("t1", "APPROVED", "test");
    collector.expect("t2", "APPROVED", "test");
    collector.start();
    await collector.waitFor(["t1", "t2"], 5000, never);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await collector.stop();
    expect(collector.counts).toMatchObject({ wrong: 1, duplicate: 2, unexpected: 1 });
    expect(() => collector.assertClean()).toThrow(DecisionCheckError);
    expect(collector.problems.join("\n")).toMatch(/wrong decision for transaction t1 \(test\): expected APPROVED, got DENIED/);
    expect(collector.problems.join("\n")).toMatch(/eventId e2 .* published twice/);
    expect(collector.problems.join("\n")).toMatch(/second decision for transaction t2/);
    expect(collector.problems.join("\n")).toMatch(/unexpected decision EXPIRED for transaction stranger/);
  });

  it("fails a wait that makes no progress, naming the missing transactions", async () => {
    const collector = new DecisionCollector(fakeQueue([]), "queue", 1);
    collector.expect("t1", "APPROVED", "test");
    collector.start();
    await expect(collector.waitFor(["t1"], 300, never)).rejects.toThrow(/1 of 1 decisions missing .* \(e\.g\. t1\)/);
    await collector.stop();
  });
});

/** A queue whose receives hand out `perReceive` bodies each, then answer empty polls; counts receives in flight. */
function countingQueue(bodies: string[], perReceive: number) {
  let next = 0;
  const polls = { inFlight: 0, peak: 0, total: 0 };
  const answer = <T>(value: T) =>
    new Promise<T>((resolve) =>
      setImmediate(() => {
        polls.inFlight -= 1;
        resolve(value);
      }),
    );
  const sqs = {
    send: (command: unknown) => {
      if (command instanceof DeleteMessageBatchCommand) return Promise.resolve({});
      if (!(command instanceof ReceiveMessageCommand)) return Promise.reject(new Error("unexpected command"));
      polls.inFlight += 1;
      polls.total += 1;
      polls.peak = Math.max(polls.peak, polls.inFlight);
      const batch = bodies.slice(next, next + perReceive).map((Body, index) => ({ Body, ReceiptHandle: `r${next + index}` }));
      next += batch.length;
      return answer({ Messages: batch });
    },
  } as unknown as SQSClient;
  return { sqs, polls };
}

describe("DecisionCollector receivers", () => {
  /** A collector of at most 4 receivers that has seen all of `count` decisions, `perReceive` per poll. */
  async function collectDecisions(count: number, perReceive: number) {
    const transactionIds = Array.from({ length: count }, (_, i) => `t${i}`);
    const bodies = transactionIds.map((transactionId, i) => notification(`m${i}`, { eventId: `e${i}`, transactionId, decision: "APPROVED" }));
    const { sqs, polls } = countingQueue(bodies, perReceive);
    const collector = new DecisionCollector(sqs, "queue", 4);
    for (const transactionId of transactionIds) collector.expect(transactionId, "APPROVED", "test");
    collector.start();
    await collector.waitFor(transactionIds, 5000, never);
    return { collector, polls };
  }

  it("keep one receive loop while each poll brings at most one decision", async () => {
    const { collector, polls } = await collectDecisions(30, 1);
    await collector.stop();
    expect(polls.peak).toBe(1);
    expect(collector.counts.checked).toBe(30);
  });

  it("add receivers up to the most while polls bring batches, and fall back to one when the queue is empty", async () => {
    const { collector, polls } = await collectDecisions(200, 10);
    expect(polls.peak).toBe(4);
    await vi.waitFor(() => expect(collector.receivers).toBe(1));
    const settled = polls.total;
    await vi.waitFor(() => expect(polls.total).toBeGreaterThan(settled + 20));
    expect(collector.receivers).toBe(1);
    await collector.stop();
    expect(collector.counts).toMatchObject({ checked: 200, duplicate: 0, wrong: 0 });
  });
});

describe("profile summary", () => {
  it("adds self time per function and area, and charges native time to the nearest calling package", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 5] },
        { id: 2, callFrame: frame("(idle)", "") },
        { id: 3, callFrame: frame("handleReply", "file:///work/main/src/app/handle-reply.ts"), children: [4] },
        { id: 4, callFrame: frame("send", "file:///work/main/node_modules/@smithy/core/dist-cjs/index.js"), children: [6] },
        { id: 5, callFrame: frame("(garbage collector)", "") },
        { id: 6, callFrame: frame("writev", "") },
      ],
      // Each delta belongs to the sample before it.
      samples: [2, 3, 4, 6, 6, 5, 2],
      timeDeltas: [0, 4000, 1000, 2000, 1000, 1000, 1000],
    };
    const summary = summarizeProfile(profile);
    expect(summary).toMatchObject({ totalMs: 10, idleMs: 4, gcMs: 1 });
    expect(summary.byFunction.map((f) => [f.name, f.selfMs])).toEqual([["send", 2], ["writev", 2], ["handleReply", 1]]);
    expect(summary.byArea).toEqual([
      { area: "node_modules/@smithy/core", selfMs: 2 },
      { area: "(native / V8)", selfMs: 2 },
      { area: "src/app/handle-reply.ts", selfMs: 1 },
    ]);
    // writev was called by the SDK: charged to it.
    expect(summary.byCaller).toEqual([
      { group: "AWS SDK (@aws-sdk, @smithy)", selfMs: 4 },
      { group: "the service's code (src/)", selfMs: 1 },
    ]);
  });
});
