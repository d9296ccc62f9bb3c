/**
 * The commands of the model-based test and their generators. Transactions, phones, SMS and inbound ids
 * are named by small indexes resolved when the command runs, so any sequence is valid and shrinks well.
 */
import fc from "fast-check";
import type { VerificationRequest } from "../../src/domain/messages.ts";
import { parseReply, type ReplyIntent } from "../../src/domain/reply.ts";
import type { SmsKind } from "../../src/ports.ts";
import type { PublishFault } from "./fakes.ts";
import { DELIVERED_TYPES, FAILURE_TYPES, PENDING_TYPES } from "./reference-model.ts";
import { ORIGINATION, OTHER_NUMBER, PHONES, smsEvent, type Delivery, type World } from "./world.ts";

export const TRANSACTIONS = 6;
const TTLS = [30, 60, 600, 600, 3600] as const;
const MERCHANTS = ["ACME STORE #42", "THE EXTRAORDINARILY LONG MERCHANT NAME FOR TESTING PURPOSES 0001", "Café ☀ Zürich"];
const LOCALES = [undefined, "en-US", "fr-FR", "de-DE", "es-ES"];
const AMOUNTS = [12540, 999, 5, 100_000_000];

/** Words as a cardholder types them; each reads as its intent (checked against parseReply when used). */
export const WORDS: Record<ReplyIntent, readonly string[]> = {
  APPROVE: ["YES", "yes", "Y", "ok", "Sí", "oui", "1"],
  DENY: ["NO", "no", "N", "nope", "Fraud", "nein", "2"],
  STOP: ["STOP", "stop", "Unsubscribe", "opt-out", "arrêt"],
  HELP: ["HELP", "info"],
  START: ["START", "unstop"],
  UNKNOWN: ["maybe", "who is this?", "🤔", "", "yes417", "later"],
};

type W = World;
const txnId = (i: number) => `t${i}`;
const phoneOf = (i: number): string => PHONES[i % PHONES.length] ?? PHONES[0];

export type During = "cancel" | "stop" | "yes" | null;

export class RequestCmd implements fc.AsyncCommand<W, W> {
  readonly txn: number;
  readonly phone: number;
  readonly ttl: number;
  readonly variant: number;
  readonly metadata: boolean;
  readonly during: During;

  constructor(txn: number, phone: number, ttl: number, variant = 0, metadata = true, during: During = null) {
    this.txn = txn;
    this.phone = phone;
    this.ttl = ttl;
    this.variant = variant;
    this.metadata = metadata;
    this.during = during;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const transactionId = txnId(this.txn);
    const phoneNumber = phoneOf(this.phone);
    const request: VerificationRequest = {
      type: "verification.requested",
      transactionId,
      phoneNumber,
      amountMinor: AMOUNTS[this.variant % AMOUNTS.length] ?? 1,
      currency: this.variant % 2 === 0 ? "USD" : "EUR",
      merchant: MERCHANTS[this.variant % MERCHANTS.length] ?? "SHOP",
      cardLast4: "4242",
      expiresInSeconds: this.ttl,
      ...(LOCALES[this.variant % LOCALES.length] ? { locale: LOCALES[this.variant % LOCALES.length] } : {}),
      ...(this.metadata ? { metadata: { cardId: `card_${transactionId}` } } : {}),
    };
    let during: Delivery | null = null;
    if (this.during === "cancel") during = { kind: "cancel", txn: transactionId };
    if (this.during === "stop" || this.during === "yes") {
      const body = this.during === "stop" ? "STOP" : "YES";
      during = replyDelivery(world, phoneNumber, body, this.during === "stop" ? "STOP" : "APPROVE", null, undefined, null, true, 0);
    }
    await world.deliver({ kind: "request", request }, during);
  }

  toString(): string {
    return `new RequestCmd(${this.txn}, ${this.phone}, ${this.ttl}, ${this.variant}, ${this.metadata}, ${JSON.stringify(this.during)})`;
  }
}

/** How far into the first delivery's question send its duplicate comes: past the old 30 s re-send rule. */
export const DUPLICATE_AFTER_MS = 31_000;

/**
 * A request whose duplicate arrives while its question SMS is still on its way, 31 s into the send
 * (an SQS redelivery, or the card system sending it twice). Contract v2: no second SMS while the
 * first sender's send lease holds. Not for a number the provider refuses: the model would date that
 * refusal's UNDELIVERABLE before the clock moved.
 */
