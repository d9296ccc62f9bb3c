import { maskPhone } from "./phone.ts";
import type { Decision, DecidedVerification } from "./verification.ts";

export interface DecisionEvent {
  eventType: "verification.decided";
  eventId: string;
  transactionId: string;
  decision: Decision;
  requestedAt: string;
  decidedAt: string;
  phoneNumberMasked: string;
  outboundMessageId: string | null;
  reply: {
    inboundMessageId: string;
    answer: "YES" | "NO" | "STOP";
    correlatedBy: "previousPublishedMessageId" | "referenceCode" | "phoneNumber";
    receivedAt: string;
  } | null;
  metadata: Record<string, string>;
}

/** Built only from what Redis recorded with the decision, so a re-publish carries the same event. */
export function buildDecisionEvent(verification: DecidedVerification): DecisionEvent {
  const { decision } = verification;
  return {
    eventType: "verification.decided",
    eventId: decision.eventId,
    transactionId: verification.transactionId,
    decision: decision.decision,
    requestedAt: new Date(verification.requestedAt).toISOString(),
    decidedAt: new Date(decision.decidedAt).toISOString(),
    phoneNumberMasked: maskPhone(verification.phoneNumber),
    outboundMessageId: verification.outboundMessageId,
    reply: decision.reply && {
      inboundMessageId: decision.reply.inboundMessageId,
      answer: decision.reply.answer,
      correlatedBy: decision.reply.correlatedBy,
      receivedAt: new Date(decision.reply.receivedAt).toISOString(),
    },
    metadata: verification.metadata ?? {},
  };
}
