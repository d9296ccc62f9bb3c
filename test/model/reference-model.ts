/**
 * A reference model of the verification state machine, written from the contract
 * (/work/shared/CONTRACT.md: "Verification request", "Inbound SMS", "SMS delivery events", "Decision
 * event"), as plain objects:
 * no Redis, no scripts, no use cases. Each method applies one delivered message (or one expiry sweep)
 * and says what must come out of it: the SMS texts, the decisions and the confirmations owed.
 *
 * What the model learns from the system instead of predicting (and then checks for consistency):
 * the reference codes (3 random digits, unique among the phone's open verifications) and the SMS
 * MessageIds (the fake provider's), because the contract leaves both to the implementation.
 *
 * The outside world it knows about: the SMS provider's own opt-out list (kept by the STOP/START
 * keywords it sees first, or set by the test), under which it refuses texts for good; SMS attempts
 * that fail for now (throttling beyond the SDK's retries), which leave a question SENDING until a
 * redelivery at least 30 s later texts again; deliveries that land while a question is on its way.
 * Publishing faults and who settles a decision after them are not predicted step by step: the harness
 * checks their safety (same event, at most one confirmation, nothing to an opted-out number) and,
 * after a final drain, their liveness (every decision published, every confirmation sent).
 *
 * Forgetting by time is modelled: as the test's clock moves, the harness fast-forwards the TTLs of the
 * transaction index, the verification, the open set, a remembered cancellation (all: the retention) and
 * the handled inbound ids (a day), since Redis expires keys on its own real clock; the message index
 * keeps living.
 *
 * Contract v2 settles which verification a reply answers (codes first, never a guess) and that a reply
 * received before a verification was requested never concerns it; the model follows the contract there.
 * Interpretations the contract still leaves open, chosen as the implementation does:
 * - an opt-out decides every verification requested before its receipt and still undecided; the one the
 *   reply's previousPublishedMessageId names is correlatedBy previousPublishedMessageId, the others phoneNumber;
 * - the ask-for-code text names several verifications, so a reply to it correlates by code or phone;
 * - a request for an opted-out phone whose cancellation came first is decided OPTED_OUT (opt-out first);
 * - decisions taken at once (no SMS ever sent) and UNDELIVERABLE never get the "already handled" text;
 * - a reply with nothing open goes to the phone's latest recent decision (ties: greatest transactionId),
 *   which gets the "already handled" text once; HELP there gets the help text.
 *
 * Delivery events (contract: "SMS delivery events") report on texts by MessageId. The model knows every
 * text the provider accepted, so it knows which of them is a verification's latest question. The one
 * event it cannot place by MessageId is the first event of a question that overtakes the record of its
 * own send (the harness says so): that event must still reach the question's verification ("the
 * first delivery event must reach the verification whose question was sent"). Any other text, the list
 * of open verifications and a question the service never heard of included, only counts, whatever
 * its context.transactionId says. Interpretations the contract leaves open, chosen as the
 * implementation does:
 * - "open" is "not decided yet": a failure after the deadline but before the sweep decides UNDELIVERABLE;
 * - DELIVERED and FAILED are both final: the first of them stands (a later one would move it backwards);
 * - an event of the status already recorded changes nothing, its time included;
 * - a decided verification's delivery is frozen with its decision (the event shows it as decided).
 */
import type { UndeliverableReason } from "../../src/domain/decision-event.ts";
import { SEND_LEASE_MS, type CorrelatedBy, type Decision } from "../../src/domain/verification.ts";
import type { ReplyIntent } from "../../src/domain/reply.ts";
import type { SmsKind } from "../../src/ports.ts";

export const DAY_MS = 86_400_000;