export class DuplicateWhileSendingCmd implements fc.AsyncCommand<W, W> {
  readonly txn: number;
  readonly phone: number;
  readonly ttl: number;

  constructor(txn: number, phone: number, ttl: number) {
    this.txn = txn;
    this.phone = phone;
    this.ttl = ttl;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const phoneNumber = phoneOf(this.phone);
    const request: VerificationRequest = {
      type: "verification.requested",
      transactionId: txnId(this.txn),
      phoneNumber,
      amountMinor: 1250,
      currency: "USD",
      merchant: "SHOP",
      cardLast4: "4242",
      expiresInSeconds: this.ttl,
    };
    const refused = world.model.providerRefuses.has(phoneNumber);
    await world.deliver({ kind: "request", request }, refused ? null : { kind: "request", request, afterMs: DUPLICATE_AFTER_MS });
  }

  toString(): string {
    return `new DuplicateWhileSendingCmd(${this.txn}, ${this.phone}, ${this.ttl})`;
  }
}

/** The next SMS of a kind hangs at the provider until the step's own work (handler, sweep) returned. */
export class HangSmsCmd implements fc.AsyncCommand<W, W> {
  readonly kind: SmsKind;

  constructor(kind: SmsKind) {
    this.kind = kind;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.hangNextSms(this.kind);
    return Promise.resolve();
  }

  toString(): string {
    return `new HangSmsCmd(${JSON.stringify(this.kind)})`;
  }
}

export class CancelCmd implements fc.AsyncCommand<W, W> {
  readonly txn: number;

  constructor(txn: number) {
    this.txn = txn;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    await world.deliver({ kind: "cancel", txn: txnId(this.txn) });
  }

  toString(): string {
    return `new CancelCmd(${this.txn})`;
  }
}

/** No code; the code of the phone's n-th open verification; of any transaction (often wrong); 3 digits. */
export type CodeSpec = { of: "none" } | { of: "open"; pick: number } | { of: "txn"; txn: number } | { of: "digits"; digits: string };
export type PrevSpec = { kind: "missing" } | { kind: "empty" } | { kind: "unknown" } | { kind: "sms"; pick: number };

export interface ReplySpec {
  /** The n-th phone with an open verification (any phone when none has), or any phone. */
  from: "open" | "any";
  phone: number;
  intent: ReplyIntent;
  word: number;
  code: CodeSpec;
  codeFirst: boolean;
  prev: PrevSpec;
  /** Reuse the n-th inbound id this phone already used (a duplicate id with another body). */
  reuse: number | null;
  toService: boolean;
  lagMs: number;
}

export class ReplyCmd implements fc.AsyncCommand<W, W> {
  readonly spec: ReplySpec;

  constructor(spec: ReplySpec) {
    this.spec = spec;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const s = this.spec;
    const open = [...world.model.verifications.values()].filter((v) => v.decision === null);
    const phonesWithOpen = PHONES.filter((p) => open.some((v) => v.phone === p));
    const phone = (s.from === "open" ? phonesWithOpen[s.phone % Math.max(1, phonesWithOpen.length)] : undefined) ?? phoneOf(s.phone);
    const words = WORDS[s.intent];
    const word = words[s.word % words.length] ?? "";
    let code: string | null = null;
    if (s.code.of === "digits") code = s.code.digits;
    if (s.code.of === "txn") code = world.model.verifications.get(txnId(s.code.txn))?.code ?? null;
    if (s.code.of === "open") {
      const mine = open.filter((v) => v.phone === phone);
      code = mine[s.code.pick % Math.max(1, mine.length)]?.code ?? null;
    }
    const body = code === null ? word : s.codeFirst ? `${code} ${word}` : `${word} ${code}`;
    let prev: string | undefined;
    if (s.prev.kind === "empty") prev = "";
    if (s.prev.kind === "unknown") prev = "sms-unknown";
    if (s.prev.kind === "sms") {
      const sent = world.sms.attempts.filter((a) => a.messageId !== null);
      prev = sent[s.prev.pick % Math.max(1, sent.length)]?.messageId ?? undefined;
    }
    const used = world.inboundIds.get(phone) ?? [];
    const reused = s.reuse === null ? null : (used[s.reuse % Math.max(1, used.length)] ?? null);
    await world.deliver(replyDelivery(world, phone, body, s.intent, code, prev, reused, s.toService, s.lagMs));
  }

