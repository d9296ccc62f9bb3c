/**
 * The "fraud wave": `n` verification requests at once against an origination that takes
 * `partsPerSecond` message parts per second (a US toll-free number: 3). The SMS sandbox enforces that
 * rate as a carrier does (ThrottlingException above it) and the service runs paced to the same rate
 * (SMS_MAX_PARTS_PER_SECOND). Each cardholder answers as soon as the question arrives, so
 * confirmations are owed while questions still wait. Figures: time from the request to its question
 * (p50, p99, max), throttles received (target 0), and the order (no confirmation before the last
 * question).
 */
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SNSClient } from "@aws-sdk/client-sns";
import { startSmsSandbox, type SentSms } from "../dev/sms-sandbox/sms-sandbox.ts";
import { countSegments } from "../src/domain/sms-segments.ts";
import type { DecisionCollector, ExpectedDecision } from "./decisions.ts";
import type { NodeChild } from "./processes.ts";
import { Random } from "./random.ts";
import { generateRealisticRequest } from "./realistic-requests.ts";
import { summarize, type Summary } from "./statistics.ts";
import { chunks, inParallel, ORIGINATION_NUMBER, publishBatch, sqsSafeJson, Workload } from "./workload.ts";

/** The contract's default reply window: the wave's questions must all go out well within it. */
const EXPIRES_IN_SECONDS = 600;
const PHONE_BASE = 8_000_000;

export interface FraudWaveFigures {
  requests: number;
  partsPerSecond: number;
  /** The service ran with SMS_MAX_PARTS_PER_SECOND (false: --fraud-wave-unpaced, for comparison). */
  paced: boolean;
  /** Every question sent and decided (an unpaced wave may stall: its figures then cover what was sent). */
  completed: boolean;
  questionsSent: number;
  /** Message parts of the questions (realistic merchants: some take 2 or 3). */
  questionParts: number;
  /** The least the questions can take at the rate: questionParts / partsPerSecond. */
  minimumSeconds: number;
  /** The request's SendMessageBatch issued → its question accepted by the SMS provider. */
  timeToQuestionMs: Summary;
  /** Requests sent → last question accepted. */
  lastQuestionSeconds: number;
  /** questionParts / lastQuestionSeconds: what the wave got of the rate (start-up included). */
  questionPartsPerSecond: number | null;
  /** ThrottlingException answers of the SMS provider while the wave ran (target 0). */
  throttles: number;
  /** Confirmation SMS accepted before the last question (target 0). */
  confirmationsBeforeLastQuestion: number;
  /** Last question → the first confirmation after it (they were owed all along, and go next). */
  firstConfirmationAfterMs: number | null;
  orderHeld: boolean;
  decisions: number;
  /** Wave messages in the dead-letter queues at its end (set by the caller; target 0). */
  deadLettered: number;
  seconds: number;
}

export interface FraudWaveContext {
  n: number;
  partsPerSecond: number;
  paced: boolean;
  seed: number;
  runId: string;
  stallSeconds: number;
  sqs: SQSClient;
  sns: SNSClient;
  requestsQueueUrl: string;
  inboundTopicArn: string;
  collector: DecisionCollector;
  /** Starts the service paced to `partsPerSecond` (undefined: unpaced), sending through the SMS endpoint given. */
  startService(smsEndpoint: string, partsPerSecond: number | undefined): NodeChild;
  log(message: string): void;
}

interface WaveVerification {
  transactionId: string;
  phoneNumber: string;
  expected: ExpectedDecision;
  requestedAt?: number;
  question?: { at: number; parts: number; messageId: string };
}

