import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES } from "./aws-environment.ts";
import { inboundSms, verificationRequest, type Harness } from "./service-harness.ts";

/** A cardholder's side of the service in tests: open a verification, reply, read the next text. */
export function conversation(harness: () => Harness) {
  return {
    /** Requests a verification and waits for its question SMS. */
    openVerification: async (overrides: Record<string, unknown> = {}) => {
      const h = harness();
      const request = verificationRequest(overrides);
      await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
      const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
      return { request, question, transactionId: String(request.transactionId), phone: String(request.phoneNumber) };
    },
    /** Sends a reply straight to the inbound queue (as RawMessageDelivery would) and waits until it is handled. */
    reply: async (fields: Record<string, unknown>) => {
      const h = harness();
      const messageId = await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms(fields)));
      return h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
    },
    /** The next text to `phone` after `after`. */
    textAfter: (phone: string, after: SentSms) =>
      harness().sandbox.waitForSms(
        (m) => m.destinationPhoneNumber === phone && m.at.getTime() >= after.at.getTime() && m.messageId !== after.messageId,
      ),
  };
}
