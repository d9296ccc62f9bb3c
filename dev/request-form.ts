import { randomBytes } from "node:crypto";
import { verificationRequestSchema, type VerificationRequest } from "../src/domain/messages.ts";
import { isIso4217Currency, minorUnitDigits } from "../src/domain/money.ts";

/** The dev page's form: amounts in major units as typed ("125.40"), everything else as the contract has it. */
export interface RequestFormInput {
  transactionId?: unknown;
  phoneNumber?: unknown;
  amount?: unknown;
  currency?: unknown;
  merchant?: unknown;
  cardLast4?: unknown;
  expiresInSeconds?: unknown;
  locale?: unknown;
}

export class RequestFormError extends Error {
  override readonly name = "RequestFormError";
}

export function newTransactionId(prefix = "txn"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** Turns the form into a contract request, refusing what the service would dead-letter. */
export function requestFromForm(input: RequestFormInput): VerificationRequest {
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const currency = text(input.currency).toUpperCase();
  const expires = text(input.expiresInSeconds);
  const locale = text(input.locale);
  const candidate = {
    type: "verification.requested",
    transactionId: text(input.transactionId) || newTransactionId(),
    phoneNumber: text(input.phoneNumber).replace(/[\s().-]/g, ""),
    amountMinor: toMinorUnits(text(input.amount), currency),
    currency,
    merchant: text(input.merchant),
    cardLast4: text(input.cardLast4),
    ...(expires ? { expiresInSeconds: Number(expires) } : {}),
    ...(locale ? { locale } : {}),
    metadata: { source: "dev-page" },
  };
  const parsed = verificationRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") === "amountMinor" ? "amount" : (issue?.path.join(".") ?? "request");
    throw new RequestFormError(`${field}: ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

function toMinorUnits(amount: string, currency: string): number {
  if (!/^\d{1,15}(\.\d{1,4})?$/.test(amount)) throw new RequestFormError("amount: must be a number like 125.40");
  if (!isIso4217Currency(currency)) throw new RequestFormError("currency: must be an ISO 4217 currency code");
  const digits = minorUnitDigits(currency);
  const [whole = "0", fraction = ""] = amount.split(".");
  if (fraction.length > digits) throw new RequestFormError(`amount: ${currency} has ${digits} decimal places`);
  return Number(whole + fraction.padEnd(digits, "0"));
}
