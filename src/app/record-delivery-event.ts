import { transactionIdSchema } from "../domain/messages.ts";
import { isE164, maskPhone } from "../domain/phone.ts";
import { deliveryStatusOf, type SmsDeliveryEvent } from "../domain/sms-delivery-event.ts";
import type { DeliveryOutcome } from "../ports.ts";
import type { AppContext } from "./context.ts";
import { settleDecision } from "./settle-decision.ts";

export type DeliveryEventOutcome = DeliveryOutcome | "not_a_status";

/** What the metrics see of delivery events (no phone, no transaction). */
export interface DeliveryObserver {
  /** Every event read, by type. */
  eventSeen(eventType: string): void;
  /** Carrier delivery time of a delivered text: eventTimestamp − messageRequestTimestamp. */
  deliveredAfter(seconds: number): void;
}

export interface DeliveryEventResult {
  outcome: DeliveryEventOutcome;
  transactionId?: string;
  phoneNumberMasked?: string;
}

/**
 * One delivery event (contract: "SMS delivery events"). A failure of an undecided verification's
 * latest question decides it UNDELIVERABLE; other statuses only move the question's status forward;
 * anything else is counted and dropped. The Redis script makes each event one atomic step, so a
 * failure racing a reply yields exactly one decision.
 */
export async function recordDeliveryEvent(
  ctx: AppContext,
  event: SmsDeliveryEvent,
  observer: DeliveryObserver,
): Promise<DeliveryEventResult> {
  observer.eventSeen(event.eventType);
  const status = deliveryStatusOf(event.eventType);
  if (!status) return { outcome: "not_a_status" };
  const contextTransactionId = transactionIdOf(event);
  const phoneNumber = await phoneOf(ctx, event, contextTransactionId);
  if (!phoneNumber) return { outcome: "unknown" };

  const result = await ctx.store.recordDelivery({
    phoneNumber,
    messageId: event.messageId,
    contextTransactionId,
    status,
    eventType: event.eventType,
    at: event.eventTimestamp,
    now: ctx.clock.now(),
    eventId: ctx.newId(),
  });
  const { outcome, verification } = result;
  const known = outcome !== "duplicate" && outcome !== "stale";
  if (status === "DELIVERED" && known && event.messageRequestTimestamp !== undefined) {
    observer.deliveredAfter(Math.max(0, event.eventTimestamp - event.messageRequestTimestamp) / 1000);
  }
  if (verification && (outcome === "undeliverable" || outcome === "decided_already")) {
    await settleDecision(ctx, verification, { owner: outcome === "undeliverable" });
  }
  if (status === "FAILED" && outcome !== "undeliverable") {
    ctx.log.info({ eventType: event.eventType, outcome, phoneNumberMasked: maskPhone(phoneNumber) }, "delivery failure decides nothing");
  }
  return {
    outcome,
    ...(verification ? { transactionId: verification.transactionId } : {}),
    phoneNumberMasked: maskPhone(phoneNumber),
  };
}

function transactionIdOf(event: SmsDeliveryEvent): string | null {
  const candidate = event.context?.["transactionId"];
  return transactionIdSchema.safeParse(candidate).success ? (candidate ?? null) : null;
}

/** The event names the texted phone; without it, the transaction the text was about does. */
async function phoneOf(ctx: AppContext, event: SmsDeliveryEvent, transactionId: string | null): Promise<string | null> {
  if (event.destinationPhoneNumber && isE164(event.destinationPhoneNumber)) return event.destinationPhoneNumber;
  return transactionId ? ctx.store.phoneOf(transactionId) : null;
}
