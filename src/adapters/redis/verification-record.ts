import type { DeliveryStatus } from "../../domain/sms-delivery-event.ts";
import type {
  CorrelatedBy,
  Decision,
  DecisionRecord,
  DeliveryRecord,
  Verification,
  VerificationState,
} from "../../domain/verification.ts";

/**
 * The one vocabulary of a verification hash: every field the Lua scripts write, by what it means.
 * Short names keep the record small; `lua/README.md` lists the same table for the scripts (a test
 * holds the two, and every field a script names, to this one). A field left at its default is not
 * stored: absent means empty, 0, false or "none".
 */
export const FIELD = {
  amountMinor: "amt",
  currency: "cur",
  merchant: "mer",
  cardLast4: "l4",
  locale: "loc",
  metadata: "meta",
  requestedAt: "reqAt",
  deadline: "dl",
  referenceCode: "code",
  state: "st",
  outboundMessageId: "out",
  latestQuestionId: "dq",
  reprompts: "rp",
  sendLeaseUntil: "sl",
  deliveryStatus: "ds",
  deliveryAt: "dAt",
  decision: "dec",
  decidedAt: "decAt",
  eventId: "eid",
  published: "pub",
  publishLeaseReleased: "plr",
  undeliverableReason: "ur",
  confirmation: "conf",
  confirmationLeaseUntil: "cfl",
  replyInboundId: "rIn",
  replyAnswer: "rAns",
  replyCorrelatedBy: "rBy",
  replyReceivedAt: "rAt",
  lateReplyTexted: "late",
  feedbackClaimed: "fb",
  /** Never stored (the key names it): appended by a script that found the verification itself. */
  transactionId: "txn",
} as const;

export type FieldMeaning = keyof typeof FIELD;

/** Turns a verification hash (HGETALL as a flat array) into the domain's Verification. */
export function parseVerification(flat: unknown, phoneNumber: string, transactionId?: string): Verification | null {
  if (!Array.isArray(flat) || flat.length === 0) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const text = (meaning: FieldMeaning): string => f.get(FIELD[meaning]) ?? "";
  const optional = (meaning: FieldMeaning): string | undefined => f.get(FIELD[meaning]) || undefined;
  const meta = optional("metadata");
  return {
    transactionId: transactionId ?? text("transactionId"),
    phoneNumber,
    amountMinor: Number(text("amountMinor")),
    currency: text("currency"),
    merchant: text("merchant"),
    cardLast4: text("cardLast4"),
    locale: optional("locale"),
    metadata: meta ? (JSON.parse(meta) as Record<string, string>) : undefined,
    requestedAt: Number(text("requestedAt")),
    deadline: Number(text("deadline")),
    referenceCode: optional("referenceCode") ?? null,
    state: (text("state") || "SENDING") as VerificationState,
    outboundMessageId: optional("outboundMessageId") ?? null,
    reprompts: Number(text("reprompts") || "0"),
    sendLeaseUntil: Number(text("sendLeaseUntil") || "0"),
    delivery: parseDelivery(f),
    decision: parseDecision(f),
  };
}

function parseDecision(f: Map<string, string>): DecisionRecord | null {
  const decision = f.get(FIELD.decision);
  if (!decision) return null;
  const replyId = f.get(FIELD.replyInboundId);
  return {
    decision: decision as Decision,
    decidedAt: Number(f.get(FIELD.decidedAt)),
    eventId: f.get(FIELD.eventId) ?? "",
    published: f.get(FIELD.published) === "1",
    confirmation: (f.get(FIELD.confirmation) as DecisionRecord["confirmation"] | undefined) ?? "none",
    publishLeaseReleased: f.get(FIELD.publishLeaseReleased) === "1",
    undeliverableReason: (f.get(FIELD.undeliverableReason) as DecisionRecord["undeliverableReason"] | undefined) ?? null,
    // Delivery events leave a decided verification alone, so this is the status at the decision.
    delivery: parseDelivery(f),
    reply: replyId
      ? {
          inboundMessageId: replyId,
          answer: f.get(FIELD.replyAnswer) as "YES" | "NO" | "STOP",
          correlatedBy: f.get(FIELD.replyCorrelatedBy) as CorrelatedBy,
          receivedAt: Number(f.get(FIELD.replyReceivedAt)),
        }
      : null,
  };
}

function parseDelivery(f: Map<string, string>): DeliveryRecord | null {
  const status = f.get(FIELD.deliveryStatus);
  if (!status) return null;
  return { status: status as DeliveryStatus, at: Number(f.get(FIELD.deliveryAt)) };
}

/**
 * The hash a verification is stored as (the inverse of parseVerification, defaults left out): what
 * the scripts write, in the TypeScript side's terms.
 */
export function encodeVerification(v: Verification): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (meaning: FieldMeaning, value: string | number | null | undefined, unlessEqualTo: string | number = "") => {
    if (value === null || value === undefined || value === unlessEqualTo) return;
    out[FIELD[meaning]] = String(value);
  };
  put("amountMinor", v.amountMinor);
  put("currency", v.currency);
  put("merchant", v.merchant);
  put("cardLast4", v.cardLast4);
  put("locale", v.locale);
  put("metadata", v.metadata ? JSON.stringify(v.metadata) : undefined);
  put("requestedAt", v.requestedAt);
  put("deadline", v.deadline);
  put("referenceCode", v.referenceCode);
  put("state", v.state);
  put("outboundMessageId", v.outboundMessageId);
  put("reprompts", v.reprompts, 0);
  put("sendLeaseUntil", v.sendLeaseUntil, 0);
  put("deliveryStatus", v.delivery?.status);
  put("deliveryAt", v.delivery?.at);
  const d = v.decision;
  if (d) {
    put("decision", d.decision);
    put("decidedAt", d.decidedAt);
    put("eventId", d.eventId);
    put("published", d.published ? "1" : "0");
    put("publishLeaseReleased", d.publishLeaseReleased ? "1" : undefined);
    put("undeliverableReason", d.undeliverableReason);
    put("confirmation", d.confirmation, "none");
    put("replyInboundId", d.reply?.inboundMessageId);
    put("replyAnswer", d.reply?.answer);
    put("replyCorrelatedBy", d.reply?.correlatedBy);
    put("replyReceivedAt", d.reply?.receivedAt);
  }
  return out;
}
