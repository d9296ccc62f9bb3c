import { buildDecisionEvent } from "../domain/decision-event.ts";
import { renderConfirmation } from "../domain/sms-text.ts";
import {
  confirmationOwed,
  hasPendingWork,
  isDecided,
  settleLeaseHeld,
  type DecidedVerification,
  type Verification,
} from "../domain/verification.ts";
import { PermanentSmsError } from "../errors.ts";
import type { PublishedClaim } from "../ports.ts";
import { withAbortAfter } from "./abort-after.ts";
import type { AppContext } from "./context.ts";

export interface SettleOptions {
  /** True for the handler or sweep whose own script call took the decision. */
  owner: boolean;
  /** The sweep never waits for a background slot: a confirmation that finds none is retried shortly. */
  fromSweep?: boolean;
}

/** How soon the sweep retries a publish that failed (SNS down): within 5 s of SNS accepting again. */
export const PUBLISH_RETRY_MS = 1_000;

/**
 * Finishes what a recorded decision still owes: the decision event (the same event on every
 * retry), then the confirmation SMS in the background. Every decision is also due in the outbox
 * (the due set) when its publish lease runs out, so a failed publish is only logged here: the sweep
 * publishes it within seconds of SNS accepting again, whatever happens to the message that caused it.
 * Safe to call again after any crash.
 */
export async function settleDecision(ctx: AppContext, verification: Verification, options: SettleOptions): Promise<void> {
  if (!isDecided(verification)) return;
  const { phoneNumber, transactionId, decision } = verification;
  if (!hasPendingWork(decision)) return;
  const now = ctx.clock.now();
  // The taker is still on it; if it died, the outbox entry brings the sweep when its lease ends.
  if (!options.owner && settleLeaseHeld(decision, now)) return;
  let claim: PublishedClaim | undefined;
  if (!decision.published) {
    try {
      // Beside the publish, not before it: no round trip is added to the way to the event.
      await Promise.all([
        decision.decidedAt > verification.deadline ? ctx.store.alignClaim(verification, now) : undefined,
        ctx.publisher.publish(buildDecisionEvent(verification)),
      ]);
    } catch (error) {
      ctx.log.warn(
        { transactionId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
        "decision not published yet; the outbox retries it",
      );
      await Promise.all([
        ctx.store.releasePublishLease(phoneNumber, transactionId),
        ctx.store.rescheduleDeadline(phoneNumber, transactionId, now + PUBLISH_RETRY_MS),
      ]).catch(() => undefined);
      return;
    }
    // The publisher claims the confirmation in the same round trip. The sweep does not: it may find no
    // background slot for the send, and a claim it cannot use would hold the confirmation for a lease.
    claim = await ctx.store.markPublished(phoneNumber, transactionId, now, options.fromSweep ? 0 : CONFIRMATION_SEND_LEASE_MS);
  }
  if (claim === "claimed") {
    await ctx.background.run("confirmation", () => sendClaimedConfirmation(ctx, verification, now));
    return;
  }
  if ((claim !== undefined && claim !== "owed") || !confirmationOwed(decision)) return;
  const task = () => confirm(ctx, verification);
  if (!options.fromSweep) {
    await ctx.background.run("confirmation", task);
  } else if (!ctx.background.tryRun("confirmation", task)) {
    await ctx.store.rescheduleDeadline(phoneNumber, transactionId, now + PUBLISH_RETRY_MS);
  }
}

/** How long a worker that claimed the confirmation may take to send it (the SDK's retries included). */
const CONFIRMATION_SEND_LEASE_MS = 30_000;
/** The send is cut off this long before the claim's lease ends, so no second sender can overlap it. */
const CONFIRMATION_SEND_MARGIN_MS = 5_000;

/** Sends the confirmation once across workers, never after an opt-out, and indexes it for replies. */
async function confirm(ctx: AppContext, verification: DecidedVerification): Promise<void> {
  const { phoneNumber, transactionId } = verification;
  const claimedAt = ctx.clock.now();
  const claim = await ctx.store.claimConfirmation(phoneNumber, transactionId, claimedAt, CONFIRMATION_SEND_LEASE_MS);
  if (claim === "taken") return;
  if (claim === "claimed") {
    await sendClaimedConfirmation(ctx, verification, claimedAt);
    return;
  }
  await ctx.store.completeDeadline(phoneNumber, transactionId);
}

/**
 * Sends a confirmation this worker claimed at `claimedAt`, then records it. A claim whose lease ran
 * out while the send waited for a background slot is left alone: its due entry brings the sweep.
 */
async function sendClaimedConfirmation(ctx: AppContext, verification: DecidedVerification, claimedAt: number): Promise<void> {
  const sendWithinMs = claimedAt + CONFIRMATION_SEND_LEASE_MS - CONFIRMATION_SEND_MARGIN_MS - ctx.clock.now();
  if (sendWithinMs <= 0) return;
  const messageId = await sendConfirmation(ctx, verification, sendWithinMs);
  // Indexed: a reply to the confirmation names this verification (a late reply), not another open one.
  await ctx.store.markConfirmationSent(verification.phoneNumber, verification.transactionId, messageId);
}

async function sendConfirmation(ctx: AppContext, verification: DecidedVerification, sendWithinMs: number): Promise<string | null> {
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
    return await withAbortAfter(sendWithinMs, (signal) =>
      ctx.sms.send({
        kind: "confirmation",
        destinationPhoneNumber: verification.phoneNumber,
        body,
        transactionId: verification.transactionId,
        signal,
      }),
    );
  } catch (error) {
    // An opted-out or invalid number will never take it; the decision itself stands.
    if (!(error instanceof PermanentSmsError)) throw error;
    ctx.log.warn({ transactionId: verification.transactionId, reason: error.message }, "confirmation SMS refused");
    return null;
  }
}