export interface ModelOptions {
  /**
   * Contract: EXPIRED is "no decisive reply in time". When true, a YES/NO received after the deadline
   * decides nothing: the verification is EXPIRED at once and the reply gets the "already handled" text.
   */
  replyWindowEnforced: boolean;
  /**
   * Contract rule 1: a reply's previousPublishedMessageId names "any SMS the service sent about that
   * verification", the confirmation SMS included.
   */
  confirmationCorrelates: boolean;
  /**
   * Contract: "under faults the same event (same eventId) may be published again" — the same event,
   * so every field of a re-publish equals the first publish.
   */
  republishIdentical: boolean;
  /**
   * Contract: "Nothing is ever sent to a number after it opted out", a confirmation still owed when the
   * cardholder opts out included.
   */
  confirmationHonoursOptOut: boolean;
  /**
   * A text a reply owes (help, re-prompt, already handled, the list, the opt-in confirmation) is not
   * lost when sending it fails for now: the reply's redelivery sends it (at least once).
   */
  textsSurviveFailures: boolean;
  /**
   * Contract: "After APPROVED or DENIED the cardholder gets one confirmation SMS": one, even when two
   * workers settle the same decision at once (a redelivery and the sweep).
   */
  oneConfirmation: boolean;
}

export const CONTRACT: ModelOptions = {
  replyWindowEnforced: true,
  confirmationCorrelates: true,
  republishIdentical: true,
  confirmationHonoursOptOut: true,
  textsSurviveFailures: true,
  oneConfirmation: true,
};

export interface ReplyFacts {
  inboundMessageId: string;
  answer: "YES" | "NO" | "STOP";
  correlatedBy: CorrelatedBy;
  receivedAt: number;
}

/** The contract's failure event types: each decides the latest question's open verification UNDELIVERABLE. */
export const FAILURE_TYPES = [
  "TEXT_BLOCKED",
  "TEXT_CARRIER_BLOCKED",
  "TEXT_CARRIER_UNREACHABLE",
  "TEXT_INVALID",
  "TEXT_INVALID_MESSAGE",
  "TEXT_UNREACHABLE",
  "TEXT_SPAM",
  "TEXT_TTL_EXPIRED",
  "TEXT_PROTECT_BLOCKED",
] as const;
export const DELIVERED_TYPES = ["TEXT_DELIVERED", "TEXT_SUCCESSFUL"] as const;
export const PENDING_TYPES = ["TEXT_QUEUED", "TEXT_PENDING"] as const;

export type ModelDeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

export interface ModelDelivery {
  status: ModelDeliveryStatus;
  /** The eventTimestamp of the event that set it. */
  at: number;
}

function statusOf(eventType: string): ModelDeliveryStatus | null {
  if ((FAILURE_TYPES as readonly string[]).includes(eventType)) return "FAILED";
  if ((DELIVERED_TYPES as readonly string[]).includes(eventType)) return "DELIVERED";
  if ((PENDING_TYPES as readonly string[]).includes(eventType)) return "PENDING";
  return null;
}

/** Forward only: PENDING, then one final status. */
const RANK: Record<ModelDeliveryStatus, number> = { PENDING: 1, DELIVERED: 2, FAILED: 2 };

export interface ModelDecision {
  decision: Decision;
  decidedAt: number;
  reply: ReplyFacts | null;
  /** The question's MessageId when it was recorded before the decision, else null. */
  outboundMessageId: string | null;
  undeliverableReason: UndeliverableReason | null;
  /** The question's delivery when the decision was taken: frozen with it. */
  delivery: ModelDelivery | null;
}

export interface ModelVerification {
  txn: string;
  phone: string;
  requestedAt: number;
  deadline: number;
  metadata: Record<string, string> | undefined;
  /** Learned from the system right after creation; null for verifications decided at once. */
  code: string | null;
  /** The question's MessageId, learned when the SMS was accepted. */
  outbound: string | null;
  /** The MessageId of its latest question, the one delivery events report on. */
  question: string | null;
  /** The latest question's delivery status, null until an event reported on it. */
  delivery: ModelDelivery | null;
  reprompts: number;
  lateSent: boolean;
  /** Counts as a recent decision for a late reply (decided after something was sent). */
  recent: boolean;
  /** Decided while its question SMS was on its way (before its MessageId was recorded). */
  decidedInFlight: boolean;
  /** Recorded, question not accepted yet (its sending failed for now). */
  sending: boolean;
  /** When the send of its question now on its way started (its sender holds the send lease), else null. */
  sendStartedAt: number | null;
  decision: ModelDecision | null;
}

