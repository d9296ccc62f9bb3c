import { buildDecisionEvent } from "../domain/decision-event.ts";
import { renderConfirmation } from "../domain/sms-text.ts";
import { hasPendingWork, isDecided, publishLeaseHeld, type Verification } from "../domain/verification.ts";
import { PermanentSmsError, TransientError } from "../errors.ts";
import type { AppContext } from "./context.ts";

export interface SettleOptions {
  /** True for the handler whose own script call took the decision. */
  owner: boolean;
}

/**
 * Finishes what a recorded decision still owes, in order: the decision event (the same event on
 * every retry), then the confirmation SMS. Safe to call again after any crash: Redis remembers
 * what was done, and the caller acknowledges its message only when this resolves. A duplicate
 * delivery that arrives while the deciding handler is still at work is retried later instead of
 * publishing the event twice.
 */
export async function settleDecision(ctx: AppContext, verification: Verification, options: SettleOptions): Promise<void> {
  if (!isDecided(verification)) return;
  const { phoneNumber, transactionId, decision } = verification;
  if (!hasPendingWork(decision)) return;
  if (!options.owner && publishLeaseHeld(decision, ctx.clock.now())) {
    throw new TransientError("the handler that took this decision is still settling it");
  }
  if (!decision.published) {
    try {
      await ctx.publisher.publish(buildDecisionEvent(verification));
    } catch (error) {
      if (options.owner) await ctx.store.releasePublishLease(phoneNumber, transactionId).catch(() => undefined);
      throw error;
    }
    await Promise.all([
      ctx.store.markPublished(phoneNumber, transactionId),
      ctx.store.completeDeadline(phoneNumber, transactionId),
    ]);
  }
  if (decision.confirmation === "pending") {
    await sendConfirmation(ctx, verification);
    await ctx.store.markConfirmationSent(phoneNumber, transactionId);
  }
}

async function sendConfirmation(ctx: AppContext, verification: Verification): Promise<void> {
  const decision = verification.decision?.decision;
  if (decision !== "APPROVED" && decision !== "DENIED") return;
  const body = renderConfirmation({
    brand: ctx.settings.brandName,
    locale: verification.locale,
    decision,
    amountMinor: verification.amountMinor,
    currency: verification.currency,
    merchant: verification.merchant,
  });
  try {
    await ctx.sms.send({
      kind: "confirmation",
      destinationPhoneNumber: verification.phoneNumber,
      body,
      transactionId: verification.transactionId,
    });
  } catch (error) {
    // An opted-out or invalid number will never take it; the decision itself stands.
    if (!(error instanceof PermanentSmsError)) throw error;
    ctx.log.warn({ transactionId: verification.transactionId, reason: error.message }, "confirmation SMS refused");
  }
}
