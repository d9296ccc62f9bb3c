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
 * Turns a verification hash (HGETALL as a flat array) into the domain's Verification. The hash does
 * not store the phone number or the transactionId (its key names both): the caller passes what it
 * knows, and a script that found the verification itself appends the field `txn`.
 */
export function parseVerification(flat: unknown, phoneNumber: string, transactionId?: string): Verification | null {
  if (!Array.isArray(flat) || flat.length === 0) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const text = (name: string): string => f.get(name) ?? "";
  const optional = (name: string): string | undefined => (f.get(name) ? f.get(name) : undefined);
  const meta = optional("meta");
  return {
    transactionId: transactionId ?? text("txn"),
    phoneNumber,
    amountMinor: Number(text("amt")),
    currency: text("cur"),
    merchant: text("mer"),
    cardLast4: text("l4"),
    locale: optional("loc"),
    metadata: meta ? (JSON.parse(meta) as Record<string, string>) : undefined,
    requestedAt: Number(text("reqAt")),
    deadline: Number(text("dl")),
    referenceCode: optional("code") ?? null,
    state: (text("st") || "SENDING") as VerificationState,
    outboundMessageId: optional("out") ?? null,
    reprompts: Number(text("rp") || "0"),
    sendLeaseUntil: Number(text("sl") || "0"),
    delivery: parseDelivery(f),
    decision: parseDecision(f),
  };
}

function parseDecision(f: Map<string, string>): DecisionRecord | null {
  const decision = f.get("dec");
  if (!decision) return null;
  const replyId = f.get("rIn");
  return {
    decision: decision as Decision,
    decidedAt: Number(f.get("decAt")),
    eventId: f.get("eid") ?? "",
    published: f.get("pub") === "1",
    confirmation: (f.get("conf") as DecisionRecord["confirmation"] | undefined) ?? "none",
    publishLeaseReleased: f.get("plr") === "1",
    undeliverableReason: (f.get("ur") as DecisionRecord["undeliverableReason"] | undefined) ?? null,
    // Delivery events leave a decided verification alone, so this is the status at the decision.
    delivery: parseDelivery(f),
    reply: replyId
      ? {
          inboundMessageId: replyId,
          answer: f.get("rAns") as "YES" | "NO" | "STOP",
          correlatedBy: f.get("rBy") as CorrelatedBy,
          receivedAt: Number(f.get("rAt")),
        }
      : null,
  };
}

function parseDelivery(f: Map<string, string>): DeliveryRecord | null {
  const status = f.get("ds");
  if (!status) return null;
  return { status: status as DeliveryStatus, at: Number(f.get("dAt")) };
}