interface Claim {
  /** null: a cancellation is remembered and no request came yet. */
  phone: string | null;
  cancelledEarly: boolean;
  /** When a cancellation that came first was remembered. */
  rememberedAt?: number;
}

/** DECISION_RETENTION_SECONDS of the model's store: its floor, one day. */
export const RETENTION_MS = DAY_MS;

export interface ExpectedSms {
  kind: SmsKind;
  phone: string;
  /** The verification it is about; null where the contract does not say which (the list, opt-in). */
  txn: string | null;
  refused: boolean;
  /** The attempt fails for now (an injected throttling fault). */
  failed: boolean;
  /** question: the code must be shown (true), must not be (false), or either (undefined: a resend). */
  showCode?: boolean | undefined;
  /** choose: the verifications it must list. */
  lists?: string[];
}

export interface Step {
  sms: ExpectedSms[];
  /** Verifications decided by this message, in order. */
  decided: string[];
  /** Verifications created by this message (their code is learned afterwards). */
  created: Array<{ txn: string; codesInUse: string[] }>;
}

export interface RequestInput {
  txn: string;
  phone: string;
  ttlSeconds: number;
  metadata: Record<string, string> | undefined;
}

export interface ReplyInput {
  phone: string;
  intent: ReplyIntent;
  /** The 3-digit code next to the answer word, as the contract reads it. */
  code: string | null;
  previousPublishedMessageId: string | null;
  inboundMessageId: string;
  receivedAt: number;
  /** destinationNumber is the service's origination number. */
  toService: boolean;
  /** Its first delivery: the provider acts on its keyword then, not on an SQS redelivery. */
  first: boolean;
}

/** One SMS delivery event, as the contract reads it. */
export interface DeliveryEventInput {
  eventType: string;
  messageId: string;
  /** eventTimestamp. */
  at: number;
  /** destinationPhoneNumber, when the event has one. */
  phone: string | null;
  /** context.transactionId, when the event has one. */
  contextTxn: string | null;
}

const emptyStep = (): Step => ({ sms: [], decided: [], created: [] });

export class ReferenceModel {
  readonly options: ModelOptions;
  readonly claims = new Map<string, Claim>();
  readonly verifications = new Map<string, ModelVerification>();
  /** The service's own opt-out list. */
  readonly optedOut = new Set<string>();
  /** Numbers the SMS provider refuses (its own opt-out list, kept by the STOP/START keywords it sees). */
  readonly providerRefuses = new Set<string>();
  /** SMS kinds whose next attempt fails for now (mirrors the fake provider). */
  readonly failNextSms = new Set<SmsKind>();
  /** Handled inboundMessageIds by phone, with when they were first handled (kept a day). */
  readonly #handled = new Map<string, Map<string, number>>();
  /** Texts a handled reply still owes, by phone and inboundMessageId (their sending failed). */
  readonly #owedTexts = new Map<string, ExpectedSms[]>();
  /** MessageId of an SMS about one verification → that verification (per phone, as Pinpoint names it). */
  readonly #messages = new Map<string, { phone: string; txn: string }>();
  /** MessageId of every question the provider accepted → its verification. */
  readonly #questions = new Map<string, { phone: string; txn: string }>();
  /** MessageIds of every other text the provider accepted (confirmations, lists, help, …). */
  readonly #otherTexts = new Set<string>();

  constructor(options: ModelOptions) {
    this.options = options;
  }

  open(phone: string): ModelVerification[] {
    return [...this.verifications.values()].filter((v) => v.phone === phone && v.decision === null);
  }

