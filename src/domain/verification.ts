export const decisions = ["APPROVED", "DENIED", "EXPIRED", "OPTED_OUT", "UNDELIVERABLE", "CANCELLED"] as const;
export type Decision = (typeof decisions)[number];

export type CorrelatedBy = "previousPublishedMessageId" | "referenceCode" | "phoneNumber";

export interface ReplyFacts {
  inboundMessageId: string;
  answer: "YES" | "NO" | "STOP";
  correlatedBy: CorrelatedBy;
  receivedAt: number;
}

export interface DecisionRecord {
  decision: Decision;
  decidedAt: number;
  eventId: string;
  reply: ReplyFacts | null;
  published: boolean;
  /** The confirmation SMS owed after APPROVED or DENIED. */
  confirmation: "pending" | "sent" | "none";
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
