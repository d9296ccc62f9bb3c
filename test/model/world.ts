/**
 * One run of the model-based test: the real use cases (src/app) over the real Redis scripts
 * (RedisVerificationStore, its own namespace), with fake SMS provider, topic and clock, next to the
 * reference model. Every delivered message is applied to both, then compared:
 * - the SMS texts (kind, number, verification, refused or not; the code shown; the list's codes);
 * - the decision events (every field; one eventId per transactionId, on every re-publish);
 * - the state Redis holds for every transactionId (state, decision, reply, codes, counters, the
 *   question's delivery status): a decided verification never changes, and nothing stays SENDING;
 * - every SMS delivery event is counted, whatever it concerns;
 * - nothing is sent to a number the service knows opted out.
 * Faults (the topic failing) may make a message fail: it is then redelivered like SQS would, and a
 * final drain (clock past every deadline, expiry sweeps) must publish every decision and send every
 * confirmation still owed.
 */
import { Writable } from "node:stream";
import type { Redis } from "ioredis";
import { expect } from "vitest";
import { RedisVerificationStore } from "../../src/adapters/redis/redis-verification-store.ts";
import { cancelVerification } from "../../src/app/cancel-verification.ts";
import type { AppContext } from "../../src/app/context.ts";
import { EXPIRY_LEASE_MS, sweepUntilDrained } from "../../src/app/expire-due.ts";
import { PUBLISH_RETRY_MS } from "../../src/app/settle-decision.ts";
import { handleReply } from "../../src/app/handle-reply.ts";
import { parseMessage } from "../../src/app/parse-message.ts";
import { recordDeliveryEvent, type DeliveryObserver } from "../../src/app/record-delivery-event.ts";
import { requestVerification } from "../../src/app/request-verification.ts";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";
import type { InboundSms, VerificationRequest } from "../../src/domain/messages.ts";
import { inboundSmsSchema, verificationRequestSchema } from "../../src/domain/messages.ts";
import type { ReplyIntent } from "../../src/domain/reply.ts";
import { smsDeliveryEventSchema, type SmsDeliveryEvent } from "../../src/domain/sms-delivery-event.ts";
import type { SmsKind } from "../../src/ports.ts";
import { CONFIRMATION_LEASE_MS, PUBLISH_LEASE_MS } from "../../src/domain/verification.ts";
import { TransientError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { runDownTtls } from "../support/run-down-ttls.ts";
import { runDownTransactionIndex, transactionClaim } from "../support/transaction-index.ts";
import { FakeBackground, FakeClock, FakePublisher, FakeSms, type PublishFault, type SmsAttempt } from "./fakes.ts";
import {
  confirms,
  merge,
  ReferenceModel,
  RETENTION_MS,
  type DeliveryEventInput,
  type ModelOptions,
  type ModelVerification,
  type Step,
} from "./reference-model.ts";

export const PHONES = ["+14255550101", "+14255550102", "+447700900123"] as const;
export const ORIGINATION = "+18005550100";
export const OTHER_NUMBER = "+18005550199";
export const START_TIME = Date.UTC(2026, 10, 26, 22, 0, 0);
/**
 * The model's sweeps claim one due entry per bucket and pass, so a sweep with two due in a bucket
 * needs a second pass at once (contract v2 item 6: a full pass is followed by another).
 */
const SWEEP_BATCH_PER_BUCKET = 1;
/** How long a step's work may wait on a hung SMS send before the test calls it held back. */
const HELD_BACK_BOUND_MS = 2_000;

export type Delivery =
  /** afterMs: delivered that long after the message it interleaves with began (the clock moves first). */
  | { kind: "request"; request: VerificationRequest; afterMs?: number }
  | { kind: "cancel"; txn: string }
  | { kind: "reply"; sms: InboundSms; receivedAt: number; intent: ReplyIntent; code: string | null }
  | { kind: "sms_event"; event: SmsDeliveryEvent };

export class ModelMismatch extends Error {
  override readonly name = "ModelMismatch";
}

/** Deterministic [0, 1) numbers for the store's reference codes, so a seed replays a run exactly. */
function lcg(seed: number): () => number {
  let state = (seed >>> 0) || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const maskedPhone = (phone: string): string => `${phone.slice(0, 2)}${"*".repeat(phone.length - 6)}${phone.slice(-4)}`;

export class World {
  readonly model: ReferenceModel;
  readonly clock = new FakeClock(START_TIME);
  readonly sms: FakeSms;
  readonly publisher = new FakePublisher();
  readonly background = new FakeBackground();
  readonly store: RedisVerificationStore;
  readonly ctx: AppContext;
  /** Every message delivered so far, for redelivery. */
  readonly deliveries: Delivery[] = [];
  /** Inbound ids each phone used, for replies that reuse one. */
  readonly inboundIds = new Map<string, string[]>();
  /** What happened, step by step, for the failure report. */
  readonly trace: string[] = [];
  readonly #logLines: string[] = [];
  #nextInbound = 1;
  #nextUnknown = 1;
  /** Events the next question accepted gets before the service records it (deliveryEventInFlight). */
  readonly #eventsInFlight: Array<{ eventType: string; lagMs: number }> = [];
  /** The step being run, which interleaved deliveries add their expectations to. */
  #current: Step | null = null;
  #interleaved = false;
  readonly #nestedErrors: unknown[] = [];
  #nextId = 1;
  readonly #eventIds = new Map<string, string>();
  readonly #storedEventIds = new Map<string, string>();
  readonly #deliveredCount = new Map<string, number>();
  readonly #firstEvents = new Map<string, DecisionEvent>();
  readonly #confirmations = new Map<string, number>();
  /** Decided but not yet published, or owing the confirmation, as Redis says after the last step. */
  #owed = new Set<string>();
  /** Owed confirmations of verifications whose phone opted out meanwhile: they must never be sent. */
  readonly #confirmationForfeited = new Set<string>();
  /** SMS delivery events handed to the service, and those its observer counted. */
  #eventsHandled = 0;
  #eventsCounted = 0;
  readonly #deliveryObserver: DeliveryObserver = {
    eventSeen: () => void (this.#eventsCounted += 1),
    deliveredAfter: () => undefined,
  };

  readonly #client: Redis;
  readonly #namespace: string;

  constructor(client: Redis, namespace: string, seed: number, options: ModelOptions) {
    this.model = new ReferenceModel(options);
    this.sms = new FakeSms(this.clock);
    this.#client = client;
    this.#namespace = namespace;
    this.store = new RedisVerificationStore(client, { namespace, random: lcg(seed), retentionSeconds: RETENTION_MS / 1000 });
    const lines = this.#logLines;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    this.ctx = {
      store: this.store,
      sms: this.sms,
      publisher: this.publisher,
      clock: this.clock,
      log: createLogger("error", sink),
      settings: { brandName: "Your bank", verificationTtlSeconds: 600, originationNumber: ORIGINATION, replyTextSendWithinMs: 45_000 },
      background: this.background,
      newId: () => `id-${this.#nextId++}`,
    };
  }

  /** A MessageId no text of the fake provider has. */
  nextUnknownMessageId(): string {
    return `sms-unrecorded-${this.#nextUnknown++}`;
  }

  nextInboundId(phone: string): string {
    const id = `in-${this.#nextInbound++}`;
    this.inboundIds.set(phone, [...(this.inboundIds.get(phone) ?? []), id]);
    return id;
  }

  async deliver(delivery: Delivery, during: Delivery | null = null): Promise<void> {
    this.deliveries.push(delivery);
    const label = describe(delivery) + (during ? ` [while its SMS is on its way: ${describe(during)}]` : "");
    const nestedErrors: unknown[] = [];
    await this.#step(
      label,
      () => this.#apply(delivery, during, true),
      async () => {
        if (during && delivery.kind === "request") {
          this.sms.interleave(delivery.request.transactionId, async () => {
            if (during.kind === "request") {
              // A duplicate of a request still texting may be told to come back later (TransientError).
              this.#interleaved = true;
              this.deliveries.push({ kind: "request", request: during.request });
              if (during.afterMs) await this.passTime(during.afterMs, `  (meanwhile) clock +${during.afterMs / 1000}s`);
            } else {
              this.deliveries.push(during);
            }
            await this.#exec(during, true).catch((error: unknown) => nestedErrors.push(error));
          });
        }
        try {
          await this.#exec(delivery, true);
        } finally {
          this.sms.clearInterleave();
        }
      },
      nestedErrors,
    );
  }

  async redeliver(pick: number): Promise<void> {
    const delivery = this.deliveries[pick % Math.max(1, this.deliveries.length)];
    if (!delivery) return;
    await this.#step(`again: ${describe(delivery)}`, () => this.#apply(delivery, null, false), () => this.#exec(delivery, false));
  }

  async sweep(label = "expiry sweep"): Promise<void> {
    await this.#step(
      `${label} at +${(this.clock.now() - START_TIME) / 1000}s`,
      () => this.model.sweep(this.clock.now()),
      () => sweepUntilDrained(this.ctx, { batchPerBucket: SWEEP_BATCH_PER_BUCKET }),
    );
  }

  /** The next SMS of this kind fails for now (throttled beyond the SDK's retries). */
  failNextSms(kind: SmsKind): void {
    this.trace.push(`the next ${kind} SMS fails for now`);
    this.model.failNextSms.add(kind);
    this.sms.failNext.add(kind);
  }

  /**
   * While the next decision event is being published (a slow topic), an earlier message is delivered
   * again (pick) or the expiry sweep runs (null): the owner's leases must keep that work single.
   */
  interleavePublish(pick: number | null): void {
    const delivery = pick === null ? null : this.deliveries[pick % Math.max(1, this.deliveries.length)];
    if (pick !== null && !delivery) return;
    this.trace.push(`while the next event is published: ${delivery ? `again: ${describe(delivery)}` : "expiry sweep"}`);
    this.publisher.during = async () => {
      const step = this.#current;
      this.#interleaved = true;
      if (!step) throw new Error("harness: a publish outside a step");
      this.trace.push(`  (meanwhile) ${delivery ? `again: ${describe(delivery)}` : "expiry sweep"}`);
      merge(step, delivery ? this.#apply(delivery, null, false) : this.model.sweep(this.clock.now()));
      await (delivery ? this.#exec(delivery, false) : sweepUntilDrained(this.ctx, { batchPerBucket: SWEEP_BATCH_PER_BUCKET })).catch((error: unknown) => this.#nestedErrors.push(error));
    };
  }

  /**
   * The next question the provider accepts is reported (eventType, `lagMs` ago) before the service
   * records its MessageId: the event can only find it by its context.transactionId. Called again
   * before that question, it adds an event after the first (both ahead of the record).
   */
  deliveryEventInFlight(eventType: string, lagMs: number): void {
    this.trace.push(`the next question accepted is reported ${eventType} before its send is recorded`);
    this.#eventsInFlight.push({ eventType, lagMs });
    if (this.#eventsInFlight.length > 1) return;
    this.sms.afterNextQuestion(async (accepted: SmsAttempt) => {
      const events = this.#eventsInFlight.splice(0);
      for (const { eventType: type, lagMs: lag } of events) {
        const event = smsEvent({
          eventType: type,
          at: this.clock.now() - lag,
          messageId: accepted.messageId ?? "",
          phone: accepted.destinationPhoneNumber,
          transactionId: accepted.transactionId,
          requestedAt: accepted.at,
        });
        const delivery: Delivery = { kind: "sms_event", event };
        this.deliveries.push(delivery);
        this.trace.push(`  (meanwhile) ${describe(delivery)}`);
        const step = this.#current;
        if (!step) throw new Error("harness: a question accepted outside a step");
        merge(step, this.model.deliveryEvent(deliveryEventInput(event), this.clock.now(), true));
        await this.#exec(delivery, true).catch((error: unknown) => this.#nestedErrors.push(error));
      }
    });
  }

  failNextPublish(fault: PublishFault): void {
    this.trace.push(`the next publish fails (${fault})`);
    this.publisher.failNext = fault;
  }

  providerRefuses(phone: string): void {
    this.trace.push(`the SMS provider refuses ${phone}`);
    this.model.providerRefuses.add(phone);
    this.sms.refusing.add(phone);
  }

  advance(ms: number): Promise<void> {
    return this.passTime(ms);
  }

  /**
   * The clock moves, and with it time for the records retention governs: Redis expires keys on its
   * own real clock, so their TTLs are fast-forwarded by `ms`, and so are the ends of the transaction
   * index's entries (the phone's index keeps living: a text's entry counts for two days of Redis's own clock).
   * Whatever the model forgets must be gone from Redis too, the verification and its idempotency record
   * together.
   */
  async passTime(ms: number, label = `clock +${ms / 1000}s`): Promise<void> {
    this.clock.advance(ms);
    if (ms >= 1_000) this.trace.push(label);
    const governed = /:(txns|v|cx|in):[^:]+$/;
    const keys = (await this.#client.keys(`${this.#namespace}:*`)).filter((key) => governed.test(key));
    await runDownTtls(this.#client, keys, ms);
    await runDownTransactionIndex(this.#client, this.#namespace, ms);
    const forgotten = this.model.expireRetention(this.clock.now());
    if (forgotten.length === 0) return;
    const left = await this.#client.keys(`${this.#namespace}:*`);
    for (const txn of forgotten) {
      const claim = await transactionClaim(this.#client, this.#namespace, txn);
      const kept = [...left.filter((key) => key.endsWith(`:v:${txn}`)), ...(claim ? [`its claim ${claim.claim}`] : [])];
      this.#expectEqual(kept, [], `${label}: Redis forgot ${txn} (its verification and its idempotency record together)`);
      this.#eventIds.delete(txn);
      this.#storedEventIds.delete(txn);
      this.#confirmations.delete(txn);
      this.#confirmationForfeited.delete(txn);
      this.#firstEvents.delete(txn);
      this.#deliveredCount.delete(txn);
      this.#owed.delete(txn);
    }
  }

  async retention(ms: number): Promise<void> {
    const label = `retention: clock +${ms / 1000}s`;
    await this.passTime(ms, label);
    await this.#checkStore(label);
  }

  /**
   * SNS accepts publishes again: within a publish lease and one retry, every decision recorded so far
   * is published (contract v2: never waiting for a reply window or for its message to come back).
   */
  async outbox(): Promise<void> {
    this.publisher.failNext = null;
    this.publisher.during = null;
    const recorded = [...this.model.verifications.values()].filter((v) => v.decision !== null).map((v) => v.txn);
    this.trace.push("SNS accepts publishes again");
    for (const ms of [PUBLISH_LEASE_MS + 1, PUBLISH_RETRY_MS + 1]) {
      await this.passTime(ms);
      await this.sweep("outbox: sweep");
    }
    for (const txn of recorded) {
      this.#expect(this.#eventIds.has(txn), `${txn}'s decision is published within a publish lease of SNS accepting again`);
    }
  }

  /** Past every deadline and every lease: every decision published, every confirmation sent. */
  async drain(): Promise<void> {
    this.publisher.failNext = null;
    this.publisher.during = null;
    this.sms.failNext.clear();
    this.model.failNextSms.clear();
    this.sms.afterNextQuestion(null);
    this.#eventsInFlight.length = 0;
    const deadlines = [...this.model.verifications.values()].map((v) => v.deadline);
    const leases = PUBLISH_LEASE_MS + CONFIRMATION_LEASE_MS + EXPIRY_LEASE_MS;
    await this.passTime(Math.max(this.clock.now(), ...deadlines) + leases + 1_000 - this.clock.now());
    await this.sweep("drain: sweep past every deadline");
    await this.passTime(EXPIRY_LEASE_MS + 1);
    await this.sweep("drain: sweep again");
    for (const v of this.model.verifications.values()) {
      const where = `after the drain, ${v.txn}`;
      this.#expect(v.decision !== null, `${where} is decided`);
      this.#expect(!this.#owed.has(v.txn), `${where} is published and owes no confirmation`);
      this.#expect(this.#eventIds.has(v.txn), `${where} had its decision event published`);
      if (v.decision && confirms(v.decision.decision)) {
        const sent = this.#confirmations.get(v.txn) ?? 0;
        const forfeited = this.#confirmationForfeited.has(v.txn);
        const expected = forfeited ? 0 : 1;
        const tolerated =
          (forfeited && !this.model.options.confirmationHonoursOptOut && sent === 1) ||
          (!forfeited && !this.model.options.oneConfirmation && sent > 1);
        this.#expect(sent === expected || tolerated, `${where} got ${sent} confirmation SMS, expected ${expected}`);
      }
    }
  }

  // ---- one step: model, real, compare ----------------------------------------------------------

  /** `first`: the message's first delivery (an SQS redelivery is not). */
  #apply(delivery: Delivery, during: Delivery | null, first: boolean): Step {
    const now = this.clock.now();
    switch (delivery.kind) {
      case "request": {
        const r = delivery.request;
        return this.model.request(
          { txn: r.transactionId, phone: r.phoneNumber, ttlSeconds: r.expiresInSeconds ?? 600, metadata: r.metadata },
          now + (delivery.afterMs ?? 0),
          during ? () => this.#apply(during, null, first) : null,
        );
      }
      case "cancel":
        return this.model.cancel(delivery.txn, now);
      case "reply":
        return this.model.reply(
          {
            phone: delivery.sms.originationNumber,
            intent: delivery.intent,
            code: delivery.code,
            previousPublishedMessageId: delivery.sms.previousPublishedMessageId || null,
            inboundMessageId: delivery.sms.inboundMessageId,
            receivedAt: delivery.receivedAt,
            toService: delivery.sms.destinationNumber === ORIGINATION,
            first,
          },
          now,
        );
      case "sms_event":
        return this.model.deliveryEvent(deliveryEventInput(delivery.event), now);
    }
  }

  async #exec(delivery: Delivery, first: boolean): Promise<unknown> {
    switch (delivery.kind) {
      case "request":
        return requestVerification(this.ctx, verificationRequestSchema.parse(delivery.request));
      case "cancel":
        return cancelVerification(this.ctx, { type: "verification.cancelled", transactionId: delivery.txn });
      case "reply": {
        const sms = inboundSmsSchema.parse(delivery.sms);
        // The provider acts on opt-out keywords itself, once, before the service sees the message.
        if (first && sms.destinationNumber === ORIGINATION) {
          if (delivery.intent === "STOP") this.sms.refusing.add(sms.originationNumber);
          if (delivery.intent === "START") this.sms.refusing.delete(sms.originationNumber);
        }
        return handleReply(this.ctx, sms, delivery.receivedAt);
      }
      case "sms_event":
        this.#eventsHandled += 1;
        return recordDeliveryEvent(this.ctx, parseMessage(smsDeliveryEventSchema, delivery.event), this.#deliveryObserver);
    }
  }

  async #step(label: string, apply: () => Step, exec: () => Promise<unknown>, nestedErrors: unknown[] = []): Promise<void> {
    this.trace.push(label);
    const owedBefore = new Set(this.#owed);
    const optedOutBefore = new Set(this.model.optedOut);
    const smsFrom = this.sms.attempts.length;
    const eventsFrom = this.publisher.delivered.length;
    const faultsFrom = this.publisher.faults + this.sms.faults;
    const logsFrom = this.#logLines.length;
    const backgroundErrorsFrom = this.background.errors.length;

    const expected = apply();
    this.#current = expected;
    this.#nestedErrors.length = 0;
    const errors: unknown[] = [];
    try {
      await this.#whileSendsHang(label, exec());
    } catch (error) {
      errors.push(error);
    }
    this.#current = null;
    errors.push(...this.#nestedErrors);
    // Work the handlers left to the background (the confirmation SMS) finishes within the step.
    await this.background.drain();
    errors.push(...nestedErrors, ...this.background.errors.slice(backgroundErrorsFrom));
    const faulted = this.publisher.faults + this.sms.faults > faultsFrom;
    const sendingBefore = [...this.model.verifications.values()].some((v) => v.sending && v.decision === null);
    for (const error of errors) {
      // A failed publish or SMS fails the message (SQS redelivers it); a duplicate that finds the
      // decision still being settled by its owner, or the question still being sent, is retried
      // later. Nothing else may fail.
      const retryLater = error instanceof TransientError && (owedBefore.size > 0 || sendingBefore || this.#interleaved);
      this.#expect(faulted || retryLater, `${label}: unexpected error ${String(error)}`);
    }
    this.#interleaved = false;
    const logged = this.#logLines.slice(logsFrom);
    this.#expect(faulted || logged.length === 0, `${label}: unexpected error logged: ${logged.join("")}`);
    this.#expect(
      this.#eventsCounted === this.#eventsHandled,
      `${label}: ${this.#eventsHandled} SMS delivery events handled, ${this.#eventsCounted} counted`,
    );

    await this.#learnCodes(expected);
    this.#checkSms(label, expected, smsFrom, faulted, owedBefore, optedOutBefore);
    this.#checkEvents(label, expected, eventsFrom, faulted, owedBefore);
    await this.#checkStore(label);
  }

  /**
   * Awaits a step's own work. A send hung at the provider (hangNextSms) is released only once that
   * work has returned: a handler or sweep that waits for it is held back, which the contract forbids
   * (the sweep is never held back by an SMS send). The bound below only ends such a wait.
   */
  async #whileSendsHang(label: string, work: Promise<unknown>): Promise<void> {
    if (!this.sms.hangArmed) {
      await work;
      return;
    }
    this.sms.stepWorkRunning = true;
    void work.finally(() => (this.sms.stepWorkRunning = false)).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<"bound">((resolve) => (timer = setTimeout(() => resolve("bound"), HELD_BACK_BOUND_MS)));
    try {
      const outcome = await Promise.race([work.then(() => "done" as const), bound]);
      if (outcome === "bound" && this.sms.hanging > 0) {
        this.sms.releaseHung();
        await work.catch(() => undefined);
        this.#expect(false, `${label}: held back by an SMS send still on its way`);
      }
      await work;
    } finally {
      clearTimeout(timer);
      this.sms.stepWorkRunning = false;
      this.sms.releaseHung();
    }
  }

  /** The next SMS of this kind hangs at the provider until the step's own work has returned. */
  hangNextSms(kind: SmsKind): void {
    this.trace.push(`the next ${kind} SMS hangs at the provider`);
    this.sms.hangNext(kind);
  }

  async #learnCodes(step: Step): Promise<void> {
    for (const { txn, codesInUse } of step.created) {
      const stored = await this.store.get(txn);
      const code = stored?.referenceCode ?? null;
      this.#expect(code !== null && /^[0-9]{3}$/.test(code), `${txn} got a 3-digit reference code (got ${code})`);
      this.#expect(!codesInUse.includes(code ?? ""), `${txn}'s code ${code} is not used by another open verification of the phone`);
      this.model.learnCode(txn, code);
    }
  }

  #checkSms(label: string, step: Step, from: number, faulted: boolean, owedBefore: Set<string>, optedOutBefore: Set<string>): void {
    const sent = this.sms.attempts.slice(from);
    const honoured = this.model.options.confirmationHonoursOptOut;
    for (const sms of sent) {
      const phone = sms.destinationPhoneNumber;
      if (sms.kind === "confirmation" && !honoured) continue;
      this.#expect(
        !(optedOutBefore.has(phone) && this.model.optedOut.has(phone)),
        `${label}: ${sms.kind} SMS sent to ${phone}, which opted out`,
      );
    }

    const key = (kind: string, phone: string, txn: string | null, result: string) =>
      `${kind} to ${phone} about ${txn ?? "*"}${result === "sent" ? "" : ` (${result})`}`;
    const generic = (kind: string) => kind === "choose" || kind === "opt_in";
    const texts = sent.filter((s) => s.kind !== "confirmation");
    const actualKeys = texts.map((s) => key(s.kind, s.destinationPhoneNumber, generic(s.kind) ? null : s.transactionId, s.result));
    const expectedKeys = step.sms.map((s) => key(s.kind, s.phone, s.txn, s.failed ? "failed" : s.refused ? "refused" : "sent"));
    this.#expectEqual([...actualKeys].sort(), [...expectedKeys].sort(), `${label}: SMS texts`);

    for (const s of texts) {
      const v = this.model.verifications.get(s.transactionId);
      if (s.kind === "question" && v) {
        const expectation = step.sms.find((e) => e.kind === "question" && e.txn === s.transactionId);
        const shows = new RegExp(`\\b(YES|SI|OUI|JA) ${v.code ?? "???"}\\b`).test(s.body);
        const showCode = expectation?.showCode;
        this.#expect(showCode === undefined || shows === showCode, `${label}: the question ${shows ? "shows" : "hides"} the code of ${v.txn}`);
      }
      if (s.kind === "choose") {
        const listed = step.sms.find((e) => e.kind === "choose")?.lists ?? [];
        for (const txn of listed) {
          const code = this.model.verifications.get(txn)?.code ?? "???";
          this.#expect(s.body.includes(`${code}: `), `${label}: the list names ${txn} by its code ${code}`);
        }
      }
      if (s.messageId !== null && generic(s.kind)) this.model.learnOtherText(s.messageId);
      if (s.messageId !== null && !generic(s.kind)) {
        this.model.learnMessage(s.kind, s.messageId, s.destinationPhoneNumber, s.transactionId);
      }
    }

    const attempted = sent.filter((s) => s.kind === "confirmation");
    for (const c of attempted.filter((a) => a.result === "failed")) {
      this.#expect(step.decided.includes(c.transactionId) || owedBefore.has(c.transactionId), `${label}: confirmation for ${c.transactionId}, owed`);
    }
    const confirmations = attempted.filter((a) => a.result !== "failed");
    for (const c of confirmations) {
      const v = this.model.verifications.get(c.transactionId);
      const count = (this.#confirmations.get(c.transactionId) ?? 0) + 1;
      this.#confirmations.set(c.transactionId, count);
      this.#expect(!!v?.decision && confirms(v.decision.decision), `${label}: confirmation for ${c.transactionId}, decided APPROVED or DENIED`);
      this.#expect(count === 1 || !this.model.options.oneConfirmation, `${label}: confirmation ${count} for ${c.transactionId}`);
      this.#expect(step.decided.includes(c.transactionId) || owedBefore.has(c.transactionId), `${label}: confirmation for ${c.transactionId}, owed`);
      this.#expect(
        !honoured || !this.#confirmationForfeited.has(c.transactionId),
        `${label}: confirmation for ${c.transactionId} after its phone opted out`,
      );
      this.#expect(
        (c.messageId === null) === this.model.providerRefuses.has(c.destinationPhoneNumber),
        `${label}: the provider ${c.messageId === null ? "refused" : "took"} the confirmation`,
      );
      if (c.messageId !== null) this.model.learnMessage("confirmation", c.messageId, c.destinationPhoneNumber, c.transactionId);
    }
    if (!faulted && owedBefore.size === 0) {
      const owed = step.decided.filter((txn) => {
        const d = this.model.verifications.get(txn)?.decision;
        return !!d && confirms(d.decision);
      });
      this.#expectEqual(confirmations.map((c) => c.transactionId).sort(), owed.sort(), `${label}: confirmation SMS`);
    }
  }

  #checkEvents(label: string, step: Step, from: number, faulted: boolean, owedBefore: Set<string>): void {
    const events = this.publisher.delivered.slice(from);
    for (const event of events) {
      const txn = event.transactionId;
      const v = this.model.verifications.get(txn);
      this.#expect(!!v?.decision, `${label}: event for ${txn}, which the model has decided`);
      if (!v) continue;
      const { eventId, ...fields } = event;
      const first = this.#firstEvents.get(txn);
      if (first) {
        const tolerated = !this.model.options.republishIdentical && v.decidedInFlight;
        const comparable = (e: DecisionEvent) => (tolerated ? { ...e, outboundMessageId: null } : e);
        this.#expectEqual(comparable(event), comparable(first), `${label}: ${txn}'s event re-published with other content`);
      }
      else this.#firstEvents.set(txn, event);
      const expected = expectedEvent(v);
      // Decided while its question was on its way: the MessageId may or may not be known to the event.
      if (v.decidedInFlight && fields.outboundMessageId === v.outbound) expected.outboundMessageId = v.outbound;
      this.#expectEqual(fields, expected, `${label}: the decision event of ${txn}`);
      const known = this.#eventIds.get(txn);
      this.#expect(known === undefined || known === eventId, `${label}: ${txn} re-published with eventId ${eventId}, first ${known}`);
      this.#expect(
        known !== undefined || ![...this.#eventIds.values()].includes(eventId),
        `${label}: eventId ${eventId} of ${txn} already used by another transaction`,
      );
      this.#eventIds.set(txn, eventId);
      const count = (this.#deliveredCount.get(txn) ?? 0) + 1;
      this.#deliveredCount.set(txn, count);
      this.#expect(this.publisher.faults > 0 || count === 1, `${label}: ${txn} published ${count} times without any fault`);
    }
    if (!faulted && owedBefore.size === 0) {
      this.#expectEqual(events.map((e) => e.transactionId).sort(), [...step.decided].sort(), `${label}: decision events`);
    }
  }

  async #checkStore(label: string): Promise<void> {
    const txns = [...this.model.claims.keys()];
    const stored = await Promise.all(txns.map((txn) => this.store.get(txn)));
    const owed = new Set<string>();
    txns.forEach((txn, i) => {
      const s = stored[i] ?? null;
      const v = this.model.verifications.get(txn);
      if (!v) {
        this.#expect(s === null, `${label}: ${txn} was never requested, yet Redis has it`);
        return;
      }
      this.#expect(s !== null, `${label}: Redis has ${txn}`);
      if (!s) return;
      const d = v.decision;
      this.#expectEqual(
        {
          phoneNumber: s.phoneNumber,
          state: s.state,
          requestedAt: s.requestedAt,
          deadline: s.deadline,
          metadata: s.metadata,
          referenceCode: s.referenceCode,
          outboundMessageId: s.outboundMessageId,
          reprompts: s.reprompts,
          delivery: s.delivery ?? null,
          decision: s.decision && {
            decision: s.decision.decision,
            decidedAt: s.decision.decidedAt,
            reply: s.decision.reply,
            undeliverableReason: s.decision.undeliverableReason,
            delivery: s.decision.delivery,
          },
        },
        {
          phoneNumber: v.phone,
          state: d ? "DECIDED" : v.sending ? "SENDING" : "OPEN",
          requestedAt: v.requestedAt,
          deadline: v.deadline,
          metadata: v.metadata,
          referenceCode: v.code,
          outboundMessageId: v.outbound,
          reprompts: v.reprompts,
          delivery: d ? d.delivery : v.delivery,
          decision: d && {
            decision: d.decision,
            decidedAt: d.decidedAt,
            reply: d.reply,
            undeliverableReason: d.undeliverableReason,
            delivery: d.delivery,
          },
        },
        `${label}: what Redis holds for ${txn}`,
      );
      if (s.decision) {
        const first = this.#storedEventIds.get(txn) ?? this.#eventIds.get(txn);
        this.#expect(first === undefined || first === s.decision.eventId, `${label}: ${txn}'s recorded eventId changed`);
        this.#storedEventIds.set(txn, s.decision.eventId);
        // "sending": claimed by a worker whose attempt failed or died; the sweep sends it after the lease.
        const confirmationOwed = s.decision.confirmation === "pending" || s.decision.confirmation === "sending";
        if (!s.decision.published || confirmationOwed) owed.add(txn);
        const skipped = s.decision.confirmation === "skipped";
        if (skipped || (confirmationOwed && this.model.optedOut.has(s.phoneNumber))) this.#confirmationForfeited.add(txn);
      }
    });
    this.#owed = owed;
  }

  #expect(condition: boolean, message: string): asserts condition {
    if (!condition) throw new ModelMismatch(`${message}\n  steps:\n    ${this.trace.join("\n    ")}`);
  }

  #expectEqual(actual: unknown, expected: unknown, message: string): void {
    try {
      expect(actual).toEqual(expected);
    } catch (error) {
      const detail = `actual:   ${JSON.stringify(actual)}\nexpected: ${JSON.stringify(expected)}`;
      throw new ModelMismatch(`${message}\n${detail}\n  steps:\n    ${this.trace.join("\n    ")}`, { cause: error });
    }
  }
}

