import type { InboundSms } from "../domain/messages.ts";
import { parseReply } from "../domain/reply.ts";
import {
  renderAlreadyHandled,
  renderChooseVerification,
  renderHelp,
  renderOptedIn,
  renderReprompt,
} from "../domain/sms-text.ts";
import type { Verification } from "../domain/verification.ts";
import { PermanentSmsError } from "../errors.ts";
import type { OwedText, ReplyOutcome, SmsKind } from "../ports.ts";
import type { AppContext } from "./context.ts";
import { withAbortAfter } from "./abort-after.ts";
import { repliedTo, reportReceived } from "./report-feedback.ts";
import { settleDecision } from "./settle-decision.ts";

export type ReplyHandlingOutcome = ReplyOutcome | "wrong_destination";

export async function handleReply(ctx: AppContext, sms: InboundSms, receivedAt: number): Promise<ReplyHandlingOutcome> {
  const expectedNumber = ctx.settings.originationNumber;
  if (expectedNumber && sms.destinationNumber !== expectedNumber) return "wrong_destination";

  const reply = parseReply(sms.messageBody);
  const result = await ctx.store.handleReply({
    phoneNumber: sms.originationNumber,
    intent: reply.intent,
    answer: reply.answer,
    referenceCode: reply.referenceCode,
    inboundMessageId: sms.inboundMessageId,
    previousPublishedMessageId: sms.previousPublishedMessageId || null,
    receivedAt,
    now: ctx.clock.now(),
    eventIdSeed: ctx.newId(),
  });
  // The decision's event first (it never waits for a text), then the text, recorded as owed: a failed
  // send fails the message, and its redelivery (a duplicate) sends the text and finishes any publish.
  const owner = result.outcome === "decided" || result.outcome === "opted_out" || result.outcome === "expired";
  if (owner || result.outcome === "duplicate") {
    for (const verification of result.verifications) await settleDecision(ctx, verification, { owner });
  }
  if (result.owedText) {
    await sendOwedText(ctx, result.owedText, sms.originationNumber, result.verifications);
    await ctx.store.clearOwedText(sms.originationNumber, sms.inboundMessageId);
  }
  // After the decision: the report runs in the background and never holds it up.
  for (const verification of repliedTo(result)) await reportReceived(ctx, verification);
  return result.outcome;
}

async function sendOwedText(ctx: AppContext, owed: OwedText, phoneNumber: string, concerned: Verification[]): Promise<void> {
  const brand = ctx.settings.brandName;
  const [first] = concerned;
  switch (owed) {
    case "opted_in":
      await text(ctx, "opt_in", phoneNumber, "opt-in", renderOptedIn({ brand, locale: first?.locale }));
      return;
    case "ambiguous":
      await askForCode(ctx, concerned);
      return;
    case "help":
      if (first) await textAbout(ctx, first, "help", renderHelp({ brand, locale: first.locale, referenceCode: first.referenceCode }));
      return;
    case "reprompt":
      if (first) {
        await textAbout(ctx, first, "reprompt", renderReprompt({ brand, locale: first.locale, referenceCode: first.referenceCode }));
      }
      return;
    case "late":
      if (first) await textAbout(ctx, first, "late", renderAlreadyHandled({ brand, locale: first.locale }));
      return;
  }
}

/** Texts about one verification and indexes the MessageId, so a reply to this text correlates to it. */
async function textAbout(ctx: AppContext, verification: Verification, kind: SmsKind, body: string): Promise<void> {
  const messageId = await text(ctx, kind, verification.phoneNumber, verification.transactionId, body);
  if (messageId) await ctx.store.indexMessage(verification.phoneNumber, verification.transactionId, messageId);
}

async function askForCode(ctx: AppContext, open: Verification[]): Promise<void> {
  const [first] = open;
  if (!first) return;
  const body = renderChooseVerification({
    brand: ctx.settings.brandName,
    locale: first.locale,
    items: open.map((v) => ({
      merchant: v.merchant,
      amountMinor: v.amountMinor,
      currency: v.currency,
      referenceCode: v.referenceCode ?? "",
    })),
  });
  // Not indexed: it names several verifications, so a reply to it must carry a code.
  await text(ctx, "choose", first.phoneNumber, first.transactionId, body);
}

async function text(
  ctx: AppContext,
  kind: SmsKind,
  phoneNumber: string,
  transactionId: string,
  body: string,
): Promise<string | null> {
  try {
    return await withAbortAfter(ctx.settings.replyTextSendWithinMs, (signal) =>
      ctx.sms.send({ kind, destinationPhoneNumber: phoneNumber, body, transactionId, signal }),
    );
  } catch (error) {
    if (!(error instanceof PermanentSmsError)) throw error;
    ctx.log.warn({ transactionId, reason: error.message }, "reply SMS refused");
    return null;
  }
}
