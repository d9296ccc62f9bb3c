import { z } from "zod";
import { metadataSchema } from "./metadata.ts";
import { isIso4217Currency } from "./money.ts";

const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, "must be an E.164 phone number");

export const transactionIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 chars of [A-Za-z0-9._:-]");

/** Unknown fields are refused: a misspelt optional field must not be silently ignored. */
export const verificationRequestSchema = z.strictObject({
  type: z.literal("verification.requested"),
  transactionId: transactionIdSchema,
  phoneNumber: e164,
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().refine(isIso4217Currency, "must be an ISO 4217 currency code"),
  merchant: z.string().min(1).max(64),
  cardLast4: z.string().regex(/^\d{4}$/, "must be 4 digits"),
  expiresInSeconds: z.number().int().min(30).max(86_400).optional(),
  locale: z.string().regex(/^[A-Za-z0-9-]{1,35}$/, "must be a BCP 47 language tag").optional(),
  metadata: metadataSchema.optional(),
});

export const cancellationSchema = z.strictObject({
  type: z.literal("verification.cancelled"),
  transactionId: transactionIdSchema,
});

export const requestQueueMessageSchema = z.discriminatedUnion("type", [verificationRequestSchema, cancellationSchema]);

/** Pinpoint's two-way SMS payload. Extra fields are ignored, as the contract says. */
export const inboundSmsSchema = z.object({
  originationNumber: e164,
  destinationNumber: z.string().min(1).max(64),
  messageKeyword: z.string().max(64).optional().nullable(),
  messageBody: z.string().max(1600),
  inboundMessageId: z.string().min(1).max(256),
  previousPublishedMessageId: z.string().max(256).optional().nullable(),
});

export type VerificationRequest = z.infer<typeof verificationRequestSchema>;
export type Cancellation = z.infer<typeof cancellationSchema>;
export type RequestQueueMessage = z.infer<typeof requestQueueMessageSchema>;
export type InboundSms = z.infer<typeof inboundSmsSchema>;
