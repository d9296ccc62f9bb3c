/**
 * What the bench does to the service from outside, exactly as the card system and Pinpoint would:
 * verification requests on the requests queue, two-way SMS replies published to the inbound topic.
 */
import { randomUUID } from "node:crypto";
import { PublishBatchCommand, type SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SentSms, SmsSandbox } from "../dev/sms-sandbox/sms-sandbox.ts";
import type { DecisionCollector, ExpectedDecision } from "./decisions.ts";
import { Random } from "./random.ts";
import { generateRealisticRequest } from "./realistic-requests.ts";

export const ORIGINATION_NUMBER = "+18885550100";
/** The longest reply window the contract allows: nothing the bench opens expires during a run. */
const EXPIRES_IN_SECONDS = 86_400;
const BATCH = 10;

export interface OpenVerification {
  transactionId: string;
  phoneNumber: string;
  expected: ExpectedDecision;
  /** MessageId of the question SMS (Pinpoint's previousPublishedMessageId for the reply). */
  questionMessageId: string;
}

export interface WorkloadContext {
  sqs: SQSClient;
  sns: SNSClient;
  sandbox: SmsSandbox;
  collector: DecisionCollector;
  requestsQueueUrl: string;
  inboundTopicArn: string;
  runId: string;
  seed: number;
  /** Rejects when a child process dies: every wait races it. */
  fatal: Promise<never>;
  /** Seconds without progress before a wait gives up. */
  stallSeconds: number;
}

interface PendingQuestion {
  verification: Omit<OpenVerification, "questionMessageId">;
  messageId?: string;
}

/**
 * JSON with characters outside the Basic Multilingual Plane (emoji) written as \u escapes: the same
 * value once parsed, but fauxqs refuses raw supplementary characters in a message body (SQS itself
 * accepts #x10000–#x10FFFF).
 */
export function sqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u{10000}-\u{10FFFF}]/gu, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}

/** One PublishBatch (≤ 10 messages); throws when any entry is refused. */
export async function publishBatch(sns: SNSClient, topicArn: string, messages: readonly string[]): Promise<void> {
  const published = await sns.send(
    new PublishBatchCommand({
      TopicArn: topicArn,
      PublishBatchRequestEntries: messages.map((message, index) => ({ Id: String(index), Message: message })),
    }),
  );
  if (published.Failed?.length) throw new Error(`PublishBatch refused ${published.Failed.length} messages`);
}