function expectedEvent(v: ModelVerification): Omit<DecisionEvent, "eventId"> {
  const d = v.decision;
  if (!d) throw new Error(`model: ${v.txn} is not decided`);
  return {
    eventType: "verification.decided",
    schemaVersion: 2,
    transactionId: v.txn,
    decision: d.decision,
    requestedAt: new Date(v.requestedAt).toISOString(),
    decidedAt: new Date(d.decidedAt).toISOString(),
    phoneNumberMasked: maskedPhone(v.phone),
    outboundMessageId: d.outboundMessageId,
    reply: d.reply && { ...d.reply, receivedAt: new Date(d.reply.receivedAt).toISOString() },
    undeliverableReason: d.undeliverableReason,
    delivery: d.delivery && { status: d.delivery.status, at: new Date(d.delivery.at).toISOString() },
    metadata: v.metadata ?? {},
  };
}

export function describe(delivery: Delivery): string {
  switch (delivery.kind) {
    case "request": {
      const r = delivery.request;
      return `request ${r.transactionId} for ${r.phoneNumber} (${r.expiresInSeconds ?? 600}s)`;
    }
    case "cancel":
      return `cancel ${delivery.txn}`;
    case "reply": {
      const s = delivery.sms;
      const prev = s.previousPublishedMessageId === undefined ? "" : ` re ${JSON.stringify(s.previousPublishedMessageId)}`;
      const to = s.destinationNumber === ORIGINATION ? "" : ` to ${s.destinationNumber}`;
      return `reply ${JSON.stringify(s.messageBody)} from ${s.originationNumber}${to} [${s.inboundMessageId}${prev}, received ${(delivery.receivedAt - START_TIME) / 1000}s]`;
    }
    case "sms_event": {
      const e = delivery.event;
      const context = e.context?.["transactionId"];
      const about = [e.destinationPhoneNumber ?? "no phone", context === undefined ? "no context" : `context ${context}`].join(", ");
      return `delivery event ${e.eventType} for ${JSON.stringify(e.messageId)} [${about}, at ${(e.eventTimestamp - START_TIME) / 1000}s]`;
    }
  }
}

function deliveryEventInput(e: SmsDeliveryEvent): DeliveryEventInput {
  return {
    eventType: e.eventType,
    messageId: e.messageId,
    at: e.eventTimestamp,
    phone: e.destinationPhoneNumber ?? null,
    contextTxn: e.context?.["transactionId"] ?? null,
  };
}

/** An SMS delivery event as AWS End User Messaging SMS publishes it (the fields the contract reads). */
export function smsEvent(input: {
  eventType: string;
  at: number;
  messageId: string;
  phone: string | null;
  transactionId: string | null;
  requestedAt?: number;
}): SmsDeliveryEvent {
  const final = !input.eventType.endsWith("_QUEUED") && !input.eventType.endsWith("_PENDING");
  return {
    eventType: input.eventType,
    eventTimestamp: input.at,
    isFinal: final,
    messageId: input.messageId,
    ...(input.requestedAt === undefined ? {} : { messageRequestTimestamp: input.requestedAt }),
    ...(input.phone === null ? {} : { destinationPhoneNumber: input.phone }),
    messageStatus: input.eventType.replace(/^TEXT_/, ""),
    ...(input.transactionId === null ? {} : { context: { transactionId: input.transactionId } }),
  };
}
