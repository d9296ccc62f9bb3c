import type { ReplyResult } from "../ports.ts";
import type { Verification } from "../domain/verification.ts";
import type { AppContext } from "./context.ts";

/** Waits between attempts of a failed PutMessageFeedback (on top of the SDK's own retries). */
export const FEEDBACK_RETRY_DELAYS_MS = [1_000, 2_000, 4_000];

/**
 * Reply outcomes that tie the reply to one verification: its question reached the handset. An
 * ambiguous reply, a duplicate and a reply with nothing open prove nothing about a given question.
 */
export function repliedTo(result: ReplyResult): Verification[] {
  switch (result.outcome) {
    case "decided":
    case "expired":
    case "help":
    case "reprompt":
    case "late":
    case "ignored_late":
    case "ignored_unknown":
      return result.verifications.slice(0, 1);
    case "opted_out":
      return result.verifications.length === 1 ? result.verifications : [];
    default:
      return [];
  }
}

/**
 * Reports RECEIVED for the verification's question, once (the claim is recorded in Redis), in the
 * background: a decision never waits for it. A report that still fails after its retries gives the
 * claim back, so a later reply reports it.
 */
export async function reportReceived(ctx: AppContext, verification: Verification): Promise<void> {
  const feedback = ctx.feedback;
  if (!feedback) return;
  const { phoneNumber, transactionId } = verification;
  await ctx.background.run("feedback", async () => {
    const messageId = await ctx.store.claimFeedback(phoneNumber, transactionId);
    if (!messageId) return;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await feedback.received(messageId);
        return;
      } catch (error) {
        const delay = FEEDBACK_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          await ctx.store.releaseFeedback(phoneNumber, transactionId);
          throw error;
        }
        ctx.log.warn({ transactionId, err: errorName(error) }, "message feedback failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}
