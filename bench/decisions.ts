/**
 * Observes decisions the way a subscriber does: drains the queue subscribed to the decisions topic
 * (receivers that follow the load, batches of 10, long poll, deletes in batches), time-stamps each decision when
 * its receive returns, and checks it: every expected transaction gets exactly one decision, the
 * expected one, and no eventId is published twice.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export type ExpectedDecision = "APPROVED" | "DENIED";

interface Expectation {
  decision: ExpectedDecision;
  phase: string;
  observedAt?: number;
  eventId?: string;
  /** The event's decidedAt and the topic's Timestamp of its publish (epoch ms). */
  decidedAt?: number;
  toTopicAt?: number;
}

/** Where a decision was when (epoch ms): recorded by the service, published to the topic, observed here. */
export interface DecisionStages {
  decidedAt: number;
  toTopicAt: number;
  observedAt: number;
}

interface DecisionBody {
  eventId?: unknown;
  transactionId?: unknown;
  decision?: unknown;
  decidedAt?: unknown;
  reply?: { correlatedBy?: unknown } | null;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? "undefined";
}

export class DecisionCheckError extends Error {
  override readonly name = "DecisionCheckError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : "";
    super(`decision check failed (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ${shown.join("\n  ")}${more}`);
    this.problems = problems;
  }
}

export interface CollectorCounts {
  checked: number;
  wrong: number;
  duplicate: number;
  unexpected: number;
  missing: number;
  /** Our own queue handing a message out again (not a second publish): ignored. */
  redelivered: number;
  correlatedBy: Record<string, number>;
}

export class DecisionCollector {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  /** Most receivers at once; one while the queue is quiet (see #receive). */
  readonly #maxReceivers: number;
  readonly #expected = new Map<string, Expectation>();
  readonly #eventIds = new Set<string>();
  readonly #snsMessageIds = new Set<string>();
  readonly #problems: string[] = [];
  readonly #abort = new AbortController();
  readonly #pendingDeletes = new Set<Promise<unknown>>();
  readonly #loops = new Set<Promise<void>>();
  /** Receive loops not yet returned (counted as each returns: its promise settles a microtask later). */
  #running = 0;
  #waiters = new Set<() => void>();
  #failure: Error | undefined;
  readonly counts: CollectorCounts = {
    checked: 0,
    wrong: 0,
    duplicate: 0,
    unexpected: 0,
    missing: 0,
    redelivered: 0,
    correlatedBy: {},
  };
  /** Decisions seen (any, including wrong ones): drives the stall detection of waits. */
  observed = 0;

