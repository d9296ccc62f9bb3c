import { z } from "zod";

/** Delivery event types that mean the text will never reach the handset (contract: "SMS delivery events"). */
export const deliveryFailureTypes = [
  "TEXT_BLOCKED",
  "TEXT_CARRIER_BLOCKED",
  "TEXT_CARRIER_UNREACHABLE",
  "TEXT_INVALID",
  "TEXT_INVALID_MESSAGE",
  "TEXT_UNREACHABLE",
  "TEXT_SPAM",
  "TEXT_TTL_EXPIRED",
  "TEXT_PROTECT_BLOCKED",
] as const;
export type DeliveryFailureType = (typeof deliveryFailureTypes)[number];

export const deliveredTypes = ["TEXT_DELIVERED", "TEXT_SUCCESSFUL"] as const;
export const pendingTypes = ["TEXT_QUEUED", "TEXT_PENDING"] as const;

/** What a delivery event says of its text, in the order a status may only move forward. */
export type DeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

export function deliveryStatusOf(eventType: string): DeliveryStatus | null {
  if ((deliveryFailureTypes as readonly string[]).includes(eventType)) return "FAILED";
  if ((deliveredTypes as readonly string[]).includes(eventType)) return "DELIVERED";
  if ((pendingTypes as readonly string[]).includes(eventType)) return "PENDING";
  return null;
}

/** Every SMS event type AWS documents; any other is counted under one label ("OTHER"). */
const knownEventTypes: readonly string[] = [...pendingTypes, ...deliveredTypes, ...deliveryFailureTypes, "TEXT_UNKNOWN"];

/** A bounded metric label for an event type. */
export function eventTypeLabel(eventType: string): string {
  return knownEventTypes.includes(eventType) ? eventType : "OTHER";
}

const epochMillis = z.number().int().min(0).max(8_640_000_000_000_000);

/**
 * One event of a configuration set's event destination (AWS End User Messaging SMS "Messaging
 * events"). Only the fields the contract names are read; the others are ignored.
 */
export const smsDeliveryEventSchema = z
  .object({
    eventType: z.string().regex(/^[A-Z][A-Z_]{0,63}$/, "must be an event type such as TEXT_DELIVERED"),
    eventTimestamp: epochMillis.describe("when the event was reported, Unix time in milliseconds"),
    isFinal: z.boolean().optional(),
    messageId: z.string().min(1).max(256).describe("the MessageId SendTextMessage returned"),
    messageRequestTimestamp: epochMillis.optional().describe("when the send was requested, Unix time in milliseconds"),
    destinationPhoneNumber: z.string().max(32).optional(),
    messageStatus: z.string().max(64).optional(),
    context: z.record(z.string(), z.string()).optional().describe("the Context given to SendTextMessage"),
  })
  .describe("An SMS delivery event, raw or in an SNS envelope");

export type SmsDeliveryEvent = z.infer<typeof smsDeliveryEventSchema>;
