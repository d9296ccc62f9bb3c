/**
 * One bench run: starts a private redis-server, the emulator (own process), the SMS sandbox (in
 * this process, so each question's MessageId is known) and the service (own process, as production
 * runs it), then measures, in order: the SMS segment share, the transport ceiling, a warm-up, the
 * burst, the steady rates and the Redis memory per open verification. Every decision observed on
 * the decisions topic is checked; a wrong, missing, unexpected or duplicate one fails the run.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { startSmsSandbox, type SmsSandbox } from "../dev/sms-sandbox/sms-sandbox.ts";
import { startRedisServer, type TestRedis } from "../test/support/redis-server.ts";
import { createBenchClients, REGION, type BenchClients } from "./aws.ts";
import { CEILING_QUEUE, CEILING_TOPIC, FRAUD_WAVE, NAMES } from "./bench-topology.ts";
import type { CeilingArguments, CeilingRun } from "./ceiling-consumer.ts";
import { DecisionCollector, type CollectorCounts } from "./decisions.ts";
import { runFraudWave, type FraudWaveFigures } from "./fraud-wave.ts";
import type { BenchOptions } from "./options.ts";
import {
  PROJECT_ROOT,
  runJsonChild,
  sampleProcess,
  sampleSelf,
  startEmulatorProcess,
  startServiceProcess,
  type EmulatorProcess,
  type NodeChild,
  type ProcessSample,
} from "./processes.ts";
import { OBSERVER_COMMANDS, RedisObserver, type CommandOrigins, type RedisSnapshot } from "./redis-stats.ts";
import { measureSegments, type SegmentFigures } from "./segments.ts";
import { counterDeltas, perThousand, ratePerSecond, ratio, summarize, type Summary } from "./statistics.ts";
import {
  chunks,
  inParallel,
  ORIGINATION_NUMBER,
  publishBatch,
  queueDepth,
  Workload,
  type OpenVerification,
} from "./workload.ts";

const MIB = 1024 * 1024;

export interface ProcessUse {
  cpuSeconds: number | null;
  /** CPU seconds per wall second: 1.0 = one core busy the whole phase. */
  cores: number | null;
}

export interface PhaseUse {
  wallSeconds: number;
  service: ProcessUse;
  emulator: ProcessUse;
  redis: ProcessUse;
  bench: ProcessUse;
}

export interface CeilingFigures {
  messages: number;
  /** One receive loop: the shape of each of the service's queue workers (the reference for the ratio). */
  single: { pollers: number; seconds: number; messagesPerSecond: number | null; emptyReceives: number; use: PhaseUse };
  concurrent: { pollers: number; seconds: number; messagesPerSecond: number | null; emptyReceives: number; use: PhaseUse };
}

export interface BurstFigures {
  decisions: number;
  /** First PublishBatch issued → last one accepted. */
  publishSeconds: number;
  /** First PublishBatch issued → last decision observed. */
  seconds: number;
  decisionsPerSecond: number | null;
  ratioToCeiling: number | null;
  ratioToConcurrentCeiling: number | null;
  /** Publish of each reply → its decision observed (queueing included). */
  latencyMs: Summary;
  open: { verifications: number; seconds: number; perSecond: number | null };
  use: PhaseUse;
}

export interface SteadyFigures {
  ratePerSecond: number;
  durationSeconds: number;
  replies: number;
  publishedPerSecond: number | null;
  decisionsPerSecond: number | null;
  /** Decisions kept pace with replies (≥ 90 % of the rate). */
  keptUp: boolean;
  latencyMs: Summary;
  /**
   * The same latency in three stages (one machine, one clock): the reply's publish → the decision
   * recorded (the inbound hops and the handler), → its publish reached the topic (the service's
   * publish batching), → observed by this subscriber (the outbound hops).
   */
  stagesMs: { replyToDecided: Summary; decidedToTopic: Summary; topicToSubscriber: Summary };
  use: PhaseUse;
}

