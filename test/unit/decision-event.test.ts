import { describe, expect, it } from "vitest";
import { buildDecisionEvent } from "../../src/domain/decision-event.ts";
import type { DecidedVerification } from "../../src/domain/verification.ts";

const decided: DecidedVerification = {
  transactionId: "txn-8f2c91",
  phoneNumber: "+14255550182",
  amountMinor: 12540,
  currency: "USD",
  merchant: "ACME STORE #42",
  cardLast4: "4242",
  locale: "en-US",
  metadata: { cardId: "card_123" },
  requestedAt: Date.parse("2026-11-26T22:00:00.000Z"),
  deadline: Date.parse("2026-11-26T22:10:00.000Z"),
  referenceCode: "417",
  state: "DECIDED",
  outboundMessageId: "msg-1",
  reprompts: 0,
  sendLeaseUntil: 0,
  decision: {
    decision: "APPROVED",
    decidedAt: Date.parse("2026-11-26T22:00:41.120Z"),
    eventId: "0b7c9a4e-5f1d-4c2a-9e3b-1a2b3c4d5e6f",
    published: false,
    confirmation: "pending",
    publishLeaseReleased: false,
    undeliverableReason: null,
    delivery: { status: "DELIVERED", at: Date.parse("2026-11-26T22:00:03.200Z") },
    reply: {
      inboundMessageId: "cae173d2-66b9-564c-8309-21f858e9fb84",
      answer: "YES",
      correlatedBy: "previousPublishedMessageId",
      receivedAt: Date.parse("2026-11-26T22:00:41.090Z"),
    },
  },
};

describe("decision event", () => {
  it("is exactly the contract's body", () => {
    expect(buildDecisionEvent(decided)).toEqual({
      eventType: "verification.decided",
      schemaVersion: 2,
      eventId: "0b7c9a4e-5f1d-4c2a-9e3b-1a2b3c4d5e6f",
      transactionId: "txn-8f2c91",
      decision: "APPROVED",
      requestedAt: "2026-11-26T22:00:00.000Z",
      decidedAt: "2026-11-26T22:00:41.120Z",
      phoneNumberMasked: "+1******0182",
      outboundMessageId: "msg-1",
      reply: {
        inboundMessageId: "cae173d2-66b9-564c-8309-21f858e9fb84",
        answer: "YES",
        correlatedBy: "previousPublishedMessageId",
        receivedAt: "2026-11-26T22:00:41.090Z",
      },
      undeliverableReason: null,
      delivery: { status: "DELIVERED", at: "2026-11-26T22:00:03.200Z" },
      metadata: { cardId: "card_123" },
    });
  });

  it("has a null reply and empty metadata when none was given", () => {
    const event = buildDecisionEvent({
      ...decided,
      metadata: undefined,
      outboundMessageId: null,
      decision: { ...decided.decision, decision: "EXPIRED", reply: null },
    });
    expect(event).toMatchObject({ decision: "EXPIRED", reply: null, metadata: {}, outboundMessageId: null });
  });
});
