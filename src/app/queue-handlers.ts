import { maskPhone } from "../domain/phone.ts";
import { inboundSmsSchema, requestQueueMessageSchema } from "../domain/messages.ts";
import type { MessageHandler } from "../ports.ts";
import { cancelVerification } from "./cancel-verification.ts";
import type { AppContext } from "./context.ts";
import { handleReply } from "./handle-reply.ts";
import { parseMessage } from "./parse-message.ts";
import { requestVerification } from "./request-verification.ts";

export function requestQueueHandler(ctx: AppContext): MessageHandler {
  return async ({ payload }) => {
    const parsed = parseMessage(requestQueueMessageSchema, payload);
    if (parsed.type === "verification.cancelled") {
      return { outcome: await cancelVerification(ctx, parsed), transactionId: parsed.transactionId };
    }
    return {
      outcome: await requestVerification(ctx, parsed),
      transactionId: parsed.transactionId,
      phoneNumberMasked: maskPhone(parsed.phoneNumber),
    };
  };
}

export function inboundQueueHandler(ctx: AppContext): MessageHandler {
  return async ({ payload, receivedAt }) => {
    const sms = parseMessage(inboundSmsSchema, payload);
    const outcome = await handleReply(ctx, sms, receivedAt);
    return { outcome, phoneNumberMasked: maskPhone(sms.originationNumber) };
  };
}