/** Messages a queue holds: visible, in flight and delayed. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Runs `work` over the items with at most `concurrency` of them in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export class Workload {
  readonly #ctx: WorkloadContext;
  readonly #random: Random;
  readonly #pending = new Map<string, PendingQuestion>();
  #phones = 0;
  #questions = 0;
  /** Wakes a wait early when a question was sent (waits are event-driven, with a 50 ms poll as a fallback). */
  #wake: (() => void) | undefined;

  constructor(ctx: WorkloadContext) {
    this.#ctx = ctx;
    this.#random = new Random(ctx.seed);
    ctx.sandbox.on("sent", this.#onSent);
  }

  close(): void {
    this.#ctx.sandbox.off("sent", this.#onSent);
  }

  readonly #onSent = (sms: SentSms): void => {
    const transactionId = sms.context?.transactionId;
    if (transactionId === undefined) return;
    const pending = this.#pending.get(transactionId);
    // The first SMS about a verification is its question; later ones (confirmations) are not.
    if (pending && pending.messageId === undefined) {
      pending.messageId = sms.messageId;
      this.#questions += 1;
      this.#wake?.();
    }
  };

  /**
   * Opens `count` verifications through the service: requests on the requests queue, then waits
   * until the service has texted every question and emptied the requests queue. Half of them
   * (alternately) expect a YES reply → APPROVED, the others NO → DENIED; `expectation` may override
   * what the decision collector is told to expect (the self-test of the check).
   */
  async open(
    phase: string,
    count: number,
    expectation: (verification: { index: number; expected: ExpectedDecision }) => ExpectedDecision = (v) => v.expected,
  ): Promise<OpenVerification[]> {
    const ctx = this.#ctx;
    const pending: PendingQuestion[] = [];
    const bodies: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const transactionId = `bench-${ctx.runId}-${phase}-${index}`;
      const phoneNumber = `+1425${String(2_000_000 + this.#phones).padStart(7, "0")}`;
      this.#phones += 1;
      const expected: ExpectedDecision = index % 2 === 0 ? "APPROVED" : "DENIED";
      const question: PendingQuestion = { verification: { transactionId, phoneNumber, expected } };
      pending.push(question);
      this.#pending.set(transactionId, question);
      ctx.collector.expect(transactionId, expectation({ index, expected }), phase);
      bodies.push(
        sqsSafeJson({
          type: "verification.requested",
          transactionId,
          phoneNumber,
          ...generateRealisticRequest(this.#random),
          expiresInSeconds: EXPIRES_IN_SECONDS,
          metadata: { cardId: `card_${index}`, bench: phase },
        }),
      );
    }
    const questionsBefore = this.#questions;
    await Promise.race([
      ctx.fatal,
      inParallel(chunks(bodies, BATCH), 4, async (batch) => {
        const sent = await ctx.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: ctx.requestsQueueUrl,
            Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body })),
          }),
        );
        if (sent.Failed?.length) {
          const [first] = sent.Failed;
          throw new Error(`SendMessageBatch refused ${sent.Failed.length} requests: ${first?.Code ?? ""} ${first?.Message ?? ""}`);
        }
      }),
    ]);
    await this.#waitUntil(
      () => this.#questions - questionsBefore >= count,
      () => this.#questions,
      () => `only ${this.#questions - questionsBefore} of ${count} question SMS were sent (${phase})`,
    );
    await this.waitForEmptyQueue(ctx.requestsQueueUrl);
    return pending.map((question) => {
      this.#pending.delete(question.verification.transactionId);
      return { ...question.verification, questionMessageId: question.messageId ?? "" };
    });
  }

  /** Until the queue has nothing visible, in flight or delayed: every message was handled and deleted. */
  async waitForEmptyQueue(queueUrl: string): Promise<void> {
    let left = Number.POSITIVE_INFINITY;
    await this.#waitUntil(
      () => left === 0,
      () => -left,
      () => `the queue still holds ${left} messages`,
      async () => {
        left = await queueDepth(this.#ctx.sqs, queueUrl);
      },
    );
  }

  /** Pinpoint's two-way SMS payload answering the verification's question. */
  static reply(verification: OpenVerification): string {
    return JSON.stringify({
      originationNumber: verification.phoneNumber,
      destinationNumber: ORIGINATION_NUMBER,
      messageKeyword: "KEYWORD_888555010",
      messageBody: verification.expected === "APPROVED" ? "YES" : "NO",
      inboundMessageId: randomUUID(),
      previousPublishedMessageId: verification.questionMessageId,
    });
  }

  /**
   * Every reply at once: PublishBatch calls of 10, `concurrency` in flight. Returns when each
   * reply's PublishBatch was issued (performance.now() ms) and when the last one was accepted.
   */
  async publishBurst(
    verifications: readonly OpenVerification[],
    concurrency = 8,
  ): Promise<{ publishedAt: Map<string, number>; firstAt: number; doneAt: number }> {
    const publishedAt = new Map<string, number>();
    const firstAt = performance.now();
    await Promise.race([
      this.#ctx.fatal,
      inParallel(chunks(verifications, BATCH), concurrency, async (batch) => {
        const bodies = batch.map((verification) => Workload.reply(verification));
        const at = performance.now();
        for (const verification of batch) publishedAt.set(verification.transactionId, at);
        await publishBatch(this.#ctx.sns, this.#ctx.inboundTopicArn, bodies);
      }),
    ]);
    return { publishedAt, firstAt, doneAt: performance.now() };
  }

  /**
   * Replies at a fixed rate: a 10 ms timer publishes whatever is due by then (one PublishBatch of
   * up to 10), so the schedule does not drift however late a tick fires.
   */
  async publishPaced(
    verifications: readonly OpenVerification[],
    perSecond: number,
  ): Promise<{ publishedAt: Map<string, number>; firstAt: number; doneAt: number }> {
    const publishedAt = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    const firstAt = performance.now();
    let next = 0;
    await Promise.race([
      this.#ctx.fatal,
      new Promise<void>((resolve, reject) => {
        const tick = () => {
          const due = Math.min(verifications.length, Math.floor(((performance.now() - firstAt) / 1000) * perSecond) + 1);
          while (next < due) {
            const batch = verifications.slice(next, Math.min(due, next + BATCH));
            next += batch.length;
            const bodies = batch.map((verification) => Workload.reply(verification));
            const at = performance.now();
            for (const verification of batch) publishedAt.set(verification.transactionId, at);
            const call: Promise<void> = publishBatch(this.#ctx.sns, this.#ctx.inboundTopicArn, bodies).then(
              () => void inFlight.delete(call),
              (error: unknown) => {
                clearInterval(timer);
                reject(error instanceof Error ? error : new Error(String(error)));
              },
            );
            inFlight.add(call);
          }
          if (next >= verifications.length) {
            clearInterval(timer);
            Promise.all(inFlight).then(() => resolve(), reject);
          }
        };
        const timer = setInterval(tick, 10);
        tick();
      }),
    ]);
    return { publishedAt, firstAt, doneAt: performance.now() };
  }

  /** Polls `done` (after `refresh`) every 50 ms; gives up after stallSeconds without `progress` moving. */
  async #waitUntil(
    done: () => boolean,
    progress: () => number,
    describe: () => string,
    refresh?: () => Promise<void>,
  ): Promise<void> {
    const stallMs = this.#ctx.stallSeconds * 1000;
    let last = progress();
    let lastProgressAt = performance.now();
    const loop = async () => {
      for (;;) {
        await refresh?.();
        if (done()) return;
        const now = performance.now();
        if (progress() !== last) {
          last = progress();
          lastProgressAt = now;
        } else if (now - lastProgressAt > stallMs) {
          throw new Error(`${describe()} after ${this.#ctx.stallSeconds} s without progress`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          this.#wake = () => {
            clearTimeout(timer);
            this.#wake = undefined;
            resolve();
          };
        });
      }
    };
    await Promise.race([this.#ctx.fatal, loop()]);
  }
}