export interface RedisCost {
  commands: number | null;
  evalsha: number | null;
  /** Microseconds spent inside Redis commands. */
  usec: number | null;
  byCommand: Record<string, number>;
}

/** Commands as the service sends them (top level; one EVALSHA is one script round trip) vs run inside scripts. */
export interface SentCommands {
  topLevel: number | null;
  evalsha: number | null;
  inScripts: number | null;
  topLevelByCommand: Record<string, number>;
}

export interface RedisFigures {
  /** From INFO commandstats over the whole burst: every command executed, including those inside scripts. */
  perDecision: RedisCost;
  perOpenedVerification: RedisCost;
  /** From the slow-log probe (a small sample): what the service sends vs what its scripts run. */
  sent: { sample: number; perDecision: SentCommands; perOpenedVerification: SentCommands };
  memory: {
    openVerifications: number;
    usedMemoryDeltaBytes: number;
    bytesPerOpenVerification: number | null;
    keysPerOpenVerification: number | null;
    usedMemoryAtEndBytes: number;
  };
}

export interface ServiceFigures {
  pid: number;
  peakRssMiB: number | null;
  rssAtEndMiB: number | null;
  cpuSecondsPer1000Decisions: number | null;
  cpuSecondsPer1000Opens: number | null;
  cpuSecondsPer1000DecisionsSteady: Record<string, number | null>;
  /** RSS and VmHWM after each phase (warmup, burst-open, burst, steady<rate>, memory), MiB. */
  memoryByPhase: Record<string, { rssMiB: number; peakRssMiB: number }>;
  /** Lines the service wrote (LOG_LEVEL=warn: warnings and errors only). */
  logLines: number;
}

export interface BenchResult {
  machine: {
    cpuModel: string;
    cores: number;
    nodeVersion: string;
    platform: string;
    memoryGiB: number;
    loadAverage1m: number | null;
    redisVersion: string;
    fauxqsVersion: string;
  };
  parameters: Omit<BenchOptions, "json" | "help" | "serviceNodeOptions" | "emulatorNodeOptions" | "serviceEntry" | "serviceOutput">;
  ceiling: CeilingFigures;
  burst: BurstFigures;
  steady: SteadyFigures[];
  redis: RedisFigures;
  service: ServiceFigures;
  segments: SegmentFigures;
  /** Null when the run had no fraud wave (--fraud-wave-n 0). */
  fraudWave: FraudWaveFigures | null;
  checks: CollectorCounts & { ok: boolean; deadLettered: number };
  durationSeconds: number;
}

export type Log = (message: string) => void;

interface Samples {
  at: number;
  service: ProcessSample | null;
  emulator: ProcessSample | null;
  redis: ProcessSample | null;
  bench: ProcessSample;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function processUse(before: ProcessSample | null, after: ProcessSample | null, wallSeconds: number): ProcessUse {
  if (!before || !after) return { cpuSeconds: null, cores: null };
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return { cpuSeconds, cores: ratio(cpuSeconds, wallSeconds) };
}

function phaseUse(before: Samples, after: Samples): PhaseUse {
  const wallSeconds = seconds(after.at - before.at);
  return {
    wallSeconds,
    service: processUse(before.service, after.service, wallSeconds),
    emulator: processUse(before.emulator, after.emulator, wallSeconds),
    redis: processUse(before.redis, after.redis, wallSeconds),
    bench: processUse(before.bench, after.bench, wallSeconds),
  };
}

function redisCost(before: RedisSnapshot, after: RedisSnapshot, events: number): RedisCost {
  const calls = counterDeltas(before.commands.calls, after.commands.calls);
  const usec = counterDeltas(before.commands.usec, after.commands.usec);
  let totalCalls = 0;
  let totalUsec = 0;
  const byCommand: Record<string, number> = {};
  for (const [name, count] of Object.entries(calls)) {
    if (OBSERVER_COMMANDS.has(name)) continue;
    totalCalls += count;
    totalUsec += usec[name] ?? 0;
    byCommand[name] = ratio(count, events) ?? 0;
  }
  return {
    commands: ratio(totalCalls, events),
    evalsha: ratio(calls.evalsha ?? 0, events),
    usec: ratio(totalUsec, events),
    byCommand,
  };
}

function sentCost(origins: CommandOrigins, events: number): SentCommands {
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    topLevel: ratio(total(origins.topLevel), events),
    evalsha: ratio((origins.topLevel.evalsha ?? 0) + (origins.topLevel.eval ?? 0), events),
    inScripts: ratio(total(origins.inScripts), events),
    topLevelByCommand: Object.fromEntries(Object.entries(origins.topLevel).map(([name, count]) => [name, ratio(count, events) ?? 0])),
  };
}

function fauxqsVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/fauxqs/package.json"), "utf8")) as { version?: string };
    return manifest.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function latencies(verifications: readonly OpenVerification[], publishedAt: Map<string, number>, collector: DecisionCollector): number[] {
  const values: number[] = [];
  for (const verification of verifications) {
    const published = publishedAt.get(verification.transactionId);
    const observed = collector.observedAt(verification.transactionId);
    if (published !== undefined && observed !== undefined) values.push(observed - published);
  }
  return values;
}

function stageLatencies(
  verifications: readonly OpenVerification[],
  publishedAt: Map<string, number>,
  collector: DecisionCollector,
): SteadyFigures["stagesMs"] {
  const replyToDecided: number[] = [];
  const decidedToTopic: number[] = [];
  const topicToSubscriber: number[] = [];
  for (const verification of verifications) {
    const published = publishedAt.get(verification.transactionId);
    const stages = collector.stagesOf(verification.transactionId);
    if (published === undefined || !stages) continue;
    replyToDecided.push(stages.decidedAt - (performance.timeOrigin + published));
    decidedToTopic.push(stages.toTopicAt - stages.decidedAt);
    topicToSubscriber.push(stages.observedAt - stages.toTopicAt);
  }
  return { replyToDecided: summarize(replyToDecided), decidedToTopic: summarize(decidedToTopic), topicToSubscriber: summarize(topicToSubscriber) };
}

function lastObserved(verifications: readonly OpenVerification[], collector: DecisionCollector): number {
  let last = 0;
  for (const verification of verifications) last = Math.max(last, collector.observedAt(verification.transactionId) ?? 0);
  return last;
}

