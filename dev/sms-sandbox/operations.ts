import { randomUUID } from "node:crypto";
import { CONFIGURATION_SET_OPERATIONS } from "./configuration-set-operations.ts";
import type { ConfigurationSets } from "./configuration-sets.ts";
import {
  optionalBoolean,
  optionalFilters,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  paginate,
  requiredE164,
  requiredString,
} from "./input.ts";
import type { Input } from "./input.ts";
import type { PhoneNumberKeywords } from "./keywords.ts";
import { NUMBER_OPERATIONS } from "./number-operations.ts";
import type { OptedOutEntry, OptOutList } from "./opt-out-list.ts";
import { findPhoneNumber, isFilterablePhoneNumberField, matchesPhoneNumberFilters } from "./phone-numbers.ts";
import type { SandboxPhoneNumber } from "./phone-numbers.ts";
import { describePoolsOperation, findPool, listPoolOriginationIdentities } from "./pools.ts";
import type { PoolWithNumbers } from "./pools.ts";
import { AwsJsonError, resourceNotFound, validationError } from "./protocol.ts";
import type { SendRateLimit } from "./send-rate-limit.ts";
import type { SentSms } from "./sent-messages.ts";

export const MAX_MESSAGE_BODY_LENGTH = 1600;
const MIN_TIME_TO_LIVE = 5;
const MAX_TIME_TO_LIVE = 259_200;
const FEEDBACK_STATUSES = ["RECEIVED", "FAILED"] as const;
const MESSAGE_TYPES = ["TRANSACTIONAL", "PROMOTIONAL"];

export interface SandboxState {
  /** UpdatePhoneNumber changes these objects in place, so every reader sees the change. */
  phoneNumbers: readonly SandboxPhoneNumber[];
  pools: readonly PoolWithNumbers[];
  optOutList: OptOutList;
  keywords: PhoneNumberKeywords;
  configurationSets: ConfigurationSets;
  recordSent(sms: SentSms): void;
  findSent(messageId: string): SentSms | undefined;
  /** The origination's message parts per second, when the sandbox enforces one. */
  sendRateLimit?: SendRateLimit | undefined;
}

export type Operation = (input: Input, state: SandboxState) => unknown;

const PHONE_NUMBER_ID_OR_ARN = /^(phone-[0-9a-z]+|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:phone-number\/.+)$/;
const POOL_ID_OR_ARN = /^(pool-[0-9a-z]+|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:pool\/.+)$/;

/**
 * The number an OriginationIdentity sends from: a phone number (E.164, id or ARN) or a pool (id or
 * ARN, which sends from one of its numbers). An id or ARN naming nothing is refused as AWS does; an
 * E.164 number or sender id the sandbox does not know is accepted, with no number.
 */
function originationNumberOf(identity: string, state: SandboxState): string | undefined {
  const byNumber = state.phoneNumbers.find((n) => n.PhoneNumber === identity) ?? findPhoneNumber(state.phoneNumbers, identity);
  if (byNumber) return byNumber.PhoneNumber;
  if (PHONE_NUMBER_ID_OR_ARN.test(identity)) throw resourceNotFound("phone-number", identity);
  if (POOL_ID_OR_ARN.test(identity)) {
    const pool = findPool(state.pools, identity);
    if (!pool) throw resourceNotFound("pool", identity);
    return pool.numbers[0]?.PhoneNumber;
  }
  return undefined;
}

function sendTextMessage(input: Input, state: SandboxState): unknown {
  const destinationPhoneNumber = requiredE164(input, "DestinationPhoneNumber");
  const originationIdentity = requiredString(input, "OriginationIdentity");
  const messageBody = requiredString(input, "MessageBody");
  if (messageBody.length > MAX_MESSAGE_BODY_LENGTH) {
    throw validationError("MAXIMUM_SIZE_EXCEEDED", `MessageBody exceeds ${MAX_MESSAGE_BODY_LENGTH} characters`, {
      name: "MessageBody",
      message: `length must be at most ${MAX_MESSAGE_BODY_LENGTH}`,
    });
  }
  const messageType = optionalString(input, "MessageType");
  if (messageType !== undefined && !MESSAGE_TYPES.includes(messageType)) {
    throw validationError("INVALID_PARAMETER", `MessageType must be one of ${MESSAGE_TYPES.join(", ")}`, {
      name: "MessageType",
      message: "unknown message type",
    });
  }
  const configurationSetName = optionalString(input, "ConfigurationSetName");
  const context = optionalStringMap(input, "Context");
  const timeToLive = optionalInteger(input, "TimeToLive");
  if (timeToLive !== undefined && (timeToLive < MIN_TIME_TO_LIVE || timeToLive > MAX_TIME_TO_LIVE)) {
    throw validationError("INVALID_PARAMETER", `TimeToLive must be between ${MIN_TIME_TO_LIVE} and ${MAX_TIME_TO_LIVE}`, {
      name: "TimeToLive",
      message: "out of range",
    });
  }
  const messageFeedbackEnabled = optionalBoolean(input, "MessageFeedbackEnabled");
  const protectConfigurationId = optionalString(input, "ProtectConfigurationId");
  const originationNumber = originationNumberOf(originationIdentity, state);
  if (state.optOutList.has(destinationPhoneNumber)) {
    throw new AwsJsonError("ConflictException", "The destination phone number is opted out", 400, {
      Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT",
      ResourceType: "opt-out-list",
      ResourceId: state.optOutList.name,
    });
  }
  const messageId = randomUUID();
  if (optionalBoolean(input, "DryRun") !== true) {
    state.sendRateLimit?.take(messageBody);
    state.recordSent({
      messageId,
      destinationPhoneNumber,
      originationIdentity,
      ...(originationNumber === undefined ? {} : { originationNumber }),
      messageBody,
      messageType,
      configurationSetName,
      context,
      timeToLive,
      messageFeedbackEnabled,
      protectConfigurationId,
      at: new Date(),
    });
  }
  return { MessageId: messageId };
}

