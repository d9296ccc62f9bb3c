import type { VerificationRequest } from "../domain/messages.ts";
import { renderQuestion } from "../domain/sms-text.ts";
import type { Verification } from "../domain/verification.ts";
import { PermanentSmsError, TransientError } from "../errors.ts";
import type { AppContext } from "./context.ts";
import { settleDecision } from "./settle-decision.ts";

const DAY_SECONDS = 86_400;
/** A verification still SENDING this long after it was recorded is taken as a crashed send and texted again. */
const SEND_LEASE_MS = 30_000;

export type RequestOutcome =
  | "sent"
  | "undeliverable"
  | "decided_at_once"
  | "duplicate"
  | "duplicate_other_phone"
  | "send_in_progress";

export async function requestVerification(ctx: AppContext, request: VerificationRequest): Promise<RequestOutcome> {
  const now = ctx.clock.now();
  const windowSeconds = request.expiresInSeconds ?? ctx.settings.verificationTtlSeconds;
  const claim = await ctx.store.claimTransaction(request.transactionId, request.phoneNumber, windowSeconds + DAY_SECONDS);
  if (claim.kind === "existing" && claim.phoneNumber !== request.phoneNumber) return "duplicate_other_phone";

  const deadline = now + windowSeconds * 1000;
  const [created] = await Promise.all([
    ctx.store.create({
      transactionId: request.transactionId,
      phoneNumber: request.phoneNumber,
      amountMinor: request.amountMinor,
      currency: request.currency,
      merchant: request.merchant,
      cardLast4: request.cardLast4,
      locale: request.locale,
      metadata: request.metadata,
      requestedAt: now,
      deadline,
      cancelledEarlier: claim.kind === "cancelledEarlier" || (claim.kind === "existing" && claim.cancelledEarlier),
      eventId: ctx.newId(),
    }),
    // Scheduled with the record (NX keeps an earlier schedule): whatever happens next, it expires.
    ctx.store.scheduleDeadline(request.phoneNumber, request.transactionId, deadline),
  ]);

  switch (created.kind) {
    case "created":
      return textCardholder(ctx, created.verification, created.othersOpen > 0);
    case "decided":
      await settleDecision(ctx, created.verification, { owner: true });
      return "decided_at_once";
    case "exists":
      return resume(ctx, created.verification, now);
  }
}

/** A request seen before: finish what the earlier attempt left, never text twice while it may still be texting. */
async function resume(ctx: AppContext, verification: Verification, now: number): Promise<RequestOutcome> {
  if (verification.state === "DECIDED") {
    await settleDecision(ctx, verification, { owner: false });
    return "duplicate";
  }
  if (verification.state === "OPEN") return "duplicate";
  if (now - verification.requestedAt < SEND_LEASE_MS) {
    throw new TransientError("the first delivery of this request is still texting the cardholder");
  }
  return textCardholder(ctx, verification, true);
}

async function textCardholder(ctx: AppContext, verification: Verification, showCode: boolean): Promise<RequestOutcome> {
  const body = renderQuestion({
    brand: ctx.settings.brandName,
    amountMinor: verification.amountMinor,
    currency: verification.currency,
    merchant: verification.merchant,
    cardLast4: verification.cardLast4,
    locale: verification.locale,
    referenceCode: showCode ? verification.referenceCode : null,
  });
  const { phoneNumber, transactionId } = verification;
  let messageId: string;
  try {
    messageId = await ctx.sms.send({ kind: "question", destinationPhoneNumber: phoneNumber, body, transactionId });
  } catch (error) {
    if (!(error instanceof PermanentSmsError)) throw error;
    const result = await ctx.store.decide(phoneNumber, transactionId, "UNDELIVERABLE", {
      now: ctx.clock.now(),
      eventId: ctx.newId(),
    });
    if (result.kind !== "missing") await settleDecision(ctx, result.verification, { owner: result.kind === "decided" });
    return "undeliverable";
  }
  const recorded = await ctx.store.recordSent(phoneNumber, transactionId, messageId);
  // Cancelled or opted out while the SMS was on its way: that decision is settled here too.
  if (recorded?.state === "DECIDED") await settleDecision(ctx, recorded, { owner: false });
  return "sent";
}
