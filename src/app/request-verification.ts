import type { VerificationRequest } from "../domain/messages.ts";
import { renderQuestion } from "../domain/sms-text.ts";
import { SEND_LEASE_MS, type Verification } from "../domain/verification.ts";
import { DestinationRefusedError, NotSentInTimeError, TransientError } from "../errors.ts";
import { withAbortAfter } from "./abort-after.ts";
import type { AppContext } from "./context.ts";
import { settleDecision } from "./settle-decision.ts";

/** The send is cut off this long before its lease ends, so no second sender can overlap it. */
const SEND_LEASE_MARGIN_MS = 5_000;
/** The least TimeToLive SendTextMessage takes. */
const MIN_TIME_TO_LIVE_SECONDS = 5;

export type RequestOutcome =
  | "sent"
  | "undeliverable"
  | "decided_at_once"
  | "not_sent"
  | "duplicate"
  | "duplicate_other_phone"
  | "send_in_progress";

export async function requestVerification(ctx: AppContext, request: VerificationRequest): Promise<RequestOutcome> {
  const now = ctx.clock.now();
  const windowSeconds = request.expiresInSeconds ?? ctx.settings.verificationTtlSeconds;
  const claim = await ctx.store.claimTransaction(request.transactionId, request.phoneNumber, windowSeconds);
  if (claim.kind === "existing" && claim.phoneNumber !== request.phoneNumber) return "duplicate_other_phone";

  // The record schedules its own deadline in the same script: whatever happens next, it is decided.
  const created = await ctx.store.create({
    transactionId: request.transactionId,
    phoneNumber: request.phoneNumber,
    amountMinor: request.amountMinor,
    currency: request.currency,
    merchant: request.merchant,
    cardLast4: request.cardLast4,
    locale: request.locale,
    metadata: request.metadata,
    requestedAt: now,
    deadline: now + windowSeconds * 1000,
    cancelledEarlier: claim.kind === "cancelledEarlier" || (claim.kind === "existing" && claim.cancelledEarlier),
    eventId: ctx.newId(),
  });
  // A claim left by an earlier delivery that never created the record ends too early for this one.
  if (claim.kind === "existing" && created.kind !== "exists") await ctx.store.alignClaim(created.verification, now);

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

/**
 * A request seen before: finish what the earlier delivery left. The question is sent again only
 * when the earlier sender's lease ran out (it crashed, or its send failed and gave the lease back).
 */
async function resume(ctx: AppContext, verification: Verification, now: number): Promise<RequestOutcome> {
  if (verification.state === "DECIDED") {
    await settleDecision(ctx, verification, { owner: false });
    return "duplicate";
  }
  if (verification.state === "OPEN") return "duplicate";
  const { phoneNumber, transactionId } = verification;
  const claim = await ctx.store.claimSend(phoneNumber, transactionId, now, SEND_LEASE_MS);
  switch (claim) {
    case "held":
      throw new TransientError("the first delivery of this request is still texting the cardholder");
    case "opted_out":
      return decideWithoutReply(ctx, verification, "OPTED_OUT");
    case "claimed":
      return textCardholder(ctx, verification, true);
    case "not_sending":
    case "missing":
      return "duplicate";
  }
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
  const secondsLeft = Math.floor((verification.deadline - ctx.clock.now()) / 1000);
  let messageId: string;
  try {
    messageId = await withAbortAfter(SEND_LEASE_MS - SEND_LEASE_MARGIN_MS, (signal) =>
      ctx.sms.send({
        kind: "question",
        destinationPhoneNumber: phoneNumber,
        body,
        transactionId,
        timeToLiveSeconds: Math.max(MIN_TIME_TO_LIVE_SECONDS, secondsLeft),
        deadline: verification.deadline,
        signal,
      }),
    );
  } catch (error) {
    if (error instanceof DestinationRefusedError) {
      await decideWithoutReply(ctx, verification, "UNDELIVERABLE", error.reason);
      return "undeliverable";
    }
    // Paced and its turn came after the deadline: the sweep, due at the deadline, decides it
    // UNDELIVERABLE (NOT_SENT); the request is done.
    if (error instanceof NotSentInTimeError) return "not_sent";
    // Not sent, nothing decided: the redelivery of the request tries again at once, and a question
    // never accepted by its deadline is decided UNDELIVERABLE (NOT_SENT) by the sweep.
    await ctx.store.releaseSend(phoneNumber, transactionId).catch(() => undefined);
    throw error;
  }
  const recorded = await ctx.store.recordSent(phoneNumber, transactionId, messageId);
  // Cancelled or opted out while the SMS was on its way: that decision is settled here too.
  if (recorded?.state === "DECIDED") await settleDecision(ctx, recorded, { owner: false });
  return "sent";
}

async function decideWithoutReply(
  ctx: AppContext,
  verification: Verification,
  decision: "UNDELIVERABLE" | "OPTED_OUT",
  undeliverableReason?: DestinationRefusedError["reason"],
): Promise<RequestOutcome> {
  const result = await ctx.store.decide(verification.phoneNumber, verification.transactionId, decision, {
    now: ctx.clock.now(),
    eventId: ctx.newId(),
    ...(undeliverableReason ? { undeliverableReason } : {}),
  });
  if (result.kind !== "missing") await settleDecision(ctx, result.verification, { owner: result.kind === "decided" });
  return decision === "UNDELIVERABLE" ? "undeliverable" : "decided_at_once";
}