  /** A text that names no one verification (the list, the opt-in confirmation) was accepted. */
  learnOtherText(messageId: string): void {
    this.#otherTexts.add(messageId);
  }

  /** A SMS about `txn` was accepted with this MessageId. */
  learnMessage(kind: SmsKind, messageId: string, phone: string, txn: string): void {
    const indexed =
      kind === "question" ||
      kind === "help" ||
      kind === "reprompt" ||
      kind === "late" ||
      (kind === "confirmation" && this.options.confirmationCorrelates);
    if (indexed) this.#messages.set(messageId, { phone, txn });
    const v = this.verifications.get(txn);
    // A decision is frozen with what was known when it was taken: a question that reaches the
    // cardholder after a cancellation does not change the recorded (and published) outboundMessageId.
    const frozen = v?.decision !== null && this.options.republishIdentical;
    if (kind !== "question") {
      this.#otherTexts.add(messageId);
      return;
    }
    this.#questions.set(messageId, { phone, txn });
    if (!v) return;
    if (v.outbound === null && !frozen) v.outbound = messageId;
    // The latest question is the one delivery events report on.
    if (v.decision === null && v.question !== messageId) {
      v.question = messageId;
      v.delivery = null;
    }
  }

  learnCode(txn: string, code: string | null): void {
    const v = this.verifications.get(txn);
    if (v) v.code = code;
  }

  request(input: RequestInput, now: number, during: ((model: this) => Step) | null): Step {
    const step = emptyStep();
    let claim = this.claims.get(input.txn);
    if (!claim) {
      claim = { phone: input.phone, cancelledEarly: false };
      this.claims.set(input.txn, claim);
    } else if (claim.phone === null) {
      claim.phone = input.phone;
      claim.cancelledEarly = true;
    } else if (claim.phone !== input.phone) {
      return step; // the transactionId belongs to another phone's verification: nothing happens
    }
    const existing = this.verifications.get(input.txn);
    if (existing) {
      // A duplicate: no second SMS, no second decision; but a question whose sending failed (its sender
      // gave the send lease back) is sent again, after one more look at the opt-out memory. While the
      // first sender is still on it, within its send lease, the duplicate is retried later (contract v2).
      const senderHoldsLease = existing.sendStartedAt !== null && now < existing.sendStartedAt + SEND_LEASE_MS;
      if (existing.sending && existing.decision === null && !senderHoldsLease) {
        if (this.optedOut.has(existing.phone)) this.#decide(existing, "OPTED_OUT", now, null, step, true);
        else this.#question(existing, step, undefined, now, during);
      }
      return step;
    }

    const othersOpen = this.open(input.phone);
    const v: ModelVerification = {
      txn: input.txn,
      phone: input.phone,
      requestedAt: now,
      deadline: now + input.ttlSeconds * 1000,
      metadata: input.metadata,
      code: null,
      outbound: null,
      question: null,
      delivery: null,
      reprompts: 0,
      lateSent: false,
      recent: false,
      decidedInFlight: false,
      sending: true,
      sendStartedAt: null,
      decision: null,
    };
    this.verifications.set(input.txn, v);
    if (this.optedOut.has(input.phone)) {
      this.#decide(v, "OPTED_OUT", now, null, step, false);
      return step;
    }
    if (claim.cancelledEarly) {
      this.#decide(v, "CANCELLED", now, null, step, false);
      return step;
    }
    step.created.push({ txn: v.txn, codesInUse: othersOpen.map((o) => o.code ?? "") });
    this.#question(v, step, othersOpen.length > 0, now, during);
    return step;
  }

