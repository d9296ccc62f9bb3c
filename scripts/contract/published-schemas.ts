import { z } from "zod";
import { decisionEventAttributesSchema, decisionEventSchema } from "../../src/domain/decision-event.ts";
import { cancellationSchema, inboundSmsSchema, verificationRequestSchema } from "../../src/domain/messages.ts";
import { smsDeliveryEventSchema } from "../../src/domain/sms-delivery-event.ts";

/** Every shape the service reads or writes, by the name of its file under docs/schemas/. */
export const publishedSchemas = {
  "verification-request": { title: "VerificationRequest", schema: verificationRequestSchema },
  "verification-cancellation": { title: "VerificationCancellation", schema: cancellationSchema },
  "inbound-sms": { title: "InboundSms", schema: inboundSmsSchema },
  "sms-delivery-event": { title: "SmsDeliveryEvent", schema: smsDeliveryEventSchema },
  "decision-event": { title: "DecisionEvent", schema: decisionEventSchema },
  "decision-event-attributes": { title: "DecisionEventAttributes", schema: decisionEventAttributesSchema },
} as const satisfies Record<string, { title: string; schema: z.ZodType }>;

export type SchemaName = keyof typeof publishedSchemas;

export const schemaNames = Object.keys(publishedSchemas) as SchemaName[];

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of one message, and the dialect it is written in. `io: "input"` describes what a
 * valid message may contain: an object the service merely strips stays open to new fields (the
 * decision event may gain optional fields without a new schemaVersion), and only the strict
 * request shapes forbid unknown ones. Refinements (the currency list) cannot be exported; the schema
 * then states the looser bound.
 */
export function jsonSchemaOf(name: SchemaName, target: "draft-2020-12" | "draft-7"): { dialect: unknown; schema: JsonSchema } {
  const { title, schema } = publishedSchemas[name];
  const { $schema, ...rest } = z.toJSONSchema(schema, { target, io: "input" }) as JsonSchema;
  return { dialect: $schema, schema: { title, ...rest } };
}