  toString(): string {
    return `new ReplyCmd(${JSON.stringify(this.spec)})`;
  }
}

/** A reply as Pinpoint delivers it; `intent` and `code` are what the contract reads in `body`. */
function replyDelivery(
  world: W,
  phone: string,
  body: string,
  intent: ReplyIntent,
  code: string | null,
  previousPublishedMessageId: string | undefined,
  reusedId: string | null,
  toService: boolean,
  lagMs: number,
): Delivery {
  const parsed = parseReply(body);
  const readCode = intent === "UNKNOWN" ? null : code;
  // The generator's own reading must be the parser's (the parser has its own properties).
  if (parsed.intent !== intent || parsed.referenceCode !== readCode) {
    throw new Error(`generator: ${JSON.stringify(body)} reads as ${parsed.intent}/${parsed.referenceCode}`);
  }
  const inboundMessageId = reusedId ?? world.nextInboundId(phone);
  return {
    kind: "reply",
    sms: {
      originationNumber: phone,
      destinationNumber: toService ? ORIGINATION : OTHER_NUMBER,
      messageKeyword: "KEYWORD_ORIGINATION",
      messageBody: body,
      inboundMessageId,
      ...(previousPublishedMessageId === undefined ? {} : { previousPublishedMessageId }),
    },
    receivedAt: world.clock.now() - lagMs,
    intent,
    code: readCode,
  };
}

export class RedeliverCmd implements fc.AsyncCommand<W, W> {
  readonly pick: number;

  constructor(pick: number) {
    this.pick = pick;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    await world.redeliver(this.pick);
  }

  toString(): string {
    return `new RedeliverCmd(${this.pick})`;
  }
}

export class AdvanceCmd implements fc.AsyncCommand<W, W> {
  readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.advance(this.ms);
  }

  toString(): string {
    return `new AdvanceCmd(${this.ms})`;
  }
}

/** Moves the clock past the deadline of one open verification (picked by index) and sweeps. */
export class DeadlineCmd implements fc.AsyncCommand<W, W> {
  readonly pick: number;
  readonly extraMs: number;

  constructor(pick: number, extraMs: number) {
    this.pick = pick;
    this.extraMs = extraMs;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    const open = [...world.model.verifications.values()].filter((v) => v.decision === null).sort((a, b) => (a.txn < b.txn ? -1 : 1));
    const target = open[this.pick % Math.max(1, open.length)];
    if (target) await world.passTime(Math.max(world.clock.now() + 1, target.deadline + this.extraMs) - world.clock.now());
    else await world.passTime(1 + this.extraMs);
    await world.sweep(target ? `deadline of ${target.txn} passed: expiry sweep` : "expiry sweep");
  }

  toString(): string {
    return `new DeadlineCmd(${this.pick}, ${this.extraMs})`;
  }
}

export class SweepCmd implements fc.AsyncCommand<W, W> {
  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    await world.sweep();
  }

  toString(): string {
    return "new SweepCmd()";
  }
}

/** Time passes for retention: records past it are forgotten, together (World.retention). */
export class RetentionCmd implements fc.AsyncCommand<W, W> {
  readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.retention(this.ms);
  }

  toString(): string {
    return `new RetentionCmd(${this.ms})`;
  }
}

/** SNS accepts again: every recorded decision is published within a lease (World.outbox). */
export class OutboxCmd implements fc.AsyncCommand<W, W> {
  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.outbox();
  }

  toString(): string {
    return "new OutboxCmd()";
  }
}

export class FailPublishCmd implements fc.AsyncCommand<W, W> {
  readonly fault: PublishFault;

  constructor(fault: PublishFault) {
    this.fault = fault;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.failNextPublish(this.fault);
    return Promise.resolve();
  }

  toString(): string {
    return `new FailPublishCmd(${JSON.stringify(this.fault)})`;
  }
}

export class FailSmsCmd implements fc.AsyncCommand<W, W> {
  readonly kind: SmsKind;

  constructor(kind: SmsKind) {
    this.kind = kind;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.failNextSms(this.kind);
    return Promise.resolve();
  }

  toString(): string {
    return `new FailSmsCmd(${JSON.stringify(this.kind)})`;
  }
}

/** While the next event is published: an earlier message again (pick), or the expiry sweep (null). */
export class InterleavePublishCmd implements fc.AsyncCommand<W, W> {
  readonly pick: number | null;

