import type { DecisionEvent, UndeliverableReason } from "./domain/decision-event.ts";
import type { ReplyIntent } from "./domain/reply.ts";
import type { DeliveryStatus } from "./domain/sms-delivery-event.ts";
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

export interface DueClaim {
  due: DueDeadline[];
  /** True when some bucket had more due than one claim takes: the sweep goes again at once. */
  more: boolean;
}

export type SendClaim = "claimed" | "held" | "opted_out" | "not_sending" | "missing";

export interface DecideOptions {
  now: number;
  eventId: string;
  /** The sweep: decide only when the deadline passed (a question never accepted is then NOT_SENT). */
  onlyIfDue?: boolean;
  undeliverableReason?: UndeliverableReason;
}

export interface DeliveryInput {
  /** The texted phone: the event's destinationPhoneNumber, else the phone of its context's transaction. */
  phoneNumber: string;
  messageId: string;
  /** The event's context.transactionId: finds a question whose MessageId is not recorded yet. */
  contextTransactionId: string | null;
  status: DeliveryStatus;
  eventType: string;
  /** The event's eventTimestamp. */
  at: number;
  now: number;
  /** The eventId of the UNDELIVERABLE decision a failure takes. */
  eventId: string;
}

export type DeliveryOutcome =
  | "undeliverable"
  | "recorded"
  | "duplicate"
  | "stale"
  | "decided_already"
  | "other_text"
  | "unknown";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  verification: Verification | null;
}

export type ConfirmationClaim = "claimed" | "taken" | "opted_out" | "done";
/** What recording a publish says of the confirmation: "owed" (not claimed), "gone" (expired), or the claim. */
export type PublishedClaim = ConfirmationClaim | "owed" | "gone";

export interface VerificationStore {
  /** The idempotency record of a request whose reply window is `windowSeconds`. */
  claimTransaction(transactionId: string, phoneNumber: string, windowSeconds: number): Promise<TransactionClaim>;
  lookupForCancellation(transactionId: string): Promise<CancellationLookup>;
  create(input: NewVerification): Promise<CreateResult>;
  /** Takes over the question's send when its earlier sender's lease ran out (see claim-send-2.lua). */
  claimSend(phoneNumber: string, transactionId: string, now: number, leaseMs: number): Promise<SendClaim>;
  /** Gives the send lease back after a failed send, so the redelivery may try again at once. */
  releaseSend(phoneNumber: string, transactionId: string): Promise<void>;
  recordSent(phoneNumber: string, transactionId: string, messageId: string): Promise<Verification | null>;
  indexMessage(phoneNumber: string, transactionId: string, messageId: string): Promise<void>;
  decide(phoneNumber: string, transactionId: string, decision: Decision, options: DecideOptions): Promise<DecideResult>;
  handleReply(input: ReplyInput): Promise<ReplyResult>;
  /** Records that the text owed to this inbound message was sent. */
  clearOwedText(phoneNumber: string, inboundMessageId: string): Promise<void>;
  /** Claims the confirmation SMS a decision owes (see claim-confirmation-2.lua). */
  claimConfirmation(phoneNumber: string, transactionId: string, now: number, leaseMs: number): Promise<ConfirmationClaim>;
  /**
   * Records that the decision's event was published and, unless `claimConfirmationForMs` is 0, claims
   * the confirmation it owes in the same round trip ("owed": owed, not claimed; "gone": expired).
   */
  markPublished(
    phoneNumber: string,
    transactionId: string,
    now: number,
    claimConfirmationForMs: number,
  ): Promise<PublishedClaim>;
  /**
   * Gives the idempotency record (another cluster slot) the verification's own end: its deadline or
   * decision, whichever is later, plus the retention, so a replay never finds one without the other.
   * A claim made with its verification already ends there until a decision after the deadline.
   */
  alignClaim(verification: Verification, now: number): Promise<void>;
  /**
   * The confirmation went out (or was refused for good: messageId null): records it, indexes its
   * MessageId for replies and completes the verification's due entry, in one round trip.
   */
  markConfirmationSent(phoneNumber: string, transactionId: string, messageId: string | null): Promise<void>;
  releasePublishLease(phoneNumber: string, transactionId: string): Promise<void>;
  /** Claims, in every bucket, up to `limitPerBucket` verifications due by `now`, for `leaseMs`. */
  claimDue(now: number, limitPerBucket: number, leaseMs: number): Promise<DueClaim>;
  completeDeadline(phoneNumber: string, transactionId: string): Promise<void>;
  /** Moves an existing deadline entry (used to have the sweep check on a background task). */
  rescheduleDeadline(phoneNumber: string, transactionId: string, at: number): Promise<void>;
  get(transactionId: string): Promise<Verification | null>;
  /** The phone of a known transaction (its idempotency record), null when unknown. */
  phoneOf(transactionId: string): Promise<string | null>;
  /** Applies one SMS delivery event (see record-delivery-2.lua). */
  recordDelivery(input: DeliveryInput): Promise<DeliveryResult>;
  /** Claims the one RECEIVED feedback of the verification's question: its MessageId, or null. */
  claimFeedback(phoneNumber: string, transactionId: string): Promise<string | null>;
  /** Gives a failed feedback report back, so a later reply may report it. */
  releaseFeedback(phoneNumber: string, transactionId: string): Promise<void>;
}

export type SmsKind = "question" | "confirmation" | "help" | "reprompt" | "late" | "choose" | "opt_in";

export interface OutboundSms {
  kind: SmsKind;
  destinationPhoneNumber: string;
  body: string;
  transactionId: string;
  /** Seconds the provider may keep trying to deliver it (a question: what is left of its window). */
  timeToLiveSeconds?: number;
  /**
   * A question's deadline (service clock, ms): a paced sender that could not send it by then drops it
   * with NotSentInTimeError, and the sweep decides UNDELIVERABLE (NOT_SENT).
   */
  deadline?: number;
  /** Cuts the send (the SDK's retries included) short. */
  signal?: AbortSignal;
}

export interface SmsSender {
  /**
   * Resolves to the MessageId; rejects with DestinationRefusedError when the destination can never
   * receive it, and SmsSetupError when our own set-up or account is refused.
   */
  send(sms: OutboundSms): Promise<string>;
}

/** PutMessageFeedback: tells the provider a text reached its handset (a reply proves it). */
export interface MessageFeedback {
  received(messageId: string): Promise<void>;
}

export interface DecisionPublisher {
  publish(event: DecisionEvent): Promise<void>;
}

export interface Clock {
  now(): number;
}

/** A queue message as the use cases see it: the payload out of any SNS envelope, and when it was received. */
export interface ReceivedMessage {
  payload: unknown;
  /**
   * When it reached AWS, in the service clock's time: the SNS envelope's Timestamp, else the SQS
   * SentTimestamp (else when it was received from the queue).
   */
  receivedAt: number;
}

export interface HandlerResult {
  outcome: string;
  transactionId?: string | undefined;
  phoneNumberMasked?: string | undefined;
}

/** Handles one message and names the outcome (logged and counted); throws to leave it on the queue. */
export type MessageHandler = (message: ReceivedMessage) => Promise<HandlerResult>;
