// The chaos run: three service processes on one emulator (fauxqs, in this process, production
// topology) and one Redis (append-only file, fsync always), N verifications answered in every way
// the contract knows, SQS-level duplicates, while workers are SIGKILLed and restarted, Redis is
// SIGKILLed and restarted, then frozen (SIGSTOP, its connections left open) for a few seconds, every
// worker is killed at once, a share of SMS and SNS calls fail, and SNS
// refuses every publish for longer than the inbound queue takes to dead-letter a failing reply.
// A carrier (carrier.ts) reports every text on the sms-events queue, events duplicated, out of
// order and late; some handsets are unreachable (UNDELIVERABLE within seconds), some failures race a
// YES, some come after the decision (they must decide nothing).
// Once everything is decided, every request is sent again: that must text nobody and decide nothing.
// Decisions are observed as a subscriber sees them: by draining the decisions-consumer queue.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs, type FauxqsServer } from "fauxqs";
import { freePort, startRedisServer, type PrivateRedis } from "../../dev/redis-server.ts";
import { fauxqsInit, localNames, MAX_RECEIVE_COUNT } from "../../dev/local-topology.ts";
import { startSmsSandbox, type SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { ChaosCarrier, randomFailureType, type CarrierFigures } from "./carrier.ts";
import { smsSendFaults, snsPublishFaults, startFaultProxy, type FaultProxy, type RuleStats } from "./fault-proxy.ts";
import {
  deliveryFailures,
  failures,
  judgeDecisions,
  judgeDeliveryEvents,
  judgeOutage,
  judgeReplay,
  outageFailures,
  replayFailures,
  type Decision,
  type DecisionFigures,
  type DeliveryFigures,
  type Expectation,
  type Observation,
  type Outage,
  type OutageFigures,
  type ReplayFigures,
} from "./report.ts";
import { WorkerPool } from "./workers.ts";
import { SEND_LEASE_MS } from "../../src/domain/verification.ts";

export interface ChaosOptions {
  /** Verifications to run. */
  n: number;
  seed: number;
  workers: number;
  /** Requests are sent at random moments in [0, sendWindowMs). */
  sendWindowMs: number;
  /** Kills, the Redis restart and the SMS/SNS faults happen in [0, chaosMs); then the system recovers. */
  chaosMs: number;
  /** A random worker is SIGKILLed every killEveryMs[0]…killEveryMs[1] ms during the chaos window. */
  killEveryMs: [number, number];
  /** When every worker is killed at once (default: while the unanswered verifications' deadlines come due). */
  killAllAtMs?: number;
  /**
   * SNS refuses every publish from atMs for durationMs (longer than the inbound redrive: a reply whose
   * handling waited for SNS would be dead-lettered first). Random SNS faults pause from its start
   * until quietMsAfter past its end, so the time to publish what it held is measured on its own.
   */
  snsOutage: { atMs: number; durationMs: number; quietMsAfter: number };
  /**
   * Redis frozen (SIGSTOP) from atMs for durationMs: its connections stay open and nothing is
   * answered, so only the workers' own timeouts can tell. Placed apart from the other disruptions.
   */
  redisFreeze: { atMs: number; durationMs: number };
  /** The run ends when every verification is decided and both queues are empty, or at this bound (from the first request). */
  deadlineMs: number;
  /** Window of the verifications left unanswered (they expire), seconds. */
  expiresInSeconds: number;
  smsFailShare: number;
  smsFailAfterSendShare: number;
  snsFailShare: number;
  snsFailAfterPublishShare: number;
  /** Share of requests, replies and delivery events sent twice (the same body) to their queue. */
  duplicateShare: number;
  /** Delivery events: shares of texts whose final event overtakes its TEXT_QUEUED, or comes 5-20 s late. */
  eventReorderShare: number;
  eventLateShare: number;
  /** Share of texts also reported under a MessageId nobody sent. */
  strayEventShare: number;
  /** Share of confirmations and other texts (not questions) that fail at the carrier. */
  otherTextFailShare: number;
  /** Share of answered verifications whose question the carrier reports failed after their decision. */
  lateFailureShare: number;
  log: (line: string) => void;
}

export const PRESETS = {
  /** The size `npm test` runs (test/chaos/chaos.test.ts): about a minute. */
  ci: {
    n: 60,
    sendWindowMs: 6_000,
    chaosMs: 45_000,
    killEveryMs: [3_000, 5_000],
    killAllAtMs: 36_000,
    snsOutage: { atMs: 3_000, durationMs: 28_000, quietMsAfter: 5_000 },
    redisFreeze: { atMs: 31_500, durationMs: 4_000 },
    // A question whose sender is killed (the last kills come at 36-45 s) is texted again only once
    // its 60 s send lease has run out, by the request's next delivery: up to ~110 s.
    deadlineMs: 120_000,
  },
  /** `npm run chaos`. */
  full: {
    n: 1_000,
    sendWindowMs: 60_000,
    chaosMs: 90_000,
    killEveryMs: [3_000, 6_000],
    snsOutage: { atMs: 10_000, durationMs: 35_000, quietMsAfter: 10_000 },
    redisFreeze: { atMs: 52_000, durationMs: 4_000 },
    deadlineMs: 240_000,
  },
} as const satisfies Record<string, Partial<ChaosOptions>>;

export const DEFAULTS: Omit<ChaosOptions, "n" | "seed" | "sendWindowMs" | "chaosMs" | "killEveryMs" | "snsOutage" | "redisFreeze" | "deadlineMs" | "log"> = {
  workers: 3,
  expiresInSeconds: 30,
  smsFailShare: 0.25,
  smsFailAfterSendShare: 0.03,
  snsFailShare: 0.45,
  snsFailAfterPublishShare: 0.1,
  duplicateShare: 0.25,
  eventReorderShare: 0.2,
  eventLateShare: 0.15,
  strayEventShare: 0.05,
  otherTextFailShare: 0.1,
  lateFailureShare: 0.3,
};

export interface ChaosReport {
  options: Omit<ChaosOptions, "log">;
  wallSeconds: number;
  /** How the run ended: every verification decided and the queues empty, or the deadline. */
  ended: "quiescent" | "deadline";
  decisions: DecisionFigures;
  /** The SNS outage: when, how long against the inbound redrive, and how soon what it held went out. */
  snsOutage: OutageFigures & {
    /** How long a reply whose handling keeps failing stays out of the inbound DLQ (receives × visibility). */
    inboundRedriveMs: number;
    /** Replies sent to the inbound queue while SNS was down. */
    repliesSentDuringOutage: number;
    from: string;
    to: string;
  };
  replay: ReplayFigures;
  /** The carrier's delivery events, and the UNDELIVERABLE decisions they took, judged. */
  deliveryEvents: CarrierFigures & DeliveryFigures;
  /** Messages the dead-letter queues hold at the end (each a message the service gave up on). */
  deadLettered: { requests: number; inbound: number; smsEvents: number };
  faults: {
    /** What happened when (ISO time): kills, restarts, the Redis restart, the end of the faults. */
    timeline: string[];
    workerKills: number;
    allWorkersKilledAt: number[];
    workerStarts: number;
    redisRestarts: number;
    redisDownMs: number;
    /** The freeze: how long, and how many workers logged that they paused for it. */
    redisFrozenMs: number;
    workersPausedByFreeze: number;
    sms: RuleStats;
    sns: RuleStats;
    duplicateRequestsSent: number;
    duplicateRepliesSent: number;
  };
  sms: {
    sent: number;
    /** Verifications whose question was texted more than once (a retry after Pinpoint accepted: allowed, see README). */
    questionTextedMoreThanOnce: number;
    /** Of the UNDELIVERABLE NOT_SENT decisions, those whose question Pinpoint had accepted (the sender died before recording it). */
    notSentButAccepted: number;
  };
  queuesAtEnd: Record<string, { ready: number; inFlight: number; delayed: number }>;
  workers: {
    unexpectedExits: number;
    fatal: string[];
    errors: Record<string, number>;
  };
  failures: string[];
}

const ORIGINATION = "+18885550100";
const VISIBILITY_TIMEOUT_SECONDS = 5;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type Scenario =
  | "yes"
  | "no"
  | "stop"
  | "help-yes"
  | "garbage-no"
  | "code-pair"
  | "silent"
  | "cancel"
  | "undeliverable"
  | "unreachable"
  | "failure-races-yes";

const WEIGHTS: Array<[Scenario, number]> = [
  ["yes", 18],
  ["no", 13],
  ["stop", 7],
  ["help-yes", 8],
  ["garbage-no", 8],
  ["code-pair", 10],
  ["silent", 20],
  ["cancel", 8],
  ["undeliverable", 4],
  ["unreachable", 6],
  ["failure-races-yes", 3],
];

const ACCEPTABLE: Record<Scenario, Decision[]> = {
  yes: ["APPROVED"],
  no: ["DENIED"],
  stop: ["OPTED_OUT"],
  "help-yes": ["APPROVED"],
  "garbage-no": ["DENIED"],
  // Narrowed once the run knows which of the pair the reference code names.
  "code-pair": ["APPROVED", "DENIED"],
  silent: ["EXPIRED"],
  // A cancellation held up (a killed worker's long poll) past the deadline finds it EXPIRED.
  cancel: ["CANCELLED", "EXPIRED"],
  undeliverable: ["UNDELIVERABLE"],
  // The carrier fails every text: the failure event decides, long before the 600 s window ends.
  unreachable: ["UNDELIVERABLE"],
  // The question's failure and a YES at about the same time: either decides, exactly one.
  "failure-races-yes": ["APPROVED", "UNDELIVERABLE"],
};

/** Scenarios whose question may get a failure event after their decision (which must change nothing). */
const ANSWERED: readonly Scenario[] = ["yes", "no", "stop", "help-yes", "garbage-no"];

interface Verification {
  transactionId: string;
  phoneNumber: string;
  scenario: Scenario;
  expiresInSeconds: number;
  body: string;
  /** The other verification of a code pair. */
  partner?: Verification;
  /** The second of a code pair: requested right after the first. */
  second?: boolean;
  /** The carrier reports its question failed once the run has seen its decision. */
  failsAfterDecision?: boolean;
}

/** mulberry32: a small seeded PRNG, so a run's traffic and faults are repeatable from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Words every question (en-US) carries, and no other text. */
const QUESTION_MARKER = "Did you attempt";

const SQS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g;
/** The emulator refuses characters outside SQS's set (even emoji): send them as JSON escapes. */
const sqsSafe = (json: string) => json.replace(SQS_REFUSED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

function envelope(message: string, topicArn: string): string {
  return sqsSafe(
    JSON.stringify({
      Type: "Notification",
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Message: message,
      Timestamp: new Date().toISOString(),
      SignatureVersion: "1",
    }),
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void | Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void Promise.resolve()
        .then(run)
        .catch((error: unknown) => log(`chaos step failed: ${error instanceof Error ? error.message : String(error)}`));
    }, ms);
    timers.add(timer);
  };

  // --- the system ------------------------------------------------------------------------------
  // The spy records when SNS accepted each decision event (what the contract times).
  const emulator: FauxqsServer = await startFauxqs({ port: 0, logger: false, messageSpies: { bufferSize: 200_000 } });
  const topology = emulator.setup(fauxqsInit({ visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS, maxReceiveCount: MAX_RECEIVE_COUNT }));
  const queueUrl = (name: string) => topology.queues.find((q) => q.name === name)?.url ?? "";
  const topicArn = (name: string) => topology.topics.find((t) => t.name === name)?.arn ?? "";
  const redisDir = mkdtempSync(join(tmpdir(), "fv-chaos-redis-"));
  const redisPort = await freePort();
  const redisArgs = ["--port", String(redisPort), "--dir", redisDir, "--appendonly", "yes", "--appendfsync", "always"];
  let redis: PrivateRedis = await startRedisServer(redisArgs);
  const sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: ORIGINATION }] });
  const smsProxy: FaultProxy = await startFaultProxy(sandbox.url, [smsSendFaults(options.smsFailShare, options.smsFailAfterSendShare)], random);
  const snsProxy: FaultProxy = await startFaultProxy(emulator.address, [snsPublishFaults(options.snsFailShare, options.snsFailAfterPublishShare)], random);
  const pool = new WorkerPool(
    {
      AWS_ACCESS_KEY_ID: "chaos",
      AWS_SECRET_ACCESS_KEY: "chaos",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_SQS: emulator.address,
      AWS_ENDPOINT_URL_SNS: snsProxy.url,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: smsProxy.url,
      REQUESTS_QUEUE_URL: queueUrl(localNames.requestsQueue),
      INBOUND_QUEUE_URL: queueUrl(localNames.inboundQueue),
      DECISIONS_TOPIC_ARN: topicArn(localNames.decisionsTopic),
      ORIGINATION_IDENTITY: ORIGINATION,
      SMS_EVENTS_QUEUE_URL: queueUrl(localNames.smsEventsQueue),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SHUTDOWN_TIMEOUT_SECONDS: "2",
      LOG_LEVEL: "info",
    },
    ROOT,
  );
  const onExit = () => pool.killAllNow();
  process.once("exit", onExit);
  const sqs = new SQSClient({ region: "us-east-1", endpoint: emulator.address, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: "chaos", secretAccessKey: "chaos" } });

  const cleanUp = async () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    await pool.stopAll(8_000);
    process.off("exit", onExit);
    sqs.destroy();
    await Promise.all([smsProxy.close(), snsProxy.close()]);
    await sandbox.close();
    await emulator.stop();
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
  };

  try {
    const slots = Array.from({ length: options.workers }, (_, slot) => slot);
    const started = await Promise.all(slots.map((slot) => pool.start(slot)));
    if (started.some((ok) => !ok)) throw new Error("a service process did not start");
    log(`${options.workers} workers up; redis on ${redisPort} (appendfsync always); seed ${options.seed}`);

    // --- the traffic -----------------------------------------------------------------------------
    /** Transactions the run has seen a decision event for. */
    const seenDecision = new Set<string>();
    const carrier = new ChaosCarrier({
      random,
      later,
      send: (json) => {
        const wire = random() < 0.5 ? sqsSafe(json) : envelope(json, topicArn(localNames.smsEventsTopic));
        emulator.sendMessage(localNames.smsEventsQueue, wire);
      },
      duplicateShare: options.duplicateShare,
      reorderShare: options.eventReorderShare,
      lateShare: options.eventLateShare,
      strayShare: options.strayEventShare,
      otherTextFailShare: options.otherTextFailShare,
      decided: (transactionId) => seenDecision.has(transactionId),
    });
    const verifications: Verification[] = [];
    const expectations = new Map<string, Expectation>();
    let phoneCounter = 0;
    const newPhone = () => `+1425${String(2_000_000 + phoneCounter++)}`;
    const pick = (): Scenario => {
      const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
      let roll = random() * total;
      for (const [scenario, weight] of WEIGHTS) {
        roll -= weight;
        if (roll < 0) return scenario;
      }
      return "yes";
    };
    const newVerification = (scenario: Scenario, phoneNumber: string): Verification => {
      const index = verifications.length;
      const expires = scenario === "silent" || scenario === "cancel" || scenario === "undeliverable";
      const request = {
        type: "verification.requested",
        transactionId: `chaos-${options.seed}-${index}`,
        phoneNumber,
        amountMinor: Math.floor(random() * 500_000),
        currency: "USD",
        merchant: `SHOP ${index}`,
        cardLast4: "4242",
        ...(expires ? { expiresInSeconds: options.expiresInSeconds } : {}),
        locale: "en-US",
        metadata: { scenario },
      };
      const verification: Verification = {
        transactionId: request.transactionId,
        phoneNumber,
        scenario,
        expiresInSeconds: expires ? options.expiresInSeconds : 600,
        body: JSON.stringify(request),
      };
      verifications.push(verification);
      expectations.set(verification.transactionId, {
        transactionId: verification.transactionId,
        scenario,
        acceptable: ACCEPTABLE[scenario],
        expiresInSeconds: verification.expiresInSeconds,
        notSentAllowed: verification.expiresInSeconds * 1000 < SEND_LEASE_MS,
      });
      return verification;
    };
    // One of each scenario first (every kind of decision in every run), then by weight.
    const firsts = WEIGHTS.map(([scenario]) => scenario);
    while (verifications.length < options.n) {
      let scenario = firsts.shift() ?? pick();
      if (scenario === "code-pair" && verifications.length > options.n - 2) scenario = "yes";
      const phone = newPhone();
      const first = newVerification(scenario, phone);
      if (scenario === "code-pair") {
        const second = newVerification(scenario, phone);
        first.partner = second;
        second.partner = first;
        second.second = true;
      }
      if (scenario === "undeliverable") sandbox.optOut(phone);
      if (scenario === "unreachable") carrier.handset(phone, { kind: "fails", eventType: randomFailureType(random) });
      if (scenario === "failure-races-yes") carrier.handset(phone, { kind: "withheld" });
      if (ANSWERED.includes(scenario) && random() < options.lateFailureShare) {
        first.failsAfterDecision = true;
        carrier.handset(phone, { kind: "withheld" });
      }
    }
    const byTransaction = new Map(verifications.map((v) => [v.transactionId, v]));

    let duplicateRequestsSent = 0;
    let duplicateRepliesSent = 0;
    let snsDown = false;
    let repliesSentDuringOutage = 0;
    const replayed: string[] = [];
    const sendRequestBody = (body: string, raw: boolean) => {
      replayed.push(body);
      const wire = raw ? sqsSafe(body) : envelope(body, "arn:aws:sns:us-east-1:000000000000:card-system");
      emulator.sendMessage(localNames.requestsQueue, wire);
      if (random() < options.duplicateShare) {
        duplicateRequestsSent += 1;
        later(between(0, 3_000), () => void emulator.sendMessage(localNames.requestsQueue, wire));
      }
    };
    const sendReply = (verification: Verification, text: string, previousPublishedMessageId: string | null) => {
      const payload = JSON.stringify({
        originationNumber: verification.phoneNumber,
        destinationNumber: ORIGINATION,
        messageKeyword: "",
        messageBody: text,
        inboundMessageId: randomUUID(),
        ...(previousPublishedMessageId === null ? {} : { previousPublishedMessageId }),
      });
      const wire = random() < 0.5 ? sqsSafe(payload) : envelope(payload, topicArn(localNames.inboundTopic));
      emulator.sendMessage(localNames.inboundQueue, wire);
      if (snsDown) repliesSentDuringOutage += 1;
      if (random() < options.duplicateShare) {
        duplicateRepliesSent += 1;
        later(between(0, 3_000), () => void emulator.sendMessage(localNames.inboundQueue, wire));
      }
    };

    // Decisions, as a subscriber of the decisions topic sees them.
    const observations: Observation[] = [];
    /** Run once when the run first sees a decision for the transaction. */
    const decidedListeners = new Map<string, Array<() => void>>();
    const whenDecided = (transactionId: string, run: () => void) =>
      decidedListeners.set(transactionId, [...(decidedListeners.get(transactionId) ?? []), run]);
    let draining = true;
    const drain = async () => {
      const url = queueUrl(localNames.decisionsQueue);
      while (draining) {
        const received = await sqs
          .send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
          .catch(async (error: unknown) => {
            log(`draining decisions failed: ${error instanceof Error ? error.message : String(error)}`);
            await new Promise<void>((resolve) => later(200, resolve));
            return { Messages: [] };
          });
        const messages = received.Messages ?? [];
        for (const message of messages) {
          const outer = JSON.parse(message.Body ?? "{}") as { Message?: string; MessageAttributes?: Record<string, { Value?: string }> };
          const body = outer.Message ?? "{}";
          observations.push({ arrivedAt: Date.now(), body, decisionAttribute: outer.MessageAttributes?.decision?.Value });
          const transactionId = (JSON.parse(body) as { transactionId?: string }).transactionId ?? "";
          seenDecision.add(transactionId);
          const listeners = decidedListeners.get(transactionId) ?? [];
          decidedListeners.delete(transactionId);
          for (const listener of listeners) listener();
        }
        if (messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
            }),
          );
        }
      }
    };
    const drains = [drain(), drain(), drain()];

    // Replies: to the question (the first SMS naming the verification), after a short think.
    const questions = new Map<string, SentSms>();
    const questionCount = new Map<string, number>();
    const onCodePair = (verification: Verification) => {
      const partner = verification.partner;
      if (!partner) return;
      const mine = questions.get(verification.transactionId);
      const theirs = questions.get(partner.transactionId);
      if (!mine || !theirs) return;
      const codeOf = (sms: SentSms) => /Reply YES (\d{3}) or/.exec(sms.messageBody)?.[1];
      const [target, other, code] = codeOf(mine)
        ? [verification, partner, codeOf(mine)]
        : [partner, verification, codeOf(theirs)];
      if (!code) {
        // Neither text shows a code: answer each by the message it replies to.
        expectations.set(target.transactionId, { ...expectations.get(target.transactionId)!, acceptable: ["APPROVED"] });
        expectations.set(other.transactionId, { ...expectations.get(other.transactionId)!, acceptable: ["DENIED"] });
        later(between(200, 2_000), () => sendReply(target, "YES", questions.get(target.transactionId)?.messageId ?? ""));
        later(between(200, 2_000), () => sendReply(other, "NO", questions.get(other.transactionId)?.messageId ?? ""));
        return;
      }
      // "YES 417" names one verification; once it is decided, a plain "NO" can only mean the other.
      expectations.set(target.transactionId, { ...expectations.get(target.transactionId)!, acceptable: ["APPROVED"] });
      expectations.set(other.transactionId, { ...expectations.get(other.transactionId)!, acceptable: ["DENIED"] });
      whenDecided(target.transactionId, () => later(between(200, 1_500), () => sendReply(other, "no", random() < 0.5 ? "" : null)));
      later(between(200, 2_000), () => sendReply(target, `yes ${code}`, random() < 0.5 ? "" : null));
    };
    sandbox.on("sent", (sms) => {
      const isQuestion = sms.messageBody.includes(QUESTION_MARKER);
      carrier.textSent(sms, isQuestion);
      const transactionId = sms.context?.transactionId;
      const verification = transactionId ? byTransaction.get(transactionId) : undefined;
      if (!transactionId || !verification) return;
      if (isQuestion) questionCount.set(transactionId, (questionCount.get(transactionId) ?? 0) + 1);
      if (questions.has(transactionId)) return;
      questions.set(transactionId, sms);
      const previous = sms.messageId;
      const think = () => between(200, 2_500);
      if (verification.failsAfterDecision) {
        whenDecided(transactionId, () => carrier.reportFinal(sms, randomFailureType(random), between(200, 3_000)));
      }
      switch (verification.scenario) {
        case "yes":
          later(think(), () => sendReply(verification, "YES", previous));
          break;
        case "no":
          later(think(), () => sendReply(verification, "no", previous));
          break;
        case "stop":
          later(think(), () => sendReply(verification, "STOP", previous));
          break;
        case "help-yes":
          later(think(), () => sendReply(verification, "HELP", previous));
          later(think() + 1_000, () => sendReply(verification, "yes please", previous));
          break;
        case "garbage-no":
          later(think(), () => sendReply(verification, "maybe later 🙂", previous));
          later(think() + 1_000, () => sendReply(verification, "No!", previous));
          break;
        case "code-pair":
          onCodePair(verification);
          break;
        case "failure-races-yes": {
          const at = think();
          later(at, () => sendReply(verification, "YES", previous));
          carrier.reportFinal(sms, randomFailureType(random), Math.max(0, at + between(-300, 300)));
          break;
        }
        default:
          break;
      }
    });

    // Requests, spread over the send window; cancellations soon after (some before) their request.
    const t0 = Date.now();
    for (const verification of verifications) {
      if (verification.second) continue; // sent with the first of its pair
      const at = between(0, options.sendWindowMs);
      later(at, () => sendRequestBody(verification.body, random() < 0.5));
      if (verification.partner) later(at + between(300, 800), () => sendRequestBody(verification.partner!.body, random() < 0.5));
      if (verification.scenario === "cancel") {
        const cancellation = JSON.stringify({ type: "verification.cancelled", transactionId: verification.transactionId });
        later(Math.max(0, at + between(-1_000, 2_000)), () => sendRequestBody(cancellation, random() < 0.5));
      }
    }

    // --- the chaos -----------------------------------------------------------------------------
    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${new Date().toISOString()} ${what}`);
    let disrupting = false;
    /** Spans with no worker running or Redis down: an EXPIRED due then is owed from the span's end. */
    const unable: Outage[] = [];
    const allKilledAt: number[] = [];
    let redisRestarts = 0;
    let redisDownMs = 0;
    const restartSoon = (slot: number) =>
      later(between(200, 800), async () => {
        mark(`worker ${slot} starting`);
        await pool.start(slot);
        mark(`worker ${slot} started`);
      });
    const killLoop = () => {
      later(between(...options.killEveryMs), async () => {
        if (Date.now() - t0 >= options.chaosMs) return;
        const running = pool.running;
        if (!disrupting && running.length === options.workers) {
          const slot = running[Math.floor(random() * running.length)]!;
          await pool.kill(slot);
          mark(`worker ${slot} SIGKILLed`);
          restartSoon(slot);
        }
        killLoop();
      });
    };
    killLoop();
    later(options.chaosMs * 0.4, async () => {
      disrupting = true;
      const down = Date.now();
      process.kill(redis.pid, "SIGKILL");
      await redis.stop();
      mark("redis SIGKILLed");
      await new Promise<void>((resolve) => later(1_000, resolve));
      redis = await startRedisServer(redisArgs);
      mark("redis ready");
      unable.push({ from: down, to: Date.now() });
      redisDownMs = Date.now() - down;
      redisRestarts += 1;
      disrupting = false;
      log(`redis SIGKILLed and restarted (${redisDownMs} ms down)`);
    });
    let redisFrozenMs = 0;
    let workersPausedByFreeze = 0;
    later(options.redisFreeze.atMs, async () => {
      disrupting = true;
      const from = Date.now();
      process.kill(redis.pid, "SIGSTOP");
      mark("redis frozen (SIGSTOP)");
      await new Promise<void>((resolve) => later(options.redisFreeze.durationMs, resolve));
      process.kill(redis.pid, "SIGCONT");
      const to = Date.now();
      mark("redis thawed (SIGCONT)");
      unable.push({ from, to });
      redisFrozenMs = to - from;
      workersPausedByFreeze = pool.stats.pausedAt.filter((at) => at >= from && at <= to).length;
      disrupting = false;
      log(`redis frozen for ${redisFrozenMs} ms; ${workersPausedByFreeze} workers paused their consumers meanwhile`);
    });
    // Every worker at once, while the unanswered verifications' deadlines come due.
    const killAllAt = options.killAllAtMs ?? Math.min(options.chaosMs * 0.85, options.expiresInSeconds * 1000 + options.sendWindowMs / 2);
    later(killAllAt, async () => {
      disrupting = true;
      allKilledAt.push(Date.now() - t0);
      const none = Date.now();
      await Promise.all(pool.running.map((slot) => pool.kill(slot)));
      mark("every worker SIGKILLed");
      await new Promise<void>((resolve) => later(1_000, resolve));
      const starts = slots.filter((slot) => !pool.running.includes(slot)).map((slot) => pool.start(slot));
      void Promise.race(starts).then(() => {
        unable.push({ from: none, to: Date.now() });
        mark("a worker runs again");
      });
      await Promise.all(starts);
      mark("every worker started");
      disrupting = false;
      log("every worker SIGKILLed and restarted");
    });
    // SNS down for longer than the inbound redrive; its random faults pause around it.
    let outage = { from: 0, to: 0 };
    const { atMs: outageAt, durationMs: outageFor, quietMsAfter } = options.snsOutage;
    later(outageAt, () => {
      snsProxy.enabled = false;
      snsProxy.down = true;
      snsDown = true;
      outage = { from: Date.now(), to: 0 };
      mark("SNS refuses every publish");
      log(`SNS down for ${outageFor / 1000} s (the inbound queue dead-letters a reply after ${(MAX_RECEIVE_COUNT * VISIBILITY_TIMEOUT_SECONDS)} s of failures)`);
    });
    later(outageAt + outageFor, () => {
      snsProxy.down = false;
      snsDown = false;
      outage = { ...outage, to: Date.now() };
      mark("SNS accepts publishes again");
      log("SNS accepts publishes again");
    });
    if (outageAt + outageFor + quietMsAfter < options.chaosMs) {
      later(outageAt + outageFor + quietMsAfter, () => {
        snsProxy.enabled = true;
        mark("random SNS faults again");
      });
    }
    later(options.chaosMs, () => {
      smsProxy.enabled = false;
      snsProxy.enabled = false;
      mark("faults off");
      log("chaos over: faults off, no more kills; waiting for the system to settle");
    });

    // --- the end: every verification decided and nothing left in the queues, or the deadline ------
    const quiet = (name: string) => {
      const messages = emulator.inspectQueue(name)?.messages;
      return (messages?.ready.length ?? 0) + (messages?.delayed.length ?? 0) + (messages?.inflight.length ?? 0) === 0;
    };
    const decided = new Set<string>();
    let counted = 0;
    let ended: ChaosReport["ended"] = "deadline";
    let lastLog = Date.now();
    while (Date.now() - t0 < options.deadlineMs) {
      for (; counted < observations.length; counted += 1) {
        decided.add((JSON.parse(observations[counted]!.body) as { transactionId: string }).transactionId);
      }
      const chaosOver = Date.now() - t0 >= Math.max(options.chaosMs, options.sendWindowMs) && pool.running.length === options.workers;
      const queuesQuiet = quiet(localNames.requestsQueue) && quiet(localNames.inboundQueue) && quiet(localNames.smsEventsQueue);
      if (chaosOver && decided.size >= expectations.size && queuesQuiet && carrier.pending === 0) {
        ended = "quiescent";
        break;
      }
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log(`${Math.round((Date.now() - t0) / 1000)} s: ${decided.size}/${expectations.size} decided, ${observations.length} events`);
      }
      await new Promise<void>((resolve) => later(500, resolve));
    }
    // Re-publishes still on their way.
    await new Promise<void>((resolve) => later(2_000, resolve));
    const wallSeconds = (Date.now() - t0) / 1000;
    // What the service holds for anything the run saw no decision for (before the replay touches it).
    const undecided: string[] = [];
    const seenDecided = new Set(observations.map((o) => (JSON.parse(o.body) as { transactionId: string }).transactionId));
    for (const transactionId of expectations.keys()) {
      if (seenDecided.has(transactionId) || undecided.length >= 5) continue;
      const state = await fetch(`http://127.0.0.1:${pool.anyOpsPort ?? 0}/verifications/${transactionId}`)
        .then(async (response) => JSON.stringify(await response.json()))
        .catch((error: unknown) => `(state unknown: ${String(error)})`);
      undecided.push(`${transactionId} (${byTransaction.get(transactionId)?.scenario ?? "?"}; question texted ${questionCount.get(transactionId) ?? 0}x): ${state}`);
    }

    // The replay: every request (and cancellation) again, once everything is decided.
    const runObservations = observations.length;
    const smsBeforeReplay = sandbox.sent.length;
    log(`replaying all ${replayed.length} requests`);
    mark("replay of every request");
    for (const body of replayed) emulator.sendMessage(localNames.requestsQueue, sqsSafe(body));
    const replayStarted = Date.now();
    while (!quiet(localNames.requestsQueue) && Date.now() - replayStarted < 60_000) {
      await new Promise<void>((resolve) => later(250, resolve));
    }
    // Anything the replay would publish or text is on its way within this.
    await new Promise<void>((resolve) => later(3_000, resolve));
    draining = false;
    await Promise.all(drains);
    const replaySms = sandbox.sent.slice(smsBeforeReplay).filter((sms) => sms.context?.transactionId !== undefined);
    const questionsTexted = replaySms.filter((sms) => sms.messageBody.includes(QUESTION_MARKER)).length;
    const replay = judgeReplay(observations.slice(0, runObservations), observations.slice(runObservations), {
      requestsReplayed: replayed.length,
      questionsTexted,
      otherSmsSent: replaySms.length - questionsTexted,
    });

    const firstPublished = new Map<string, number>();
    for (const message of emulator.spy.getAllMessages()) {
      if (message.service !== "sns" || message.topicName !== localNames.decisionsTopic) continue;
      const { body, timestamp } = message as { body: string; timestamp: number };
      if (!firstPublished.has(body) || timestamp < firstPublished.get(body)!) firstPublished.set(body, timestamp);
    }
    for (const observation of observations) {
      const at = firstPublished.get(observation.body);
      if (at !== undefined) observation.publishedAt = at;
    }
    // The run's own events decide lost, late and the rest; the replay's are judged against them.
    const figures = judgeDecisions([...expectations.values()], observations.slice(0, runObservations), [outage, ...unable]);
    figures.examples.lost = undecided;
    const outageFigures = judgeOutage(observations.slice(0, runObservations), outage);
    const queuesAtEnd = Object.fromEntries(
      Object.values(localNames)
        .filter((name) => topology.queues.some((q) => q.name === name))
        .map((name) => {
          const messages = emulator.inspectQueue(name)?.messages;
          return [name, { ready: messages?.ready.length ?? 0, inFlight: messages?.inflight.length ?? 0, delayed: messages?.delayed.length ?? 0 }];
        }),
    );
    const deadLettered = {
      requests: queuesAtEnd[localNames.requestsDlq]?.ready ?? 0,
      inbound: queuesAtEnd[localNames.inboundDlq]?.ready ?? 0,
      smsEvents: queuesAtEnd[localNames.smsEventsDlq]?.ready ?? 0,
    };
    const deliveryFigures = judgeDeliveryEvents(observations.slice(0, runObservations), carrier.failuresSent, [outage, ...unable]);
    const failed = [...failures(figures), ...outageFailures(outageFigures), ...replayFailures(replay), ...deliveryFailures(deliveryFigures)];
    if (deadLettered.requests + deadLettered.inbound + deadLettered.smsEvents > 0) {
      failed.push(
        `${deadLettered.requests} requests, ${deadLettered.inbound} replies and ${deadLettered.smsEvents} delivery events dead-lettered`,
      );
    }
    if (pool.stats.unexpectedExits.length > 0) failed.push(`${pool.stats.unexpectedExits.length} worker(s) exited by themselves`);
    const shownOptions: Partial<ChaosOptions> = { ...options };
    delete shownOptions.log;
    return {
      options: shownOptions as Omit<ChaosOptions, "log">,
      wallSeconds,
      ended,
      decisions: figures,
      snsOutage: {
        ...outageFigures,
        inboundRedriveMs: MAX_RECEIVE_COUNT * VISIBILITY_TIMEOUT_SECONDS * 1000,
        repliesSentDuringOutage,
        from: new Date(outage.from).toISOString(),
        to: new Date(outage.to).toISOString(),
      },
      replay,
      deliveryEvents: { ...carrier.figures, ...deliveryFigures },
      deadLettered,
      faults: {
        timeline,
        workerKills: pool.stats.killed,
        allWorkersKilledAt: allKilledAt,
        workerStarts: pool.stats.started,
        redisRestarts,
        redisDownMs,
        redisFrozenMs,
        workersPausedByFreeze,
        sms: smsProxy.stats["sms:SendTextMessage"]!,
        sns: snsProxy.stats["sns:Publish"]!,
        duplicateRequestsSent,
        duplicateRepliesSent,
      },
      sms: {
        sent: sandbox.sent.length,
        questionTextedMoreThanOnce: [...questionCount.values()].filter((count) => count > 1).length,
        notSentButAccepted: new Set(
          observations
            .map((o) => JSON.parse(o.body) as { transactionId: string; undeliverableReason?: string | null })
            .filter((event) => event.undeliverableReason === "NOT_SENT" && questions.has(event.transactionId))
            .map((event) => event.transactionId),
        ).size,
      },
      queuesAtEnd,
      workers: {
        unexpectedExits: pool.stats.unexpectedExits.length,
        fatal: pool.stats.fatal.slice(0, 5),
        errors: Object.fromEntries(pool.stats.errors),
      },
      failures: failed,
    };
  } finally {
    await cleanUp();
  }
}
