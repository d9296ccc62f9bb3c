// The carrier of the chaos run: every text the SMS sandbox accepted is reported on the sms-events
// queue as AWS End User Messaging SMS reports it (TEXT_QUEUED, then delivered or failed), with what
// an event destination and a queue do to events: some sent twice, some final events ahead of their
// TEXT_QUEUED, some held back for seconds (after the decision they could have made), and a few for
// MessageIds nobody sent. Seeded: the same rolls for the same traffic.
import { randomUUID } from "node:crypto";
import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { deliveryFailureTypes } from "../../src/domain/sms-delivery-event.ts";
import type { FailureSent } from "./report.ts";

/** What the carrier does with the questions to a handset. */
export type Handset =
  | { kind: "reachable" }
  /** Every text to it fails with this event type. */
  | { kind: "fails"; eventType: string }
  /** Its questions are reported TEXT_QUEUED only; the run sends their final event itself (reportFinal). */
  | { kind: "withheld" };

export interface CarrierOptions {
  random: () => number;
  later: (ms: number, run: () => void) => void;
  /** Puts one event (its JSON) on the sms-events queue. */
  send: (json: string) => void;
  /** Share of events sent twice. */
  duplicateShare: number;
  /** Share of texts whose final event arrives before their TEXT_QUEUED. */
  reorderShare: number;
  /** Share of texts whose final event is held back 5-20 s. */
  lateShare: number;
  /** Share of texts also reported under a MessageId nobody sent (no context). */
  strayShare: number;
  /** Share of texts other than questions (confirmations, help, re-prompts) that fail at the carrier. */
  otherTextFailShare: number;
  /** Whether the run has seen a decision for this transaction. */
  decided: (transactionId: string) => boolean;
}

export interface CarrierFigures {
  eventsSent: number;
  duplicates: number;
  reordered: number;
  late: number;
  /** Failure events sent for questions (duplicates included). */
  questionFailures: number;
  /** Of those, sent after the run had seen the question's decision. */
  questionFailuresAfterDecision: number;
  /** Failure events sent for other texts (confirmations, help, re-prompts). */
  otherTextFailures: number;
  /** Events for MessageIds nobody sent. */
  strays: number;
}

export const randomFailureType = (random: () => number): string =>
  deliveryFailureTypes[Math.floor(random() * deliveryFailureTypes.length)] ?? "TEXT_UNREACHABLE";

export class ChaosCarrier {
  readonly figures: CarrierFigures = { eventsSent: 0,
    duplicates: 0,
    reordered: 0,
    late: 0,
    questionFailures: 0,
    questionFailuresAfterDecision: 0,
    otherTextFailures: 0,
    strays: 0,
  };
  /** Every failure event sent for a question, for the report's judge. */
  readonly failuresSent: FailureSent[] = [];
  readonly #options: CarrierOptions;
  readonly #handsets = new Map<string, Handset>();
  #pending = 0;

  constructor(options: CarrierOptions) {
    this.#options = options;
  }

  /** Events scheduled and not sent yet: the run is not over while there are any. */
  get pending(): number {
    return this.#pending;
  }

  handset(phoneNumber: string, handset: Handset): void {
    this.#handsets.set(phoneNumber, handset);
  }

  /** A text the sandbox accepted: its TEXT_QUEUED, then its final event, as its handset goes. */
  textSent(sms: SentSms, isQuestion: boolean): void {
    const { random } = this.#options;
    const between = (min: number, max: number) => min + random() * (max - min);
    const handset = this.#handsets.get(sms.destinationPhoneNumber) ?? { kind: "reachable" };
    const queuedAfter = between(20, 300);
    const finalAfter = queuedAfter + between(50, 1_500);
    const sentAt = sms.at.getTime();
    this.#schedule(queuedAfter, sms, "TEXT_QUEUED", sentAt + queuedAfter, false);

    let final: string | null = random() < 0.2 ? "TEXT_SUCCESSFUL" : "TEXT_DELIVERED";
    if (handset.kind === "fails") final = handset.eventType;
    if (handset.kind === "withheld" && isQuestion) final = null;
    if (!isQuestion && handset.kind === "reachable" && random() < this.#options.otherTextFailShare) final = randomFailureType(random);
    if (final !== null) {
      let arrives = finalAfter;
      if (random() < this.#options.reorderShare) {
        // Reported after TEXT_QUEUED, delivered before it.
        this.figures.reordered += 1;
        arrives = Math.max(0, queuedAfter - between(10, 200));
      } else if (random() < this.#options.lateShare) {
        this.figures.late += 1;
        arrives = finalAfter + between(5_000, 20_000);
      }
      this.#schedule(arrives, sms, final, sentAt + finalAfter, isQuestion);
    }
    if (random() < this.#options.strayShare) {
      this.figures.strays += 1;
      const stray: SentSms = { ...sms, messageId: randomUUID(), context: undefined };
      const type = random() < 0.5 ? randomFailureType(random) : "TEXT_DELIVERED";
      this.#schedule(between(0, 2_000), stray, type, Date.now(), false);
    }
  }

  /** The final event of a question whose handset is withheld: a failure, sent `afterMs` from now. */
  reportFinal(sms: SentSms, eventType: string, afterMs: number): void {
    this.#schedule(afterMs, sms, eventType, Date.now() + afterMs, true);
  }

  /** Sends the event `afterMs` from now (and maybe again a moment later); `at` is its eventTimestamp. */
  #schedule(afterMs: number, sms: SentSms, eventType: string, at: number, ofQuestion: boolean): void {
    const { random, later, duplicateShare } = this.#options;
    const json = eventJson(sms, eventType, at);
    const failure = (deliveryFailureTypes as readonly string[]).includes(eventType);
    const sendOnce = () => {
      if (failure && ofQuestion) {
        const transactionId = sms.context?.transactionId ?? "";
        const afterDecision = this.#options.decided(transactionId);
        this.failuresSent.push({ transactionId, eventType, sentAt: Date.now(), afterDecision });
        this.figures.questionFailures += 1;
        if (afterDecision) this.figures.questionFailuresAfterDecision += 1;
      } else if (failure) this.figures.otherTextFailures += 1;
      this.figures.eventsSent += 1;
      this.#options.send(json);
    };
    this.#pending += 1;
    later(afterMs, () => {
      this.#pending -= 1;
      sendOnce();
    });
    if (random() < duplicateShare) {
      this.figures.duplicates += 1;
      this.#pending += 1;
      later(afterMs + random() * 3_000, () => {
        this.#pending -= 1;
        sendOnce();
      });
    }
  }
}

/** One event as the configuration set's event destination publishes it. */
function eventJson(sms: SentSms, eventType: string, at: number): string {
  const final = eventType !== "TEXT_QUEUED" && eventType !== "TEXT_PENDING";
  return JSON.stringify({
    eventType,
    eventVersion: "1.0",
    eventTimestamp: Math.round(at),
    isFinal: final,
    originationPhoneNumber: sms.originationNumber ?? sms.originationIdentity,
    destinationPhoneNumber: sms.destinationPhoneNumber,
    isInternationalSend: false,
    messageId: sms.messageId,
    messageRequestTimestamp: sms.at.getTime(),
    messageEncoding: "GSM",
    messageType: sms.messageType ?? "TRANSACTIONAL",
    messageStatus: eventType.replace(/^TEXT_/, ""),
    messageStatusDescription: "chaos carrier",
    ...(sms.context ? { context: sms.context } : {}),
    totalMessageParts: 1,
  });
}