export async function runBench(options: BenchOptions, log: Log): Promise<BenchResult> {
  const startedAt = performance.now();
  const runId = randomBytes(3).toString("hex");
  const cleanups = activeCleanups;

  try {
    log(`segments: rendering ${options.segmentsN} realistic questions`);
    const segments = measureSegments(options.segmentsN, options.seed);

    log("starting redis-server, the emulator (own process) and the SMS sandbox");
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const emulator = await startEmulatorProcess(options.emulatorNodeOptions);
    cleanups.push(() => emulator.stop());
    const sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: ORIGINATION_NUMBER }] });
    cleanups.push(() => sandbox.close());
    const clients = createBenchClients(emulator.ready.endpoint);
    cleanups.push(() => clients.destroy());
    const observer = new RedisObserver(redis.url);
    cleanups.push(() => observer.close());
    const redisServer = await observer.server();

    const queueUrl = (name: string) => required(emulator.ready.queues[name], `queue ${name}`);
    const topicArn = (name: string) => required(emulator.ready.topics[name], `topic ${name}`);

    // Set once the service is started (after the ceiling); samples before that have no service.
    const started: { service?: NodeChild } = {};
    const sample = (): Samples => ({
      at: performance.now(),
      service: sampleProcess(started.service?.pid),
      emulator: sampleProcess(emulator.pid),
      redis: sampleProcess(redisServer.pid),
      bench: sampleSelf(),
    });
    /** The service's memory after each phase: where the peak comes from. */
    const memoryByPhase: Record<string, { rssMiB: number; peakRssMiB: number }> = {};
    const recordMemory = (phase: string) => {
      const now = sampleProcess(started.service?.pid);
      if (now) memoryByPhase[phase] = { rssMiB: now.rssBytes / MIB, peakRssMiB: now.peakRssBytes / MIB };
    };

    // 1. The ceiling, before the service exists: nothing else uses the emulator.
    const ceiling = await measureCeiling(options, clients, emulator, queueUrl(CEILING_QUEUE), topicArn(CEILING_TOPIC), sample, log);

    log(`starting the service (own process: node ${options.serviceEntry})`);
    const service = startServiceProcess(
      serviceEnv(emulator, sandbox, redis, queueUrl, topicArn),
      options.serviceNodeOptions,
      options.serviceEntry,
      options.serviceOutput,
    );
    started.service = service;
    cleanups.push(() => service.stop(15_000));
    const fatal = Promise.race([service.died, emulator.died]);
    fatal.catch(() => undefined);

    const collector = new DecisionCollector(clients.sqs, queueUrl(NAMES.decisionsQueue), options.collectors);
    collector.start();
    cleanups.push(() => collector.stop());
    const workload = new Workload({
      sqs: clients.sqs,
      sns: clients.sns,
      sandbox,
      collector,
      requestsQueueUrl: queueUrl(NAMES.requestsQueue),
      inboundTopicArn: topicArn(NAMES.inboundTopic),
      runId,
      seed: options.seed,
      fatal,
      stallSeconds: options.stallSeconds,
    });
    cleanups.push(() => workload.close());
    const stallMs = options.stallSeconds * 1000;
    const inboundQueueUrl = queueUrl(NAMES.inboundQueue);

    // Warm-up (also the readiness check: the first question proves the service consumes).
    if (options.warmup > 0) {
      log(`warm-up: ${options.warmup} verifications opened and decided`);
      const warm = await workload.open("warmup", options.warmup);
      await workload.publishBurst(warm, options.publishConcurrency);
      await collector.waitFor(warm.map((v) => v.transactionId), stallMs, fatal);
      await workload.waitForEmptyQueue(inboundQueueUrl);
      collector.assertClean();
      recordMemory("warmup");
    }

    // Which Redis commands the service sends itself and which run inside its scripts (a small
    // sample with every command logged, kept apart from the measured phases).
    const probeN = Math.min(options.n, options.quick ? 10 : 100);
    log(`redis probe: ${probeN} verifications opened and decided with every Redis command logged`);
    let probeSet: OpenVerification[] = [];
    const openOrigins = await observer.probeCommands(async () => {
      probeSet = await workload.open("probe", probeN);
    });
    const replyOrigins = await observer.probeCommands(async () => {
      await workload.publishBurst(probeSet, options.publishConcurrency);
      await collector.waitFor(probeSet.map((v) => v.transactionId), stallMs, fatal);
      await workload.waitForEmptyQueue(inboundQueueUrl);
    });
    collector.assertClean();

    // 2. Burst, and the Redis cost of opening and of deciding.
    log(`burst: opening ${options.n} verifications`);
    const openBefore = sample();
    const redisBeforeOpen = await observer.snapshot();
    const burstSet = await workload.open("burst", options.n, ({ index, expected }) =>
      options.injectWrongExpectation && index === 0 ? (expected === "APPROVED" ? "DENIED" : "APPROVED") : expected,
    );
    const redisAfterOpen = await observer.snapshot();
    const openAfter = sample();
    recordMemory("burst-open");
    const openUse = phaseUse(openBefore, openAfter);
    log(`burst: publishing ${options.n} replies at once`);
    const burstBefore = sample();
    const published = await workload.publishBurst(burstSet, options.publishConcurrency);
    await collector.waitFor(burstSet.map((v) => v.transactionId), stallMs, fatal);
    const lastBurstDecision = lastObserved(burstSet, collector);
    // The service still finishes each reply after its decision is out (confirmation SMS, marks):
    // CPU and Redis figures cover the work until the inbound queue is empty.
    await workload.waitForEmptyQueue(inboundQueueUrl);
    const burstAfter = sample();
    recordMemory("burst");
    const redisAfterBurst = await observer.snapshot();
    collector.assertClean();
    const burstMs = lastBurstDecision - published.firstAt;
    const decisionsPerSecond = ratePerSecond(options.n, burstMs);
    const burstUse = phaseUse(burstBefore, burstAfter);
    const burst: BurstFigures = {
      decisions: options.n,
      publishSeconds: seconds(published.doneAt - published.firstAt),
      seconds: seconds(burstMs),
      decisionsPerSecond,
      ratioToCeiling: ratio(decisionsPerSecond, ceiling.single.messagesPerSecond),
      ratioToConcurrentCeiling: ratio(decisionsPerSecond, ceiling.concurrent.messagesPerSecond),
      latencyMs: summarize(latencies(burstSet, published.publishedAt, collector)),
      open: { verifications: options.n, seconds: openUse.wallSeconds, perSecond: ratePerSecond(options.n, openUse.wallSeconds * 1000) },
      use: burstUse,
    };

    // 3. Steady rates.
    const steady: SteadyFigures[] = [];
    for (const rate of options.rates) {
      const replies = Math.max(1, Math.ceil(rate * options.durationSeconds));
      log(`steady ${rate}/s: opening ${replies} verifications`);
      const set = await workload.open(`steady${rate}`, replies);
      log(`steady ${rate}/s: replying for ${options.durationSeconds} s`);
      const before = sample();
      const paced = await workload.publishPaced(set, rate);
      await collector.waitFor(set.map((v) => v.transactionId), stallMs, fatal);
      await workload.waitForEmptyQueue(inboundQueueUrl);
      const after = sample();
      recordMemory(`steady${rate}`);
      collector.assertClean();
      const decisionsRate = ratePerSecond(replies, lastObserved(set, collector) - paced.firstAt);
      steady.push({
        ratePerSecond: rate,
        durationSeconds: options.durationSeconds,
        replies,
        publishedPerSecond: ratePerSecond(replies, paced.doneAt - paced.firstAt),
        decisionsPerSecond: decisionsRate,
        keptUp: decisionsRate !== null && decisionsRate >= 0.9 * Math.min(rate, replies / options.durationSeconds),
        latencyMs: summarize(latencies(set, paced.publishedAt, collector)),
        stagesMs: stageLatencies(set, paced.publishedAt, collector),
        use: phaseUse(before, after),
      });
    }

    // 4b. Memory per open verification (last, so its open verifications do not weigh on the rest).
    log(`memory: opening ${options.memoryN} verifications`);
    const memoryBefore = await observer.snapshot();
    await workload.open("memory", options.memoryN);
    const memoryAfter = await observer.snapshot();
    recordMemory("memory");

    // Late duplicates would show up now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    collector.assertClean();
    const deadLettered = await countMessages(clients, [queueUrl(NAMES.requestsDlq), queueUrl(NAMES.inboundDlq)]);
    if (deadLettered > 0) {
      throw new Error(`the service dead-lettered ${deadLettered} of the bench's messages (they should all be valid)`);
    }

    const end = sample();
    const serviceEnd = end.service;

    // 5. The fraud wave, last: its own service process, paced, on queues of its own, and an SMS
    // provider that throttles above the rate. The main service stops first: it takes no CPU from it.
    let fraudWave: FraudWaveFigures | null = null;
    if (options.fraudWaveN > 0) {
      await service.stop(15_000);
      fraudWave = await runFraudWave({
        n: options.fraudWaveN,
        partsPerSecond: options.fraudWaveRate,
        paced: !options.fraudWaveUnpaced,
        seed: options.seed,
        runId,
        stallSeconds: options.stallSeconds,
        sqs: clients.sqs,
        sns: clients.sns,
        requestsQueueUrl: queueUrl(FRAUD_WAVE.requestsQueue),
        inboundTopicArn: topicArn(FRAUD_WAVE.inboundTopic),
        collector,
        startService: (smsEndpoint, partsPerSecond: number | undefined) => {
          const paced = startServiceProcess(
            {
              ...serviceEnv(emulator, sandbox, redis, queueUrl, topicArn),
              AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: smsEndpoint,
              REQUESTS_QUEUE_URL: queueUrl(FRAUD_WAVE.requestsQueue),
              INBOUND_QUEUE_URL: queueUrl(FRAUD_WAVE.inboundQueue),
              ...(partsPerSecond === undefined ? {} : { SMS_MAX_PARTS_PER_SECOND: String(partsPerSecond) }),
            },
            options.serviceNodeOptions,
            options.serviceEntry,
            options.serviceOutput,
          );
          cleanups.push(() => paced.stop(15_000));
          return paced;
        },
        log,
      });
      collector.assertClean();
      fraudWave.deadLettered = await countMessages(clients, [queueUrl(NAMES.requestsDlq), queueUrl(NAMES.inboundDlq)]);
      // Unpaced (the comparison), what went to the dead-letter queue is one of its figures.
      if (fraudWave.paced && fraudWave.deadLettered > 0) {
        throw new Error(`the paced service dead-lettered ${fraudWave.deadLettered} of the fraud wave's messages`);
      }
    }
    const result: BenchResult = {
      machine: {
        cpuModel: cpus()[0]?.model.trim() ?? "unknown",
        cores: availableParallelism(),
        nodeVersion: process.version,
        platform: `${platform()} ${release()}`,
        memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
        loadAverage1m: platform() === "win32" ? null : (loadavg()[0] ?? null),
        redisVersion: redisServer.version,
        fauxqsVersion: fauxqsVersion(),
      },
      parameters: {
        n: options.n,
        rates: options.rates,
        durationSeconds: options.durationSeconds,
        memoryN: options.memoryN,
        segmentsN: options.segmentsN,
        warmup: options.warmup,
        ceilingPollers: options.ceilingPollers,
        collectors: options.collectors,
        publishConcurrency: options.publishConcurrency,
        stallSeconds: options.stallSeconds,
        fraudWaveN: options.fraudWaveN,
        fraudWaveRate: options.fraudWaveRate,
        fraudWaveUnpaced: options.fraudWaveUnpaced,
        seed: options.seed,
        quick: options.quick,
        injectWrongExpectation: options.injectWrongExpectation,
      },
      ceiling,
      burst,
      steady,
      redis: {
        perDecision: redisCost(redisAfterOpen, redisAfterBurst, options.n),
        perOpenedVerification: redisCost(redisBeforeOpen, redisAfterOpen, options.n),
        sent: {
          sample: probeN,
          perDecision: sentCost(replyOrigins, probeN),
          perOpenedVerification: sentCost(openOrigins, probeN),
        },
        memory: {
          openVerifications: options.memoryN,
          usedMemoryDeltaBytes: memoryAfter.usedMemoryBytes - memoryBefore.usedMemoryBytes,
          bytesPerOpenVerification: ratio(memoryAfter.usedMemoryBytes - memoryBefore.usedMemoryBytes, options.memoryN),
          keysPerOpenVerification: ratio(memoryAfter.keys - memoryBefore.keys, options.memoryN),
          usedMemoryAtEndBytes: memoryAfter.usedMemoryBytes,
        },
      },
      service: {
        pid: service.pid,
        peakRssMiB: serviceEnd ? serviceEnd.peakRssBytes / MIB : null,
        rssAtEndMiB: serviceEnd ? serviceEnd.rssBytes / MIB : null,
        cpuSecondsPer1000Decisions: burstUse.service.cpuSeconds === null ? null : perThousand(burstUse.service.cpuSeconds, options.n),
        cpuSecondsPer1000Opens: openUse.service.cpuSeconds === null ? null : perThousand(openUse.service.cpuSeconds, options.n),
        cpuSecondsPer1000DecisionsSteady: Object.fromEntries(
          steady.map((s) => [String(s.ratePerSecond), s.use.service.cpuSeconds === null ? null : perThousand(s.use.service.cpuSeconds, s.replies)]),
        ),
        memoryByPhase,
        logLines: service.output.lines,
      },
      segments,
      fraudWave,
      checks: { ...collector.counts, ok: true, deadLettered },
      durationSeconds: seconds(performance.now() - startedAt),
    };
    log("stopping");
    return result;
  } finally {
    await stopEverything();
  }
}

