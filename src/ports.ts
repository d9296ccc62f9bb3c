import type { DecisionEvent } from "./domain/decision-event.ts";
import type { ReplyIntent } from "./domain/reply.ts";
import type { Decision, Verification } from "./domain/verification.ts";

export type TransactionClaim =
  | { kind: "new" }
  | { kind: "cancelledEarlier" }
  | { kind: "existing"; phoneNumber: string; cancelledEarlier: boolean };

export type CancellationLookup = { kind: "remembered" } | { kind: "known"; phoneNumber: string };

export type NewVerification = Pick<
  Verification,
  | "transactionId"
  | "phoneNumber"
  | "amountMinor"
  | "currency"
  | "merchant"
  | "cardLast4"
  | "locale"
  | "metadata"
  | "requestedAt"
  | "deadline"
> & {
  cancelledEarlier: boolean;
  eventId: string;
};

export type CreateResult =
  | { kind: "created"; verification: Verification; othersOpen: number }
  | { kind: "exists"; verification: Verification }
  | { kind: "decided"; verification: Verification };

export type DecideResult =
  | { kind: "decided" | "already" | "notDue"; verification: Verification }
  | { kind: "missing" };

export interface ReplyInput {
  phoneNumber: string;
  intent: ReplyIntent;
  answer: "YES" | "NO" | "STOP" | null;
  referenceCode: string | null;
  inboundMessageId: string;
  previousPublishedMessageId: string | null;
  receivedAt: number;
  now: number;
  eventIdSeed: string;
}

export type ReplyOutcome =
  | "duplicate"
  | "opted_in"
  | "opted_out"
  | "ambiguous"
  | "decided"
  | "expired"
  | "help"
  | "reprompt"
  | "late"
  | "ignored"
  | "ignored_late"
  | "ignored_unknown"
  | "ignored_opted_out"
  | "no_verification";

/** A text a reply is owed until it has been sent (a redelivery of the reply sends it then). */
export type OwedText = "help" | "reprompt" | "late" | "ambiguous" | "opted_in";

export interface ReplyResult {
  outcome: ReplyOutcome;
  owedText: OwedText | null;
  verifications: Verification[];
}

export interface DueDeadline {
  phoneNumber: string;
  transactionId: string;
}

export interface VerificationStore {
  claimTransaction(transactionId: string, phoneNumber: string, ttlSeconds: number): Promise<TransactionClaim>;
  lookupForCancellation(transactionId: string): Promise<CancellationLookup>;
  create(input: NewVerification): Promise<CreateResult>;
  scheduleDeadline(phoneNumber: string, transactionId: string, deadline: number): Promise<void>;
  recordSent(phoneNumber: string, transactionId: string, messageId: string): Promise<Verification | null>;
  indexMessage(phoneNumber: string, transactionId: string, messageId: string): Promise<void>;
  decide(
    phoneNumber: string,
    transactionId: string,
    decision: Decision,
    options: { now: number; eventId: string; onlyIfDue?: boolean },
  ): Promise<DecideResult>;
  handleReply(input: ReplyInput): Promise<ReplyResult>;
  /** Records that the text owed to this inbound message was sent. */
  clearOwedText(phoneNumber: string, inboundMessageId: string): Promise<void>;
  /** Claims the confirmation SMS a decision owes (see claim-confirmation-2.lua). */
  claimConfirmation(
    phoneNumber: string,
    transactionId: string,
    now: number,
    leaseMs: number,
  ): Promise<"claimed" | "taken" | "opted_out" | "done">;
  markPublished(phoneNumber: string, transactionId: string): Promise<void>;
  markConfirmationSent(phoneNumber: string, transactionId: string): Promise<void>;
  releasePublishLease(phoneNumber: string, transactionId: string): Promise<void>;
  claimDueDeadlines(now: number, limit: number, leaseMs: number): Promise<DueDeadline[]>;
  completeDeadline(phoneNumber: string, transactionId: string): Promise<void>;
  /** Moves an existing deadline entry (used to have the sweep check on a background task). */
  rescheduleDeadline(phoneNumber: string, transactionId: string, at: number): Promise<void>;
  get(transactionId: string): Promise<Verification | null>;
}

export type SmsKind = "question" | "confirmation" | "help" | "reprompt" | "late" | "choose" | "opt_in";

export interface OutboundSms {
  kind: SmsKind;
  destinationPhoneNumber: string;
  body: string;
  transactionId: string;
}

export interface SmsSender {
  /** Resolves to the MessageId; rejects with PermanentSmsError when the destination can never receive it. */
  send(sms: OutboundSms): Promise<string>;
}

export interface DecisionPublisher {
  publish(event: DecisionEvent): Promise<void>;
}

export interface Clock {
  now(): number;
}