  constructor(pick: number | null) {
    this.pick = pick;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.interleavePublish(this.pick);
    return Promise.resolve();
  }

  toString(): string {
    return `new InterleavePublishCmd(${this.pick})`;
  }
}

export class ProviderRefusesCmd implements fc.AsyncCommand<W, W> {
  readonly phone: number;

  constructor(phone: number) {
    this.phone = phone;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.providerRefuses(phoneOf(this.phone));
    return Promise.resolve();
  }

  toString(): string {
    return `new ProviderRefusesCmd(${this.phone})`;
  }
}

// ---- SMS delivery events ----------------------------------------------------------------------------

/**
 * Which text an event reports on: the latest question of an undecided verification; any question the
 * provider accepted (an older one, one whose verification is decided: a late event); any other text (a
 * confirmation, a re-prompt, the list…); or a MessageId nobody recorded, with the context of a
 * transaction (a question whose send the service never heard of) or none.
 */
export type EventTarget =
  | { of: "open-question"; pick: number }
  | { of: "question"; pick: number }
  | { of: "text"; pick: number }
  | { of: "unknown"; context: number | null };

export interface EventSpec {
  target: EventTarget;
  eventType: string;
  /** How long before it is handled the event happened (eventTimestamp). */
  lagMs: number;
  /** With destinationPhoneNumber (else only the context names the phone). */
  withPhone: boolean;
}

interface ReportedText {
  messageId: string;
  phone: string;
  transactionId: string | null;
  requestedAt?: number;
}

function reportedText(world: W, target: EventTarget): ReportedText | null {
  const accepted = world.sms.attempts.filter((a) => a.messageId !== null);
  const text = (list: typeof accepted, pick: number): ReportedText | null => {
    const a = list[pick % Math.max(1, list.length)];
    return a?.messageId ? { messageId: a.messageId, phone: a.destinationPhoneNumber, transactionId: a.transactionId, requestedAt: a.at } : null;
  };
  switch (target.of) {
    case "open-question": {
      const open = [...world.model.verifications.values()].filter((v) => v.decision === null && v.question !== null);
      const v = open[target.pick % Math.max(1, open.length)];
      const question = v && accepted.find((a) => a.messageId === v.question);
      if (v && question) return text([question], 0);
      return text(accepted.filter((a) => a.kind === "question"), target.pick);
    }
    case "question":
      return text(accepted.filter((a) => a.kind === "question"), target.pick);
    case "text":
      return text(accepted.filter((a) => a.kind !== "question"), target.pick);
    case "unknown": {
      const transactionId = target.context === null ? null : txnId(target.context);
      const phone = (transactionId && world.model.verifications.get(transactionId)?.phone) ?? phoneOf(target.context ?? 0);
      return { messageId: world.nextUnknownMessageId(), phone, transactionId };
    }
  }
}

function eventFor(world: W, text: ReportedText, eventType: string, lagMs: number, withPhone: boolean): Delivery {
  return {
    kind: "sms_event",
    event: smsEvent({
      eventType,
      at: world.clock.now() - lagMs,
      messageId: text.messageId,
      phone: withPhone ? text.phone : null,
      transactionId: text.transactionId,
      ...(text.requestedAt === undefined ? {} : { requestedAt: text.requestedAt }),
    }),
  };
}

export class DeliveryEventCmd implements fc.AsyncCommand<W, W> {
  readonly spec: EventSpec;

  constructor(spec: EventSpec) {
    this.spec = spec;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const text = reportedText(world, this.spec.target);
    if (!text) return;
    await world.deliver(eventFor(world, text, this.spec.eventType, this.spec.lagMs, this.spec.withPhone));
  }

  toString(): string {
    return `new DeliveryEventCmd(${JSON.stringify(this.spec)})`;
  }
}

/** A question's final event, then its TEXT_QUEUED, which happened before it (out of order). */
export class OutOfOrderEventsCmd implements fc.AsyncCommand<W, W> {
  readonly pick: number;
  readonly finalType: string;

  constructor(pick: number, finalType: string) {
    this.pick = pick;
    this.finalType = finalType;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const text = reportedText(world, { of: "open-question", pick: this.pick });
    if (!text) return;
    await world.deliver(eventFor(world, text, this.finalType, 1_000, true));
    await world.passTime(1);
    await world.deliver(eventFor(world, text, "TEXT_QUEUED", 2_000, true));
  }

