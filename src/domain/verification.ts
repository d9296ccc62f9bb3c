import type { UndeliverableReason } from "./decision-event.ts";
import type { DeliveryStatus } from "./sms-delivery-event.ts";

export const decisions = ["APPROVED", "DENIED", "EXPIRED", "OPTED_OUT", "UNDELIVERABLE", "CANCELLED"] as const;
export type Decision = (typeof decisions)[number];

export type CorrelatedBy = "previousPublishedMessageId" | "referenceCode" | "phoneNumber";

export interface ReplyFacts {
  inboundMessageId: string;
  answer: "YES" | "NO" | "STOP";
  correlatedBy: CorrelatedBy;
  receivedAt: number;
}

/** The latest delivery status of a verification's latest question, and when it was reported. */
export interface DeliveryRecord {
  status: DeliveryStatus;
  at: number;
}

export interface DecisionRecord {
  decision: Decision;
  decidedAt: number;
  eventId: string;
  reply: ReplyFacts | null;
  /** Set for UNDELIVERABLE only. */
  undeliverableReason: UndeliverableReason | null;
  /** The question's delivery status as it was when the decision was recorded (it is frozen with it). */
  delivery: DeliveryRecord | null;
  published: boolean;
  /**
   * The confirmation SMS owed after APPROVED or DENIED: pending, being sent (claimed by a worker),
   * sent, skipped (the phone opted out first) or none owed.
   */
  confirmation: "pending" | "sending" | "sent" | "skipped" | "none";
  /** Set when the handler that took the decision gave up publishing it, so another may at once. */
  publishLeaseReleased: boolean;
}

/**
 * The handler that takes a decision publishes it, then sends the confirmation SMS in the
 * background. Until these leases run out, other deliveries and the expiry sweep leave that work to
 * it; after them (the handler died), whoever comes next finishes it.
 */
export const PUBLISH_LEASE_MS = 3_000;
/**
 * An expiry is published by the sweep that took it, which either does so at once or dies; a short
 * lease (the sweep's claim lease) keeps EXPIRED within 5 s of the deadline when it dies.
 */
export const EXPIRY_PUBLISH_LEASE_MS = 2_000;
export const CONFIRMATION_LEASE_MS = 60_000;
/**
 * How long the handler that recorded a verification owns its question's send. A redelivered request
 * sends again only after it ran out (the first sender crashed); the send is cut off before it ends.
 */
export const SEND_LEASE_MS = 60_000;

export function confirmationOwed(decision: DecisionRecord): boolean {
  return decision.confirmation === "pending" || decision.confirmation === "sending";
}

export function hasPendingWork(decision: DecisionRecord): boolean {
  return !decision.published || confirmationOwed(decision);
}

/** True while the deciding handler may still be doing the pending work itself. */
export function settleLeaseHeld(decision: DecisionRecord, now: number): boolean {
  const held = decision.published ? confirmationOwed(decision) : !decision.publishLeaseReleased;
  return held && now < settleLeaseEnd(decision);
}

/** When the deciding handler's lease on the pending work (publish, then confirmation) runs out. */
export function settleLeaseEnd(decision: DecisionRecord): number {
  if (decision.published) return decision.decidedAt + CONFIRMATION_LEASE_MS;
  return decision.decidedAt + (decision.decision === "EXPIRED" ? EXPIRY_PUBLISH_LEASE_MS : PUBLISH_LEASE_MS);
}

export interface Verification {
  transactionId: string;
  phoneNumber: string;
  amountMinor: number;
  currency: string;
  merchant: string;
  cardLast4: string;
  locale: string | undefined;
  metadata: Record<string, string> | undefined;
  requestedAt: number;
  deadline: number;
  referenceCode: string | null;
  state: VerificationState;
  outboundMessageId: string | null;
  reprompts: number;
  /** Until when the question's sender owns the send (0 once released or sent). */
  sendLeaseUntil: number;
  /** The question's delivery status (null until a delivery event arrived); frozen once decided. */
  delivery?: DeliveryRecord | null;
  decision: DecisionRecord | null;
}

export type DecidedVerification = Verification & { state: "DECIDED"; decision: DecisionRecord };

/**
 * SENDING: recorded, question SMS not yet confirmed sent; OPEN: waiting for the reply;
 * DECIDED: final. The Redis scripts apply exactly these transitions atomically.
 */
export type VerificationState = "SENDING" | "OPEN" | "DECIDED";
export type VerificationEvent = "smsSent" | "decide";

const transitions: Record<VerificationState, Partial<Record<VerificationEvent, VerificationState>>> = {
  SENDING: { smsSent: "OPEN", decide: "DECIDED" },
  OPEN: { decide: "DECIDED" },
  DECIDED: {},
};

/** The state after an event, or null when the event does not apply (a decided verification never changes). */
export function nextState(state: VerificationState, event: VerificationEvent): VerificationState | null {
  return transitions[state][event] ?? null;
}

export function isDecided(verification: Verification): verification is DecidedVerification {
  return verification.state === "DECIDED" && verification.decision !== null;
}

/** Decisions after which the cardholder is told what was decided. */
export function owesConfirmation(decision: Decision): boolean {
  return decision === "APPROVED" || decision === "DENIED";
}
