import type { Cancellation } from "../domain/messages.ts";
import type { AppContext } from "./context.ts";
import { settleDecision } from "./settle-decision.ts";

export type CancelOutcome = "cancelled" | "already_decided" | "remembered";

export async function cancelVerification(ctx: AppContext, cancellation: Cancellation): Promise<CancelOutcome> {
  const lookup = await ctx.store.lookupForCancellation(cancellation.transactionId);
  if (lookup.kind === "remembered") return "remembered";
  const result = await ctx.store.decide(lookup.phoneNumber, cancellation.transactionId, "CANCELLED", {
    now: ctx.clock.now(),
    eventId: ctx.newId(),
  });
  // Claimed but not recorded yet: the script left a marker that the request's own script honours.
  if (result.kind === "missing") return "remembered";
  if (result.kind === "decided" || result.verification.decision?.decision === "CANCELLED") {
    await settleDecision(ctx, result.verification, { owner: result.kind === "decided" });
    return result.kind === "decided" ? "cancelled" : "already_decided";
  }
  return "already_decided";
}
