import { buildDecisionEvent } from "../domain/decision-event.ts";
import { renderConfirmation } from "../domain/sms-text.ts";
import {
  CONFIRMATION_LEASE_MS,
  confirmationOwed,
  hasPendingWork,
  isDecided,
  settleLeaseHeld,
  type DecidedVerification,
  type Verification,
} from "../domain/verification.ts";
import { PermanentSmsError, TransientError } from "../errors.ts";
import type { AppContext } from "./context.ts";

export interface SettleOptions {
  /** True for the handler whose own script call took the decision. */
  owner: boolean;
}

/**
 * Finishes what a recorded decision still owes: the decision event (the same event on every
 * retry), then the confirmation SMS. The event is published before the caller acknowledges its
 * message; the owner sends the confirmation in the background, with its deadline entry moved so
 * the expiry sweep sends it if this process dies first. Safe to call again after any crash.
 */
export async function settleDecision(ctx: AppContext, verification: Verification, options: SettleOptions): Promise<void> {
  if (!isDecided(verification)) return;
  const { phoneNumber, transactionId, decision } = verification;
  if (!hasPendingWork(decision)) return;
  const now = ctx.clock.now();
  if (!options.owner && settleLeaseHeld(decision, now)) {
    if (decision.published) return;
    throw new TransientError("the handler that took this decision is still publishing it");
  }
  const confirmationPending = confirmationOwed(decision);
  if (!decision.published) {
    try {
      await ctx.publisher.publish(buildDecisionEvent(verification));
    } catch (error) {
      if (options.owner) await ctx.store.releasePublishLease(phoneNumber, transactionId).catch(() => undefined);
      throw error;
    }
    await Promise.all([
      ctx.store.markPublished(phoneNumber, transactionId),
      confirmationPending
        ? ctx.store.rescheduleDeadline(phoneNumber, transactionId, now + CONFIRMATION_LEASE_MS)
        : ctx.store.completeDeadline(phoneNumber, transactionId),
    ]);
  }
  if (!confirmationPending) return;
  if (options.owner) ctx.background.run("confirmation", () => confirm(ctx, verification));
  else await confirm(ctx, verification);
}

/** How long a worker that claimed the confirmation may take to send it (the SDK's retries included). */
const CONFIRMATION_SEND_LEASE_MS = 30_000;

/** Sends the confirmation once across workers, never after an opt-out, and indexes it for replies. */
async function confirm(ctx: AppContext, verification: DecidedVerification): Promise<void> {
  const { phoneNumber, transactionId } = verification;
  const claim = await ctx.store.claimConfirmation(phoneNumber, transactionId, ctx.clock.now(), CONFIRMATION_SEND_LEASE_MS);
  if (claim === "taken") return;
  if (claim === "claimed") {
    const messageId = await sendConfirmation(ctx, verification);
    await Promise.all([
      ctx.store.markConfirmationSent(phoneNumber, transactionId),
      // A reply to the confirmation names this verification (a late reply), not another open one.
      messageId ? ctx.store.indexMessage(phoneNumber, transactionId, messageId) : Promise.resolve(),
    ]);
  }
  await ctx.store.completeDeadline(phoneNumber, transactionId);
}

async function sendConfirmation(ctx: AppContext, verification: DecidedVerification): Promise<string | null> {
  const decision = verification.decision.decision;
  if (decision !== "APPROVED" && decision !== "DENIED") return null;
  const body = renderConfirmation({
    brand: ctx.settings.brandName,
    locale: verification.locale,
    decision,
    amountMinor: verification.amountMinor,
    currency: verification.currency,
    merchant: verification.merchant,
  });
  try {
    return await ctx.sms.send({
      kind: "confirmation",
      destinationPhoneNumber: verification.phoneNumber,
      body,
      transactionId: verification.transactionId,
    });
  } catch (error) {
    // An opted-out or invalid number will never take it; the decision itself stands.
    if (!(error instanceof PermanentSmsError)) throw error;
    ctx.log.warn({ transactionId: verification.transactionId, reason: error.message }, "confirmation SMS refused");
    return null;
  }
}
