import { decisionEventAttributes, type DecisionEvent, type DecisionEventAttributes } from "../../src/domain/decision-event.ts";
import type { Cancellation, InboundSms, VerificationRequest } from "../../src/domain/messages.ts";
import type { SmsDeliveryEvent } from "../../src/domain/sms-delivery-event.ts";

// The contract's examples (docs/contract.md), with its placeholders filled in with real values.

export interface MessageExample<Payload> {
  name: string;
  summary: string;
  payload: Payload;
  headers?: DecisionEventAttributes;
}

const questionMessageId = "0f9e5c1a-7b7d-4e0a-9d55-3c2b8e2f4a61";

export const verificationRequestExamples: Array<MessageExample<VerificationRequest>> = [
  {
    name: "request",
    summary: "A card system asks the cardholder about a charge of USD 125.40",
    payload: {
      type: "verification.requested",
      transactionId: "txn-8f2c91",
      phoneNumber: "+14255550182",
      amountMinor: 12540,
      currency: "USD",
      merchant: "ACME STORE #42",
      cardLast4: "4242",
      expiresInSeconds: 600,
      locale: "en-US",
      metadata: { cardId: "card_123" },
    },
  },
];

export const cancellationExamples: Array<MessageExample<Cancellation>> = [
  {
    name: "cancellation",
    summary: "The card system no longer needs an answer",
    payload: { type: "verification.cancelled", transactionId: "txn-8f2c91" },
  },
];

export const inboundSmsExamples: Array<MessageExample<InboundSms>> = [
  {
    name: "reply",
    summary: "The cardholder answers YES to the question",
    payload: {
      originationNumber: "+14255550182",
      destinationNumber: "+18885550100",
      messageKeyword: "",
      messageBody: "YES",
      inboundMessageId: "cae173d2-66b9-564c-8309-21f858e9fb84",
      previousPublishedMessageId: questionMessageId,
    },
  },
];

export const smsDeliveryEventExamples: Array<MessageExample<SmsDeliveryEvent>> = [
  {
    name: "delivered",
    summary: "The carrier reports the question delivered to the handset",
    payload: {
      eventType: "TEXT_DELIVERED",
      eventTimestamp: Date.parse("2026-11-26T22:00:03.200Z"),
      isFinal: true,
      messageId: questionMessageId,
      messageRequestTimestamp: Date.parse("2026-11-26T22:00:00.120Z"),
      destinationPhoneNumber: "+14255550182",
      messageStatus: "DELIVERED",
      context: { transactionId: "txn-8f2c91" },
    },
  },
];

const approved: DecisionEvent = {
  eventType: "verification.decided",
  schemaVersion: 2,
  eventId: "0b7c9a4e-5f1d-4c2a-9e3b-1a2b3c4d5e6f",
  transactionId: "txn-8f2c91",
  decision: "APPROVED",
  requestedAt: "2026-11-26T22:00:00.000Z",
  decidedAt: "2026-11-26T22:00:41.120Z",
  phoneNumberMasked: "+1******0182",
  outboundMessageId: questionMessageId,
  reply: {
    inboundMessageId: "cae173d2-66b9-564c-8309-21f858e9fb84",
    answer: "YES",
    correlatedBy: "previousPublishedMessageId",
    receivedAt: "2026-11-26T22:00:41.090Z",
  },
  undeliverableReason: null,
  delivery: { status: "DELIVERED", at: "2026-11-26T22:00:03.200Z" },
  metadata: { cardId: "card_123" },
};

const expired: DecisionEvent = {
  ...approved,
  eventId: "5d0f3b8e-2a61-4f7c-b1e9-8c4d2a7f6e13",
  transactionId: "txn-3b71d0",
  decision: "EXPIRED",
  decidedAt: "2026-11-26T22:10:00.410Z",
  reply: null,
};

const undeliverable: DecisionEvent = {
  ...approved,
  eventId: "9a2e6c4f-1b3d-4e8a-a7c5-6f0b2d9e8c17",
  transactionId: "txn-c4e9a2",
  decision: "UNDELIVERABLE",
  decidedAt: "2026-11-26T22:00:05.020Z",
  reply: null,
  undeliverableReason: "TEXT_CARRIER_UNREACHABLE",
  delivery: { status: "FAILED", at: "2026-11-26T22:00:04.870Z" },
};

export const decisionEventExamples: Array<MessageExample<DecisionEvent>> = [
  { name: "approved", summary: "The cardholder answered YES to the question", event: approved },
  { name: "expired", summary: "No decisive reply within the reply window", event: expired },
  { name: "undeliverable", summary: "The carrier could not reach the handset", event: undeliverable },
].map(({ name, summary, event }) => ({
  name,
  summary,
  payload: event,
  headers: decisionEventAttributes(event),
}));