export async function runFraudWave(ctx: FraudWaveContext): Promise<FraudWaveFigures> {
  const sandbox = await startSmsSandbox({ phoneNumbers: [{ phoneNumber: ORIGINATION_NUMBER }], maxPartsPerSecond: ctx.partsPerSecond });
  const service = ctx.startService(sandbox.url, ctx.paced ? ctx.partsPerSecond : undefined);
  const stallMs = ctx.stallSeconds * 1000;
  const fatal = service.died;
  fatal.catch(() => undefined);
  const byId = new Map<string, WaveVerification>();
  const order: Array<{ kind: "question" | "confirmation"; at: number }> = [];
  let lastQuestionAt = 0;
  const replies = new Set<Promise<void>>();
  let replyFailure: Error | undefined;
  let progress: () => void = () => undefined;

  const onSent = (sms: SentSms) => {
    const at = performance.now();
    const verification = byId.get(sms.context?.transactionId ?? "");
    if (!verification) return;
    if (verification.question) {
      order.push({ kind: "confirmation", at });
    } else {
      verification.question = { at, parts: countSegments(sms.messageBody).segments, messageId: sms.messageId };
      order.push({ kind: "question", at });
      lastQuestionAt = at;
      // The cardholder answers at once: its confirmation is owed while other questions still wait.
      const reply = Workload.reply({ ...verification, questionMessageId: sms.messageId });
      const published: Promise<void> = publishBatch(ctx.sns, ctx.inboundTopicArn, [reply])
        .catch((error: unknown) => void (replyFailure ??= error instanceof Error ? error : new Error("a reply's PublishBatch failed")))
        .finally(() => replies.delete(published));
      replies.add(published);
    }
    progress();
  };
  sandbox.on("sent", onSent);

  try {
    // One verification first, opened and decided: the service is up and consuming before the wave.
    // Its question and its confirmation both go before the wave, so neither is counted in its order.
    const warm = wave(ctx, byId, "wave-warmup", 1, PHONE_BASE);
    await fire(ctx, warm);
    await untilDone(() => order.length >= 2, () => order.length, stallMs, fatal, (wake) => (progress = wake));
    await Promise.race([fatal, ctx.collector.waitFor(warm.map((v) => v.transactionId), stallMs, fatal)]);
    const throttlesBefore = sandbox.throttled;
    const orderStart = order.length;

    ctx.log(`fraud wave: ${ctx.n} requests at once, the SMS provider at ${ctx.partsPerSecond} parts/s, the service ${ctx.paced ? "paced to it" : "unpaced"}`);
    const verifications = wave(ctx, byId, "wave", ctx.n, PHONE_BASE + 1);
    const startedAt = performance.now();
    await fire(ctx, verifications);
    const complete = async () => {
      await untilDone(() => verifications.every((v) => v.question), () => order.length, stallMs, fatal, (wake) => (progress = wake));
      await Promise.race([fatal, ctx.collector.waitFor(verifications.map((v) => v.transactionId), stallMs, fatal)]);
      // Confirmations follow the last question: wait for the first of them (they were all owed by now).
      const questionsDone = order.length;
      await untilDone(() => order.length > questionsDone, () => order.length, stallMs, fatal, (wake) => (progress = wake));
    };
    // Unpaced (the comparison), a wave that stalls is a figure, not a failure: what it got is reported.
    const completed = ctx.paced ? (await complete(), true) : await complete().then(() => true, () => false);
    await Promise.all(replies);
    if (replyFailure) throw replyFailure;
    const seconds = (performance.now() - startedAt) / 1000;

    const waveOrder = order.slice(orderStart);
    const lastQuestion = waveOrder.findLastIndex((entry) => entry.kind === "question");
    const before = waveOrder.slice(0, lastQuestion).filter((entry) => entry.kind === "confirmation").length;
    const firstAfter = waveOrder.slice(lastQuestion + 1).find((entry) => entry.kind === "confirmation");
    const questionParts = verifications.reduce((sum, v) => sum + (v.question?.parts ?? 0), 0);
    const sent = verifications.filter((v) => v.question);
    const lastQuestionSeconds = (lastQuestionAt - startedAt) / 1000;
    return {
      requests: ctx.n,
      partsPerSecond: ctx.partsPerSecond,
      paced: ctx.paced,
      questionParts,
      minimumSeconds: questionParts / ctx.partsPerSecond,
      completed,
      questionsSent: sent.length,
      timeToQuestionMs: summarize(sent.map((v) => (v.question?.at ?? 0) - (v.requestedAt ?? 0))),
      lastQuestionSeconds,
      questionPartsPerSecond: lastQuestionSeconds > 0 ? questionParts / lastQuestionSeconds : null,
      throttles: sandbox.throttled - throttlesBefore,
      confirmationsBeforeLastQuestion: before,
      firstConfirmationAfterMs: firstAfter ? firstAfter.at - lastQuestionAt : null,
      orderHeld: before === 0,
      decisions: verifications.filter((v) => ctx.collector.observedAt(v.transactionId) !== undefined).length,
      deadLettered: 0,
      seconds,
    };
  } catch (error) {
    const output = service.output.text();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (${order.length} SMS seen${output ? `; the paced service's last output:\n${output}` : ""})`, { cause: error });
  } finally {
    sandbox.off("sent", onSent);
    await service.stop(15_000);
    await sandbox.close();
  }
}

/** The wave's verifications, expected by the decision collector (half YES → APPROVED, half NO → DENIED). */
function wave(ctx: FraudWaveContext, byId: Map<string, WaveVerification>, phase: string, count: number, firstPhone: number): WaveVerification[] {
  const verifications: WaveVerification[] = [];
  for (let index = 0; index < count; index += 1) {
    const verification: WaveVerification = {
      transactionId: `bench-${ctx.runId}-${phase}-${index}`,
      phoneNumber: `+1425${String(firstPhone + index).padStart(7, "0")}`,
      expected: index % 2 === 0 ? "APPROVED" : "DENIED",
    };
    byId.set(verification.transactionId, verification);
    ctx.collector.expect(verification.transactionId, verification.expected, phase);
    verifications.push(verification);
  }
  return verifications;
}

/** Every request at once: SendMessageBatch calls of 10, all in flight together. */
async function fire(ctx: FraudWaveContext, verifications: WaveVerification[]): Promise<void> {
  const random = new Random(ctx.seed);
  await inParallel(chunks(verifications, 10), verifications.length, async (batch) => {
    const at = performance.now();
    for (const verification of batch) verification.requestedAt = at;
    const sent = await ctx.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: ctx.requestsQueueUrl,
        Entries: batch.map((verification, index) => ({
          Id: String(index),
          MessageBody: sqsSafeJson({
            type: "verification.requested",
            transactionId: verification.transactionId,
            phoneNumber: verification.phoneNumber,
            ...generateRealisticRequest(random),
            expiresInSeconds: EXPIRES_IN_SECONDS,
            metadata: { bench: "fraud-wave" },
          }),
        })),
      }),
    );
    if (sent.Failed?.length) throw new Error(`SendMessageBatch refused ${sent.Failed.length} fraud-wave requests`);
  });
}

/** Waits for `done`, woken by each SMS; fails after stallMs without `progress` moving. */
async function untilDone(
  done: () => boolean,
  progress: () => number,
  stallMs: number,
  fatal: Promise<never>,
  onProgress: (wake: () => void) => void,
): Promise<void> {
  let last = progress();
  let lastProgressAt = performance.now();
  const loop = async () => {
    while (!done()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        onProgress(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (progress() !== last) {
        last = progress();
        lastProgressAt = performance.now();
      } else if (performance.now() - lastProgressAt > stallMs) {
        throw new Error(`the fraud wave made no progress for ${stallMs / 1000} s`);
      }
    }
  };
  await Promise.race([fatal, loop()]);
}
