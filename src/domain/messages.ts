import { z } from "zod";
import { metadataSchema } from "./metadata.ts";
import { isIso4217Currency } from "./money.ts";

const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, "must be an E.164 phone number");

export const transactionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 chars of [A-Za-z0-9._:-]")
  .describe("the card system's id of the charge; the idempotency key");

/** Unknown fields are refused: a misspelt optional field must not be silently ignored. */
export const verificationRequestSchema = z.strictObject({
  type: z.literal("verification.requested"),
  transactionId: transactionIdSchema,
  phoneNumber: e164.describe("the cardholder's phone, E.164"),
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("the amount in the currency's ISO 4217 minor unit"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 currency code", abort: true })
    .refine(isIso4217Currency, "must be an ISO 4217 currency code")
    .describe("ISO 4217 currency code"),
  merchant: z.string().min(1).max(64).describe("as the SMS names it; shortened to fit one segment"),
  cardLast4: z.string().regex(/^\d{4}$/, "must be 4 digits").describe("the card's last four digits"),
  expiresInSeconds: z.number().int().min(30).max(86_400).optional().describe("the reply window; default VERIFICATION_TTL_SECONDS"),
  locale: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,35}$/, "must be a BCP 47 language tag")
    .optional()
    .describe("BCP 47 language of the SMS; unknown languages fall back to English"),
  metadata: metadataSchema.optional().describe("echoed unchanged in the decision event"),
});

export const cancellationSchema = z.strictObject({
  type: z.literal("verification.cancelled"),
  transactionId: transactionIdSchema,
});

export const requestQueueMessageSchema = z.discriminatedUnion("type", [verificationRequestSchema, cancellationSchema]);

/** Pinpoint's two-way SMS payload. Extra fields are ignored, as the contract says. */
export const inboundSmsSchema = z.object({
  originationNumber: e164.describe("the phone that replied"),
  destinationNumber: z.string().min(1).max(64).describe("the number the reply was sent to"),
  messageKeyword: z.string().max(64).optional().nullable(),
  messageBody: z.string().max(1600).describe("the reply's text"),
  inboundMessageId: z.string().min(1).max(256).describe("AWS's id of the reply; a repeated id is handled once"),
  previousPublishedMessageId: z
    .string()
    .max(256)
    .optional()
    .nullable()
    .describe("the MessageId of the latest text the handset got (not necessarily the one answered); may be missing or empty"),
});

export type VerificationRequest = z.infer<typeof verificationRequestSchema>;
export type Cancellation = z.infer<typeof cancellationSchema>;
export type RequestQueueMessage = z.infer<typeof requestQueueMessageSchema>;
export type InboundSms = z.infer<typeof inboundSmsSchema>;
