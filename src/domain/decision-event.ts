import { z } from "zod";
import { transactionIdSchema } from "./messages.ts";
import { maskPhone } from "./phone.ts";
import { deliveryFailureTypes } from "./sms-delivery-event.ts";
import { decisions, type DecidedVerification } from "./verification.ts";

export const DECISION_EVENT_SCHEMA_VERSION = 2;

/** Why a verification was decided UNDELIVERABLE: a send refusal, a question never sent, or a delivery failure. */
export const undeliverableReasons = ["OPTED_OUT", "INVALID_DESTINATION", "BLOCKED", "NOT_SENT", ...deliveryFailureTypes] as const;
export type UndeliverableReason = (typeof undeliverableReasons)[number];

const isoTime = z.iso.datetime({ offset: false, precision: 3 });

export const decisionEventSchema = z
  .object({
    eventType: z.literal("verification.decided").describe("also the SNS message attribute eventType"),
    schemaVersion: z.literal(DECISION_EVENT_SCHEMA_VERSION).describe("2 for this shape; raised by any change a strict consumer could trip on"),
    eventId: z.string().min(1).describe("stable id of this decision; a re-publish reuses it, so subscribers deduplicate on it"),
    transactionId: transactionIdSchema,
    decision: z.enum(decisions).meta({ title: "Decision" }).describe("EXPIRED: no decisive reply in time; CANCELLED: the card system cancelled"),
    requestedAt: isoTime.describe("when the service accepted the request: the reply window's start"),
    decidedAt: isoTime.describe("when the decision was recorded"),
    phoneNumberMasked: z.string().regex(/^\+\d\**\d{0,4}$/).describe("+, the first digit, one * per hidden digit, the last four"),
    outboundMessageId: z.string().nullable().describe("MessageId of the question SMS, null when none was accepted"),
    reply: z
      .object({
        inboundMessageId: z.string(),
        answer: z.enum(["YES", "NO", "STOP"]).meta({ title: "ReplyAnswer" }),
        correlatedBy: z.enum(["previousPublishedMessageId", "referenceCode", "phoneNumber"]).meta({ title: "CorrelatedBy" }),
        receivedAt: isoTime,
      })
      .meta({ title: "DecidingReply" })
      .nullable()
      .describe("the reply that decided, null when none did"),
    undeliverableReason: z.enum(undeliverableReasons).meta({ title: "UndeliverableReason" }).nullable().describe("set when decision is UNDELIVERABLE, else null"),
    delivery: z
      .object({ status: z.enum(["PENDING", "DELIVERED", "FAILED"]).meta({ title: "DeliveryStatus" }), at: isoTime })
      .meta({ title: "QuestionDelivery" })
      .nullable()
      .describe("the question's latest delivery status, null when no delivery event arrived"),
    metadata: z.record(z.string(), z.string()).describe("the request's metadata, unchanged"),
  })
  .describe("The one decision about a verification, published to the decisions topic");

export type DecisionEvent = z.infer<typeof decisionEventSchema>;

/** The SNS message attributes (String) every decision event carries, so subscriptions can filter on them. */
export const decisionEventAttributesSchema = z
  .object({
    eventType: decisionEventSchema.shape.eventType,
    decision: decisionEventSchema.shape.decision,
  })
  .describe("SNS message attributes of a decision event, each of DataType String");

export type DecisionEventAttributes = z.infer<typeof decisionEventAttributesSchema>;

export function decisionEventAttributes(event: DecisionEvent): DecisionEventAttributes {
  return { eventType: event.eventType, decision: event.decision };
}

/** Built only from what Redis recorded with the decision, so a re-publish carries the same event. */
export function buildDecisionEvent(verification: DecidedVerification): DecisionEvent {
  const { decision } = verification;
  return {
    eventType: "verification.decided",
    schemaVersion: DECISION_EVENT_SCHEMA_VERSION,
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
    undeliverableReason: decision.undeliverableReason,
    delivery: decision.delivery && { status: decision.delivery.status, at: new Date(decision.delivery.at).toISOString() },
    metadata: verification.metadata ?? {},
  };
}
