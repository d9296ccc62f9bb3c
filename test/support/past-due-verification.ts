import { randomUUID } from "node:crypto";
import type { VerificationStore } from "../../src/ports.ts";

/**
 * Records a verification whose 30 s window ended a second before `now`, through the real store (claim,
 * then the create script, which schedules it in its bucket's due set), as a backlog for the sweep.
 * With `messageId` its question counts as sent, so the sweep decides it EXPIRED rather than NOT_SENT.
 */
export async function recordPastDueVerification(
  store: VerificationStore,
  verification: { transactionId: string; phoneNumber: string; now: number; messageId?: string },
): Promise<void> {
  const { transactionId, phoneNumber, now, messageId } = verification;
  await store.claimTransaction(transactionId, phoneNumber, 30);
  await store.create({
    transactionId,
    phoneNumber,
    amountMinor: 1254,
    currency: "USD",
    merchant: "PAST DUE",
    cardLast4: "4242",
    locale: undefined,
    metadata: undefined,
    requestedAt: now - 31_000,
    deadline: now - 1_000,
    cancelledEarlier: false,
    eventId: randomUUID(),
  });
  if (messageId) await store.recordSent(phoneNumber, transactionId, messageId);
}