/** What a run started, newest last: stopped in reverse order at its end or on Ctrl-C. */
const activeCleanups: Array<() => Promise<void> | void> = [];

/** Stops every process and server the current run started (idempotent). */
export async function stopEverything(): Promise<void> {
  while (activeCleanups.length > 0) {
    const cleanup = activeCleanups.pop();
    await Promise.resolve(cleanup?.()).catch(() => undefined);
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`the emulator reported no ${what}`);
  return value;
}

/** The contract's configuration for the service, and nothing else from the bench's environment. */
function serviceEnv(
  emulator: EmulatorProcess,
  sandbox: SmsSandbox,
  redis: TestRedis,
  queueUrl: (name: string) => string,
  topicArn: (name: string) => string,
): NodeJS.ProcessEnv {
  return {
    ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_SQS: emulator.ready.endpoint,
    AWS_ENDPOINT_URL_SNS: emulator.ready.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sandbox.url,
    REQUESTS_QUEUE_URL: queueUrl(NAMES.requestsQueue),
    INBOUND_QUEUE_URL: queueUrl(NAMES.inboundQueue),
    DECISIONS_TOPIC_ARN: topicArn(NAMES.decisionsTopic),
    ORIGINATION_IDENTITY: ORIGINATION_NUMBER,
    REDIS_URL: redis.url,
    LOG_LEVEL: "warn",
    HTTP_PORT: "0",
  };
}