function describePhoneNumbers(input: Input, state: SandboxState): unknown {
  const ids = optionalStringList(input, "PhoneNumberIds");
  const filters = optionalFilters(input, "Filters");
  const unknownFilter = filters.find((filter) => !isFilterablePhoneNumberField(filter.name));
  if (unknownFilter) {
    throw validationError("INVALID_FILTER_VALUES", `Unknown filter ${unknownFilter.name}`);
  }
  const selected =
    ids === undefined
      ? state.phoneNumbers
      : ids.map((id) => {
          const found = findPhoneNumber(state.phoneNumbers, id);
          if (!found) throw resourceNotFound("phone-number", id);
          return found;
        });
  const { page, nextToken } = paginate(
    selected.filter((n) => matchesPhoneNumberFilters(n, filters)),
    input,
  );
  return { PhoneNumbers: page, NextToken: nextToken };
}

function requireOptOutList(input: Input, state: SandboxState): OptOutList {
  const name = requiredString(input, "OptOutListName");
  if (!state.optOutList.matches(name)) throw resourceNotFound("opt-out-list", name);
  return state.optOutList;
}

function optedOutNumberInformation(entry: OptedOutEntry) {
  return {
    OptedOutNumber: entry.phoneNumber,
    OptedOutTimestamp: entry.optedOutAt.getTime() / 1000,
    EndUserOptedOut: entry.endUserOptedOut,
  };
}

function optedOutNumberResult(list: OptOutList, entry: OptedOutEntry): unknown {
  return { OptOutListArn: list.arn, OptOutListName: list.name, ...optedOutNumberInformation(entry) };
}

function describeOptedOutNumbers(input: Input, state: SandboxState): unknown {
  const list = requireOptOutList(input, state);
  const numbers = optionalStringList(input, "OptedOutNumbers");
  const filters = optionalFilters(input, "Filters");
  const unknownFilter = filters.find((filter) => filter.name !== "end-user-opted-out");
  if (unknownFilter) {
    throw validationError("INVALID_FILTER_VALUES", `Unknown filter ${unknownFilter.name}`);
  }
  const entries = list
    .entries()
    .filter((entry) => numbers === undefined || numbers.includes(entry.phoneNumber))
    .filter((entry) => filters.every((filter) => filter.values.includes(String(entry.endUserOptedOut))));
  const { page, nextToken } = paginate(entries, input);
  return {
    OptOutListArn: list.arn,
    OptOutListName: list.name,
    OptedOutNumbers: page.map(optedOutNumberInformation),
    NextToken: nextToken,
  };
}

function putOptedOutNumber(input: Input, state: SandboxState): unknown {
  const list = requireOptOutList(input, state);
  const phoneNumber = requiredE164(input, "OptedOutNumber");
  return optedOutNumberResult(list, list.add(phoneNumber, false));
}

function deleteOptedOutNumber(input: Input, state: SandboxState): unknown {
  const list = requireOptOutList(input, state);
  const phoneNumber = requiredE164(input, "OptedOutNumber");
  const removed = list.remove(phoneNumber);
  if (!removed) throw resourceNotFound("opted-out-number", phoneNumber);
  return optedOutNumberResult(list, removed);
}

/** Feedback on a text sent with MessageFeedbackEnabled (the sandbox refuses it for any other). */
function putMessageFeedback(input: Input, state: SandboxState): unknown {
  const messageId = requiredString(input, "MessageId");
  const status = requiredString(input, "MessageFeedbackStatus");
  const feedback = FEEDBACK_STATUSES.find((known) => known === status);
  if (!feedback) {
    throw validationError("INVALID_PARAMETER", "MessageFeedbackStatus must be RECEIVED or FAILED", {
      name: "MessageFeedbackStatus",
      message: "unknown status",
    });
  }
  const sms = state.findSent(messageId);
  if (!sms) throw resourceNotFound("message", messageId);
  if (sms.messageFeedbackEnabled !== true) {
    throw validationError("INVALID_PARAMETER", "The message was not sent with MessageFeedbackEnabled", {
      name: "MessageId",
      message: "message feedback is not enabled for this message",
    });
  }
  sms.feedback = feedback;
  return { MessageId: messageId, MessageFeedbackStatus: feedback };
}

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  SendTextMessage: sendTextMessage,
  PutMessageFeedback: putMessageFeedback,
  DescribePhoneNumbers: describePhoneNumbers,
  DescribePools: (input, state) => describePoolsOperation(input, state.pools),
  ListPoolOriginationIdentities: (input, state) => listPoolOriginationIdentities(input, state.pools),
  DescribeOptedOutNumbers: describeOptedOutNumbers,
  PutOptedOutNumber: putOptedOutNumber,
  DeleteOptedOutNumber: deleteOptedOutNumber,
  ...NUMBER_OPERATIONS,
  ...CONFIGURATION_SET_OPERATIONS,
};
