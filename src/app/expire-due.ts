import type { AppContext } from "./context.ts";
import { EXPIRY_PUBLISH_LEASE_MS, hasPendingWork, settleLeaseHeld } from "../domain/verification.ts";
import { settleDecision } from "./settle-decision.ts";

/** Equal to EXPIRY_PUBLISH_LEASE_MS: a sweep that dies mid-publish is replaced after this. */
export const EXPIRY_LEASE_MS = EXPIRY_PUBLISH_LEASE_MS;
const BATCH = 200;

/**
 * One pass of the expiry sweep, run by every worker: claims due deadlines for a short lease, decides
 * EXPIRED where still open, and publishes. A worker dying mid-pass leaves the lease to run out and
 * another worker takes over, so no leader is needed and a restart loses nothing.
 */
export async function expireDue(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.store.claimDueDeadlines(now, BATCH, EXPIRY_LEASE_MS);
  let expired = 0;
  await Promise.all(
    due.map(async ({ phoneNumber, transactionId }) => {
      try {
        const result = await ctx.store.decide(phoneNumber, transactionId, "EXPIRED", {
          now,
          eventId: ctx.newId(),
          onlyIfDue: true,
        });
        if (result.kind === "missing") {
          await ctx.store.completeDeadline(phoneNumber, transactionId);
          return;
        }
        const decision = result.verification.decision;
        if (result.kind === "decided") {
          expired += 1;
          await settleDecision(ctx, result.verification, { owner: true });
        } else if (decision && !hasPendingWork(decision)) {
          await ctx.store.completeDeadline(phoneNumber, transactionId);
        } else if (decision && !settleLeaseHeld(decision, now)) {
          // Decided elsewhere and left unfinished (its handler died): the sweep finishes it.
          await settleDecision(ctx, result.verification, { owner: false });
        }
      } catch (error) {
        ctx.log.error(
          { err: error instanceof Error ? { name: error.name, message: error.message } : String(error), transactionId },
          "expiry failed; the next sweep retries it",
        );
        // Give the claim back at once rather than after its lease: the next sweep (~0.5 s) retries.
        await ctx.store.rescheduleDeadline(phoneNumber, transactionId, now).catch(() => undefined);
      }
    }),
  );
  return expired;
}