  #question(v: ModelVerification, step: Step, showCode: boolean | undefined, now: number, during: ((model: this) => Step) | null): void {
    const question: ExpectedSms = { kind: "question", phone: v.phone, txn: v.txn, refused: false, failed: false, showCode };
    step.sms.push(question);
    v.sendStartedAt = now;
    if (during) merge(step, during(this));
    v.sendStartedAt = null;
    v.decidedInFlight = v.decision !== null;
    question.failed = this.failNextSms.delete("question");
    question.refused = !question.failed && this.providerRefuses.has(v.phone);
    if (question.failed) return; // stays SENDING: a redelivery texts again
    v.sending = false;
    if (question.refused && v.decision === null) this.#decide(v, "UNDELIVERABLE", now, null, step, false, "OPTED_OUT");
  }

  cancel(txn: string, now: number): Step {
    const step = emptyStep();
    const claim = this.claims.get(txn);
    if (!claim) {
      this.claims.set(txn, { phone: null, cancelledEarly: true, rememberedAt: now });
      return step;
    }
    const v = this.verifications.get(txn);
    if (v && v.decision === null) this.#decide(v, "CANCELLED", now, null, step, true);
    return step;
  }

  /**
   * Contract v2 retention: a verification and its idempotency record are forgotten together, the
   * retention after its deadline or its decision, whichever is later; a remembered cancellation the
   * retention after it came. Returns the forgotten transactionIds.
   */
  expireRetention(now: number): string[] {
    const forgotten: string[] = [];
    for (const [txn, claim] of this.claims) {
      const v = this.verifications.get(txn);
      const end = v
        ? Math.max(v.deadline, v.decision?.decidedAt ?? v.deadline) + RETENTION_MS
        : (claim.rememberedAt ?? Number.POSITIVE_INFINITY) + RETENTION_MS;
      if (end > now) continue;
      this.claims.delete(txn);
      this.verifications.delete(txn);
      forgotten.push(txn);
    }
    // A handled inbound id is remembered for a day, with the text it still owes.
    for (const [phone, handled] of this.#handled) {
      for (const [id, at] of handled) {
        if (at + DAY_MS > now) continue;
        handled.delete(id);
        this.#owedTexts.delete(`${phone} ${id}`);
      }
    }
    // A text still owed about forgotten verifications is owed about what is left of them, if anything.
    for (const [key, texts] of this.#owedTexts) {
      const kept = texts.flatMap((sms) => {
        if (sms.txn !== null && forgotten.includes(sms.txn)) return [];
        if (!sms.lists) return [sms];
        const lists = sms.lists.filter((txn) => !forgotten.includes(txn));
        return lists.length > 0 ? [{ ...sms, lists }] : [];
      });
      if (kept.length > 0) this.#owedTexts.set(key, kept);
      else this.#owedTexts.delete(key);
    }
    return forgotten;
  }

  sweep(now: number): Step {
    const step = emptyStep();
    for (const v of this.verifications.values()) {
      if (v.decision === null && v.deadline <= now) {
        // A question never accepted by its deadline: UNDELIVERABLE (NOT_SENT), not EXPIRED.
        if (v.sending) this.#decide(v, "UNDELIVERABLE", now, null, step, false, "NOT_SENT");
        else this.#decide(v, "EXPIRED", now, null, step, true);
      }
    }
    return step;
  }

  reply(input: ReplyInput, now: number): Step {
    const step = emptyStep();
    if (!input.toService) return step;
    const { phone } = input;
    // The provider acts on the keywords itself, once, before the service sees the message.
    if (input.first && input.intent === "STOP") this.providerRefuses.add(phone);
    if (input.first && input.intent === "START") this.providerRefuses.delete(phone);

    const handled = this.#handled.get(phone) ?? new Map<string, number>();
    this.#handled.set(phone, handled);
    const owedKey = `${phone} ${input.inboundMessageId}`;
    const text = (kind: SmsKind, txn: string | null, extra: Partial<ExpectedSms> = {}) => {
      const failed = this.failNextSms.delete(kind);
      const sms: ExpectedSms = { kind, phone, txn, refused: !failed && this.providerRefuses.has(phone), failed, ...extra };
      step.sms.push(sms);
      if (failed && this.options.textsSurviveFailures) this.#owedTexts.set(owedKey, [...(this.#owedTexts.get(owedKey) ?? []), sms]);
    };
    if (handled.has(input.inboundMessageId)) {
      // Already handled: decides nothing, but sends what its first handling owes and could not send.
      const owed = this.optedOut.has(phone) ? [] : (this.#owedTexts.get(owedKey) ?? []);
      this.#owedTexts.delete(owedKey);
      for (const sms of owed) text(sms.kind, sms.txn, sms.lists ? { lists: sms.lists } : {});
      return step;
    }
    handled.set(input.inboundMessageId, now);

    if (input.intent === "START") {
      if (this.optedOut.delete(phone)) text("opt_in", null);
      return step;
    }

    const referenced = this.#referenced(input);
    const facts = (answer: ReplyFacts["answer"], correlatedBy: CorrelatedBy): ReplyFacts => ({
      inboundMessageId: input.inboundMessageId,
      answer,
      correlatedBy,
      receivedAt: input.receivedAt,
    });

    // Contract v2: only verifications whose window [requestedAt, deadline] holds the receipt are open for it.
    const r = input.receivedAt;
    const requestedBefore = this.open(phone).filter((v) => v.requestedAt <= r);
    const inWindow = requestedBefore.filter((v) => !this.options.replyWindowEnforced || r <= v.deadline);
    const pastDeadline = requestedBefore.filter((v) => !inWindow.includes(v));

    if (input.intent === "STOP") {
      this.optedOut.add(phone);
      for (const v of [...inWindow, ...pastDeadline]) {
        const by = v.txn === referenced?.txn ? "previousPublishedMessageId" : "phoneNumber";
        this.#decide(v, "OPTED_OUT", now, facts("STOP", by), step, true);
      }
      return step;
    }
    if (this.optedOut.has(phone)) return step; // nothing is ever sent to an opted-out number

    // Contract v2: a decisive reply decides on unambiguous evidence only (a code, or the one open
    // verification when the handset's latest text was not about another one), and otherwise asks.
    const decisive = input.intent === "APPROVE" || input.intent === "DENY";
    const choose = (listed: ModelVerification[]) => text("choose", null, { lists: listed.map((v) => v.txn) });
    let target: ModelVerification | undefined;
    let by: CorrelatedBy = "phoneNumber";
    const coded = input.code === null ? undefined : inWindow.find((v) => v.code === input.code);
    if (coded) {
      target = coded;
      by = "referenceCode";
    } else if (inWindow.length === 1) {
      const [only] = inWindow;
      if (referenced === only) by = "previousPublishedMessageId";
      else if (referenced && decisive) {
        choose(inWindow);
        return step;
      }
      target = only;
    } else if (inWindow.length > 1) {
      if (decisive || !referenced || !inWindow.includes(referenced)) {
        choose(inWindow);
        return step;
      }
      target = referenced;
      by = "previousPublishedMessageId";
    } else {
      target =
        (referenced && referenced.requestedAt <= r ? referenced : undefined) ??
        pastDeadline[0] ??
        this.#latestRecent(phone, now, r);
    }
    if (!target) return step; // nothing open, nothing recent: no SMS

    if (input.intent === "HELP") {
      text("help", target.txn);
      return step;
    }
    if (target.decision !== null) {
      this.#late(target, now, text);
      return step;
    }
    if (input.intent === "APPROVE" || input.intent === "DENY") {
      if (this.options.replyWindowEnforced && input.receivedAt > target.deadline) {
        this.#decide(target, "EXPIRED", now, null, step, true);
        this.#late(target, now, text);
        return step;
      }
      const answer = input.intent === "APPROVE" ? "YES" : "NO";
      this.#decide(target, input.intent === "APPROVE" ? "APPROVED" : "DENIED", now, facts(answer, by), step, true);
      return step;
    }
    if (target.reprompts < 2) {
      target.reprompts += 1;
      text("reprompt", target.txn);
    }
    return step;
  }

  /**
   * One SMS delivery event. A failure of the latest question of an undecided verification decides it
   * UNDELIVERABLE (reason: the event type); any other status of that question moves it forward only;
   * every other event (another text, an unknown MessageId, a decided verification) changes nothing.
   */
  deliveryEvent(input: DeliveryEventInput, now: number, questionOnItsWay = false): Step {
    const step = emptyStep();
    const status = statusOf(input.eventType);
    if (status === null) return step;
    const v = this.#reportedQuestion(input, questionOnItsWay);
    if (!v || v.decision !== null) return step;
    if (v.delivery && (v.delivery.status === status || RANK[v.delivery.status] >= RANK[status])) return step;
    v.delivery = { status, at: input.at };
    if (status === "FAILED") this.#decide(v, "UNDELIVERABLE", now, null, step, false, input.eventType as UndeliverableReason);
    return step;
  }

  /**
   * The verification whose latest question the event reports on, if any. `questionOnItsWay`: the event
   * is the provider's report on the question of its context's verification, accepted and not yet
   * recorded by the service.
   */
  #reportedQuestion(input: DeliveryEventInput, questionOnItsWay: boolean): ModelVerification | undefined {
    const question = this.#questions.get(input.messageId);
    if (question) {
      const v = this.verifications.get(question.txn);
      const samePhone = v?.phone === question.phone && (input.phone === null || input.phone === v.phone);
      return samePhone && v.question === input.messageId ? v : undefined;
    }
    if (!questionOnItsWay || input.contextTxn === null) return undefined;
    const v = this.verifications.get(input.contextTxn);
    // An earlier event ahead of the same record may have named the question already.
    if (!v || v.decision !== null || (v.question !== null && v.question !== input.messageId)) return undefined;
    v.question = input.messageId;
    v.outbound ??= input.messageId;
    return v;
  }

  #late(target: ModelVerification, now: number, text: (kind: SmsKind, txn: string) => void): void {
    const decidedAt = target.decision?.decidedAt ?? now;
    if (!target.lateSent && now - decidedAt <= DAY_MS) {
      target.lateSent = true;
      text("late", target.txn);
    }
  }

  #referenced(input: ReplyInput): ModelVerification | undefined {
    if (!input.previousPublishedMessageId) return undefined;
    const message = this.#messages.get(input.previousPublishedMessageId);
    if (!message || message.phone !== input.phone) return undefined;
    // The index names a transactionId: after retention that id may be another phone's verification.
    const v = this.verifications.get(message.txn);
    return v?.phone === message.phone ? v : undefined;
  }

  #latestRecent(phone: string, now: number, receivedAt: number): ModelVerification | undefined {
    let latest: ModelVerification | undefined;
    for (const v of this.verifications.values()) {
      if (v.phone !== phone || !v.recent || v.decision === null || now - v.decision.decidedAt > DAY_MS) continue;
      if (v.requestedAt > receivedAt) continue;
      const l = latest?.decision;
      if (!latest || !l || v.decision.decidedAt > l.decidedAt || (v.decision.decidedAt === l.decidedAt && v.txn > latest.txn)) {
        latest = v;
      }
    }
    return latest;
  }

  #decide(
    v: ModelVerification,
    decision: Decision,
    now: number,
    reply: ReplyFacts | null,
    step: Step,
    recent: boolean,
    undeliverableReason: UndeliverableReason | null = null,
  ): void {
    if (v.decision !== null) throw new Error(`model: ${v.txn} decided twice`);
    v.decision = { decision, decidedAt: now, reply, outboundMessageId: v.outbound, undeliverableReason, delivery: v.delivery && { ...v.delivery } };
    v.recent = recent;
    step.decided.push(v.txn);
  }
}

export function merge(into: Step, from: Step): void {
  into.sms.push(...from.sms);
  into.decided.push(...from.decided);
  into.created.push(...from.created);
}

/** Decisions after which the cardholder is owed one confirmation SMS. */
export const confirms = (decision: Decision): boolean => decision === "APPROVED" || decision === "DENIED";