async function countMessages(clients: BenchClients, queueUrls: readonly string[]): Promise<number> {
  const depths = await Promise.all(queueUrls.map((queueUrl) => queueDepth(clients.sqs, queueUrl)));
  return depths.reduce((sum, depth) => sum + depth, 0);
}

/** Fills the bench-only queue (through its topic, so bodies are SNS envelopes like the inbound queue's). */
async function fillCeilingQueue(clients: BenchClients, topicArn: string, queueUrl: string, count: number): Promise<void> {
  const bodies = Array.from({ length: count }, (_, index) =>
    Workload.reply({
      transactionId: `ceiling-${index}`,
      phoneNumber: `+1425${String(1_000_000 + index).padStart(7, "0")}`,
      expected: index % 2 === 0 ? "APPROVED" : "DENIED",
      questionMessageId: "00000000-0000-4000-8000-000000000000",
    }),
  );
  await inParallel(chunks(bodies, 10), 8, (batch) => publishBatch(clients.sns, topicArn, batch));
  const queued = await countMessages(clients, [queueUrl]);
  if (queued !== count) throw new Error(`the ceiling queue holds ${queued} messages, expected ${count}`);
}

async function measureCeiling(
  options: BenchOptions,
  clients: BenchClients,
  emulator: EmulatorProcess,
  queueUrl: string,
  topicArn: string,
  sample: () => Samples,
  log: Log,
): Promise<CeilingFigures> {
  const drain = async (pollers: number) => {
    await fillCeilingQueue(clients, topicArn, queueUrl, options.n);
    log(`ceiling: a bare consumer process (${pollers} receive loop${pollers === 1 ? "" : "s"}) drains ${options.n} messages`);
    const argument: CeilingArguments = { endpoint: emulator.ready.endpoint, queueUrl, count: options.n, pollers };
    const before = sample();
    const run = await runJsonChild<CeilingRun>("the ceiling consumer", "bench/ceiling-consumer.ts", argument, options.stallSeconds * 4000);
    const after = sample();
    return {
      pollers,
      seconds: seconds(run.elapsedMs),
      messagesPerSecond: ratePerSecond(run.deleted, run.elapsedMs),
      emptyReceives: run.emptyReceives,
      use: phaseUse(before, after),
    };
  };
  const single = await drain(1);
  const concurrent = await drain(options.ceilingPollers);
  return { messages: options.n, single, concurrent };
}