  toString(): string {
    return `new OutOfOrderEventsCmd(${this.pick}, ${JSON.stringify(this.finalType)})`;
  }
}

/** One of the latest delivery events delivered again (SQS at least once, an event destination's retry). */
export class RepeatEventCmd implements fc.AsyncCommand<W, W> {
  readonly back: number;

  constructor(back: number) {
    this.back = back;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    await world.passTime(1);
    const events = world.deliveries.map((d, i) => [d, i] as const).filter(([d]) => d.kind === "sms_event");
    const picked = events[events.length - 1 - (this.back % Math.max(1, events.length))];
    if (picked) await world.redeliver(picked[1]);
  }

  toString(): string {
    return `new RepeatEventCmd(${this.back})`;
  }
}

/** The next question accepted is reported before the service records its MessageId. */
export class EventInFlightCmd implements fc.AsyncCommand<W, W> {
  readonly eventType: string;
  readonly lagMs: number;

  constructor(eventType: string, lagMs: number) {
    this.eventType = eventType;
    this.lagMs = lagMs;
  }

  check(): boolean {
    return true;
  }

  async run(_model: W, world: W): Promise<void> {
    world.deliveryEventInFlight(this.eventType, this.lagMs);
    return Promise.resolve();
  }

  toString(): string {
    return `new EventInFlightCmd(${JSON.stringify(this.eventType)}, ${this.lagMs})`;
  }
}

// ---- generators -----------------------------------------------------------------------------------

const txn = fc.nat({ max: TRANSACTIONS - 1 });
/** Phone 0 most often, so several verifications of one phone are open at once (codes, ambiguity). */
const phone = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) });
const intent = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<ReplyIntent>("APPROVE", "DENY") },
  { weight: 2, arbitrary: fc.constant<ReplyIntent>("UNKNOWN") },
  { weight: 1, arbitrary: fc.constantFrom<ReplyIntent>("HELP", "START") },
  { weight: 1, arbitrary: fc.constant<ReplyIntent>("STOP") },
);

const replySpecWith = (lagsMs: readonly number[]): fc.Arbitrary<ReplySpec> => fc.record({
  from: fc.oneof({ weight: 4, arbitrary: fc.constant("open" as const) }, { weight: 1, arbitrary: fc.constant("any" as const) }),
  phone,
  intent,
  word: fc.nat({ max: 20 }),
  code: fc.oneof(
    { weight: 4, arbitrary: fc.constant<CodeSpec>({ of: "none" }) },
    { weight: 4, arbitrary: fc.nat({ max: 3 }).map<CodeSpec>((pick) => ({ of: "open", pick })) },
    { weight: 1, arbitrary: txn.map<CodeSpec>((t) => ({ of: "txn", txn: t })) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 999 }).map<CodeSpec>((n) => ({ of: "digits", digits: String(n) })) },
  ),
  codeFirst: fc.boolean(),
  prev: fc.oneof(
    { weight: 3, arbitrary: fc.constant<PrevSpec>({ kind: "missing" }) },
    { weight: 1, arbitrary: fc.constant<PrevSpec>({ kind: "empty" }) },
    { weight: 1, arbitrary: fc.constant<PrevSpec>({ kind: "unknown" }) },
    { weight: 4, arbitrary: fc.nat({ max: 40 }).map<PrevSpec>((pick) => ({ kind: "sms", pick })) },
  ),
  reuse: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 10 }) }),
  toService: fc.oneof({ weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  lagMs: fc.constantFrom(...lagsMs),
});

/** The lags of the first version's runs: the recorded seeds of its regressions replay only with these. */
export const V1_LAGS_MS = [0, 0, 1_000, 5_000] as const;
/** Contract v2: a reply held up (a crash, a Redis pause, a redelivery) is handled long after it was received. */
export const LAGS_MS = [...V1_LAGS_MS, 40_000] as const;

