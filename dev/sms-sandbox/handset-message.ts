// A simulated handset texting a sandbox number: what AWS does with the message before it
// publishes the two-way payload (opt-out list, keyword, the message it answers).
import type { KeywordRule } from "./inbound-keywords.ts";
import { isE164 } from "./input.ts";
import type { OptOutList } from "./opt-out-list.ts";
import type { SandboxPhoneNumber } from "./phone-numbers.ts";
import type { ReceivedSms } from "./received-messages.ts";
import type { SentSms } from "./sent-messages.ts";
import { buildTwoWayPayload } from "./two-way-payload.ts";

export const MAX_HANDSET_MESSAGE_LENGTH = 1600;

export interface HandsetMessage {
  /** The handset's E.164 number. */
  from: string;
  /** The sandbox number texted; default: the sandbox's first number. */
  to?: string;
  body: string;
  /**
   * Default: the last message sent to the handset from that number, as AWS fills it. null sends
   * none (a message that starts a new thread); a string is used as given.
   */
  previousPublishedMessageId?: string | null;
}

export interface HandsetContext {
  phoneNumbers: readonly SandboxPhoneNumber[];
  sent: readonly SentSms[];
  optOutList: OptOutList;
  keywordsOf(phoneNumber: SandboxPhoneNumber): readonly KeywordRule[];
}

export class HandsetMessageError extends Error {
  override readonly name = "HandsetMessageError";
}

export function acceptHandsetMessage(message: HandsetMessage, context: HandsetContext): ReceivedSms {
  if (typeof message.from !== "string" || !isE164(message.from)) {
    throw new HandsetMessageError("from must be an E.164 phone number");
  }
  if (typeof message.body !== "string" || message.body.trim() === "") throw new HandsetMessageError("body is empty");
  if (message.body.length > MAX_HANDSET_MESSAGE_LENGTH) {
    throw new HandsetMessageError(`body exceeds ${MAX_HANDSET_MESSAGE_LENGTH} characters`);
  }
  const number = message.to === undefined ? context.phoneNumbers[0] : context.phoneNumbers.find((n) => n.PhoneNumber === message.to);
  if (!number) throw new HandsetMessageError(`${message.to ?? "(none)"} is not a sandbox phone number`);

  const { payload, keyword } = buildTwoWayPayload({
    originationNumber: message.from,
    destinationNumber: number.PhoneNumber,
    messageBody: message.body,
    previousPublishedMessageId:
      message.previousPublishedMessageId === undefined
        ? lastSentTo(message.from, number, context.sent)
        : (message.previousPublishedMessageId ?? ""),
    registeredKeywords: context.keywordsOf(number),
  });
  return {
    payload,
    keywordAction: keyword?.action,
    optOut: number.SelfManagedOptOutsEnabled ? undefined : applyOptOut(keyword?.action, message.from, context.optOutList),
    at: new Date(),
  };
}

// AWS manages the opt-out list itself unless the number has self-managed opt-outs.
function applyOptOut(action: string | undefined, handset: string, list: OptOutList): ReceivedSms["optOut"] {
  if (action === "OPT_OUT") {
    list.add(handset, true);
    return "added";
  }
  if (action === "OPT_IN" && list.remove(handset)) return "removed";
  return undefined;
}

function lastSentTo(handset: string, number: SandboxPhoneNumber, sent: readonly SentSms[]): string {
  const identities = new Set([number.PhoneNumber, number.PhoneNumberId, number.PhoneNumberArn]);
  for (let i = sent.length - 1; i >= 0; i--) {
    const sms = sent[i];
    const from = sms?.originationNumber === number.PhoneNumber || identities.has(sms?.originationIdentity ?? "");
    if (sms && sms.destinationPhoneNumber === handset && from) return sms.messageId;
  }
  return "";
}
