import type { AppContext } from "./context.ts";
import { EXPIRY_PUBLISH_LEASE_MS, hasPendingWork, settleLeaseEnd, settleLeaseHeld } from "../domain/verification.ts";
import type { DueDeadline } from "../ports.ts";
import { PUBLISH_RETRY_MS, settleDecision } from "./settle-decision.ts";

/** Equal to EXPIRY_PUBLISH_LEASE_MS: a sweep that dies mid-publish is replaced after this. */
export const EXPIRY_LEASE_MS = EXPIRY_PUBLISH_LEASE_MS;
/** Claimed per bucket and pass; with 16 buckets one pass takes up to 1,600. */
const BATCH_PER_BUCKET = 100;

export interface SweepPass {
  /** Verifications this pass decided EXPIRED or UNDELIVERABLE (NOT_SENT). */
  expired: number;
  /** True when a bucket had more due than one pass takes: sweep again at once. */
  more: boolean;
}

/**
 * One pass of the sweep, run by every worker over every bucket: claims what is due for a short
 * lease, decides EXPIRED where still open (NOT_SENT where the question was never accepted), and
 * publishes what the outbox holds. A worker dying mid-pass leaves the lease to run out and another
 * takes over, so no leader is needed and a restart loses nothing. It never waits for an SMS send:
 * confirmations go to the bounded background tasks.
 */
export async function expireDue(ctx: AppContext, batchPerBucket = BATCH_PER_BUCKET): Promise<SweepPass> {
  const now = ctx.clock.now();
  const { due, more } = await ctx.store.claimDue(now, batchPerBucket, EXPIRY_LEASE_MS);
  let expired = 0;
  await Promise.all(
    due.map(async (entry) => {
      try {
        if (await sweepOne(ctx, entry, now)) expired += 1;
      } catch (error) {
        ctx.log.error(
          { err: error instanceof Error ? { name: error.name, message: error.message } : String(error), transactionId: entry.transactionId },
          "sweep failed for a verification; the next pass retries it",
        );
        await ctx.store.rescheduleDeadline(entry.phoneNumber, entry.transactionId, now + PUBLISH_RETRY_MS).catch(() => undefined);
      }
    }),
  );
  return { expired, more };
}

/**
 * A sweep: passes back to back for as long as the last one was full (a bucket had more due than a
 * pass takes), so a backlog drains at once instead of a batch per interval. `keepGoing` lets a
 * stopping worker end it between passes. Returns how many it decided.
 */
export async function sweepUntilDrained(
  ctx: AppContext,
  { batchPerBucket = BATCH_PER_BUCKET, keepGoing = () => true }: { batchPerBucket?: number; keepGoing?: () => boolean } = {},
): Promise<number> {
  let expired = 0;
  for (;;) {
    const pass = await expireDue(ctx, batchPerBucket);
    expired += pass.expired;
    if (!pass.more || !keepGoing()) return expired;
  }
}

async function sweepOne(ctx: AppContext, { phoneNumber, transactionId }: DueDeadline, now: number): Promise<boolean> {
  const result = await ctx.store.decide(phoneNumber, transactionId, "EXPIRED", { now, eventId: ctx.newId(), onlyIfDue: true });
  if (result.kind === "missing") {
    await ctx.store.completeDeadline(phoneNumber, transactionId);
    return false;
  }
  const { verification } = result;
  if (result.kind === "notDue") {
    await ctx.store.rescheduleDeadline(phoneNumber, transactionId, verification.deadline);
    return false;
  }
  const decision = verification.decision;
  if (!decision) return false;
  if (result.kind === "decided") {
    await settleDecision(ctx, verification, { owner: true, fromSweep: true });
    return true;
  }
  if (!hasPendingWork(decision)) {
    await ctx.store.completeDeadline(phoneNumber, transactionId);
  } else if (settleLeaseHeld(decision, now)) {
    // Its taker may still be on it: look again when its lease ends.
    await ctx.store.rescheduleDeadline(phoneNumber, transactionId, settleLeaseEnd(decision));
  } else {
    await settleDecision(ctx, verification, { owner: false, fromSweep: true });
  }
  return false;
}