  constructor(sqs: SQSClient, queueUrl: string, receivers = 4) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#maxReceivers = receivers;
  }

  expect(transactionId: string, decision: ExpectedDecision, phase: string): void {
    this.#expected.set(transactionId, { decision, phase });
  }

  /** When the decision of the transaction was observed (performance.now() ms), if it was. */
  observedAt(transactionId: string): number | undefined {
    return this.#expected.get(transactionId)?.observedAt;
  }

  stagesOf(transactionId: string): DecisionStages | undefined {
    const expectation = this.#expected.get(transactionId);
    if (expectation?.observedAt === undefined || expectation.decidedAt === undefined || expectation.toTopicAt === undefined) return undefined;
    return { decidedAt: expectation.decidedAt, toTopicAt: expectation.toTopicAt, observedAt: performance.timeOrigin + expectation.observedAt };
  }

  get problems(): readonly string[] {
    return this.#problems;
  }

  start(): void {
    this.#addReceiver();
  }

  /** Receivers polling now. */
  get receivers(): number {
    return this.#running;
  }

  #addReceiver(): void {
    this.#running += 1;
    const loop: Promise<void> = this.#receive().finally(() => this.#loops.delete(loop));
    this.#loops.add(loop);
  }

  /** Resolves when every one of the transactions has a decision; rejects after `stallMs` without any progress. */
  async waitFor(transactionIds: readonly string[], stallMs: number, fatal: Promise<never>): Promise<void> {
    const outstanding = () => transactionIds.filter((id) => this.#expected.get(id)?.observedAt === undefined);
    let lastObserved = this.observed;
    let lastProgressAt = performance.now();
    await Promise.race([
      fatal,
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (this.#failure) {
            finish();
            reject(this.#failure);
            return;
          }
          if (this.observed !== lastObserved) {
            lastObserved = this.observed;
            lastProgressAt = performance.now();
          }
          const left = outstanding();
          if (left.length === 0) {
            finish();
            resolve();
          } else if (performance.now() - lastProgressAt > stallMs) {
            finish();
            this.counts.missing += left.length;
            const sample = left.slice(0, 5).join(", ");
            reject(
              new DecisionCheckError([
                ...this.#problems,
                `${left.length} of ${transactionIds.length} decisions missing after ${stallMs / 1000} s without progress (e.g. ${sample})`,
              ]),
            );
          }
        };
        const timer = setInterval(check, 250);
        const finish = () => {
          clearInterval(timer);
          this.#waiters.delete(check);
        };
        this.#waiters.add(check);
        check();
      }),
    ]);
  }

  /** Throws a DecisionCheckError when any decision so far was wrong, unexpected or a duplicate. */
  assertClean(): void {
    if (this.#problems.length > 0) throw new DecisionCheckError(this.#problems);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
    await Promise.all(this.#pendingDeletes);
  }

  /**
   * One receive loop. Every idle long poll costs a ReceiveMessage whenever a message arrives (the
   * emulator answers each waiting poll), and the bench shares the machine's cores with the service
   * it measures: so a quiet queue has one receiver, a batch of more than one message starts another
   * (up to the most), and an extra receiver stops when its poll comes back empty.
   */
  async #receive(): Promise<void> {
    try {
      await this.#receiveUntilDone();
    } finally {
      this.#running -= 1;
    }
  }

  async #receiveUntilDone(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let messages;
      try {
        const response = await this.#sqs.send(
          new ReceiveMessageCommand({ QueueUrl: this.#queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 60 }),
          { abortSignal: signal },
        );
        messages = response.Messages ?? [];
      } catch (error) {
        if (signal.aborted) return;
        this.#fail(error);
        return;
      }
      const at = performance.now();
      if (messages.length > 1 && this.#running < this.#maxReceivers) this.#addReceiver();
      if (messages.length === 0 && this.#running > 1) return;
      for (const message of messages) this.#record(message.Body ?? "", at);
      if (messages.length > 0) {
        const deletion = this.#sqs
          .send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.#queueUrl,
              Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? "" })),
            }),
          )
          .catch((error: unknown) => this.#fail(error))
          .finally(() => this.#pendingDeletes.delete(deletion));
        this.#pendingDeletes.add(deletion);
      }
      for (const waiter of this.#waiters) waiter();
    }
  }

  #fail(error: unknown): void {
    this.#failure ??= new Error(`draining the decisions queue failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const waiter of this.#waiters) waiter();
  }

  #record(body: string, at: number): void {
    let snsMessageId: string | undefined;
    let toTopicAt: number | undefined;
    let event: DecisionBody;
    try {
      const envelope = JSON.parse(body) as { MessageId?: string; Message?: string; Timestamp?: string };
      snsMessageId = envelope.MessageId;
      toTopicAt = envelope.Timestamp === undefined ? undefined : Date.parse(envelope.Timestamp);
      event = JSON.parse(envelope.Message ?? body) as DecisionBody;
    } catch {
      this.#problems.push(`a message on the decisions topic is not JSON: ${body.slice(0, 80)}`);
      return;
    }
    if (snsMessageId !== undefined) {
      if (this.#snsMessageIds.has(snsMessageId)) {
        this.counts.redelivered += 1;
        return;
      }
      this.#snsMessageIds.add(snsMessageId);
    }
    this.observed += 1;
    this.counts.checked += 1;
    const transactionId = text(event.transactionId);
    const eventId = text(event.eventId);
    const decision = text(event.decision);
    const correlatedBy = text(event.reply?.correlatedBy ?? "none");
    this.counts.correlatedBy[correlatedBy] = (this.counts.correlatedBy[correlatedBy] ?? 0) + 1;
    if (this.#eventIds.has(eventId)) {
      this.counts.duplicate += 1;
      this.#problems.push(`duplicate decision: eventId ${eventId} (transaction ${transactionId}) was published twice`);
      return;
    }
    this.#eventIds.add(eventId);
    const expectation = this.#expected.get(transactionId);
    if (!expectation) {
      this.counts.unexpected += 1;
      this.#problems.push(`unexpected decision ${decision} for transaction ${transactionId}, which the bench never asked about`);
      return;
    }
    if (expectation.eventId !== undefined) {
      this.counts.duplicate += 1;
      this.#problems.push(
        `second decision for transaction ${transactionId}: ${decision} (eventId ${eventId}) after eventId ${expectation.eventId}`,
      );
      return;
    }
    expectation.eventId = eventId;
    expectation.observedAt = at;
    expectation.decidedAt = typeof event.decidedAt === "string" ? Date.parse(event.decidedAt) : undefined;
    expectation.toTopicAt = toTopicAt;
    if (decision !== expectation.decision) {
      this.counts.wrong += 1;
      this.#problems.push(
        `wrong decision for transaction ${transactionId} (${expectation.phase}): expected ${expectation.decision}, got ${decision}`,
      );
    }
  }
}
