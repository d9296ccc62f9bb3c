import type { Message } from "@aws-sdk/client-sqs";
import type { HandlerResult } from "../adapters/sqs/queue-worker.ts";
import { unwrapBody } from "../adapters/sqs/unwrap-body.ts";
import { maskPhone } from "../domain/phone.ts";
import { inboundSmsSchema, requestQueueMessageSchema } from "../domain/messages.ts";
import { cancelVerification } from "./cancel-verification.ts";
import type { AppContext } from "./context.ts";
import { handleReply } from "./handle-reply.ts";
import { parseMessage } from "./parse-message.ts";
import { requestVerification } from "./request-verification.ts";

export function requestQueueHandler(ctx: AppContext): (message: Message) => Promise<HandlerResult> {
  return async (message) => {
    const { payload } = unwrapBody(message.Body);
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

export function inboundQueueHandler(ctx: AppContext): (message: Message) => Promise<HandlerResult> {
  return async (message) => {
    const { payload, publishedAt } = unwrapBody(message.Body);
    const sms = parseMessage(inboundSmsSchema, payload);
    const sentTimestamp = Number(message.Attributes?.SentTimestamp);
    const receivedAt = publishedAt ?? (Number.isFinite(sentTimestamp) ? sentTimestamp : ctx.clock.now());
    const outcome = await handleReply(ctx, sms, receivedAt);
    return { outcome, phoneNumberMasked: maskPhone(sms.originationNumber) };
  };
}
