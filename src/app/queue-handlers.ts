import { maskPhone } from "../domain/phone.ts";
import { inboundSmsSchema, requestQueueMessageSchema } from "../domain/messages.ts";
import { smsDeliveryEventSchema } from "../domain/sms-delivery-event.ts";
import type { MessageHandler } from "../ports.ts";
import { cancelVerification } from "./cancel-verification.ts";
import type { AppContext } from "./context.ts";
import { handleReply } from "./handle-reply.ts";
import { parseMessage } from "./parse-message.ts";
import { recordDeliveryEvent, type DeliveryObserver } from "./record-delivery-event.ts";
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

export function smsEventsQueueHandler(ctx: AppContext, observer: DeliveryObserver): MessageHandler {
  return async ({ payload }) => recordDeliveryEvent(ctx, parseMessage(smsDeliveryEventSchema, payload), observer);
}