export const commandArbitrariesWith = (lagsMs: readonly number[]): Array<fc.Arbitrary<fc.AsyncCommand<W, W>>> => [
  ...Array.from({ length: 8 }, () =>
    fc
      .tuple(
        txn,
        phone,
        fc.constantFrom(...TTLS),
        fc.nat({ max: 11 }),
        fc.boolean(),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant<During>(null) },
          { weight: 1, arbitrary: fc.constantFrom<During>("cancel", "stop", "yes") },
        ),
      )
      .map(([t, p, ttl, variant, metadata, during]) => new RequestCmd(t, p, ttl, variant, metadata, during)),
  ),
  ...Array.from({ length: 8 }, () => replySpecWith(lagsMs).map((spec) => new ReplyCmd(spec))),
  txn.map((t) => new CancelCmd(t)),
  ...Array.from({ length: 2 }, () => fc.nat({ max: 40 }).map((pick) => new RedeliverCmd(pick))),
  // 25 h: past the 24 h windows of late replies and recent decisions (the scripts' own clock
  // arithmetic; Redis TTLs run on real time and are not what this moves).
  fc.constantFrom(1_000, 20_000, 45_000, 61_000, 600_000, 1_000, 20_000, 61_000, 90_000_000).map((ms) => new AdvanceCmd(ms)),
  fc.tuple(fc.nat({ max: 5 }), fc.constantFrom(0, 1, 500, 3_000)).map(([pick, extra]) => new DeadlineCmd(pick, extra)),
  fc.constant(new SweepCmd()),
  fc.constantFrom<PublishFault>("before", "after").map((fault) => new FailPublishCmd(fault)),
  fc.constantFrom<SmsKind>("question", "question", "confirmation", "help", "reprompt", "late", "choose", "opt_in").map((kind) => new FailSmsCmd(kind)),
  fc.oneof(fc.constant(null), fc.nat({ max: 40 })).map((pick) => new InterleavePublishCmd(pick)),
  fc.nat({ max: PHONES.length - 1 }).filter((p) => p > 0).map((p) => new ProviderRefusesCmd(p)),
];

/** Failures most, then the statuses that only move forward, and types the contract does not list. */
const eventType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<string>(...FAILURE_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom<string>(...DELIVERED_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom<string>(...PENDING_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom("TEXT_UNKNOWN", "VOICE_DELIVERED") },
);
const eventLagMs = fc.constantFrom(0, 0, 500, 30_000);

const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  target: fc.oneof(
    { weight: 5, arbitrary: fc.nat({ max: 5 }).map<EventTarget>((pick) => ({ of: "open-question", pick })) },
    { weight: 2, arbitrary: fc.nat({ max: 20 }).map<EventTarget>((pick) => ({ of: "question", pick })) },
    { weight: 2, arbitrary: fc.nat({ max: 20 }).map<EventTarget>((pick) => ({ of: "text", pick })) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), txn).map<EventTarget>((context) => ({ of: "unknown", context })) },
  ),
  eventType,
  lagMs: eventLagMs,
  withPhone: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

/** Contract v2, "SMS delivery events": raw events at least once and in any order, some late. */
const deliveryEventArbitraries: Array<fc.Arbitrary<fc.AsyncCommand<W, W>>> = [
  ...Array.from({ length: 4 }, () => eventSpec.map((spec) => new DeliveryEventCmd(spec))),
  fc
    .tuple(fc.nat({ max: 5 }), fc.constantFrom<string>(...FAILURE_TYPES, ...DELIVERED_TYPES))
    .map(([pick, finalType]) => new OutOfOrderEventsCmd(pick, finalType)),
  fc.nat({ max: 3 }).map((back) => new RepeatEventCmd(back)),
  fc.tuple(eventType, eventLagMs).map(([type, lagMs]) => new EventInFlightCmd(type, lagMs)),
];

/**
 * Every command up to delivery events (seeds 12 and 13 replay with it). A seed recorded with a list
 * replays only with that exact list: a new command goes into a list of its own, as V1_LAGS_MS keeps
 * the first version's.
 */
export const commandArbitraries = [
  ...commandArbitrariesWith(LAGS_MS),
  ...deliveryEventArbitraries,
  fc.constant(new OutboxCmd()),
  // Just past a day (the model's retention) after a decision, or past everything.
  fc.constantFrom(86_460_000, 86_400_000 + 660_000, 2 * 86_400_000).map((ms) => new RetentionCmd(ms)),
];

/**
 * Every command: the list above with the send lease's duplicates (contract v2 item 8) and SMS sends
 * that hang at the provider (item 6: the sweep, like a reply's handler, never waits for one). Only
 * confirmations hang: a question's own send is what a request handler waits for, by design.
 */
export const allCommandArbitraries = [
  ...commandArbitraries,
  fc.tuple(txn, phone, fc.constantFrom(600, 3600)).map(([t, p, ttl]) => new DuplicateWhileSendingCmd(t, p, ttl)),
  fc.constant(new HangSmsCmd("confirmation")),
];
