// UpdatePhoneNumber and the keyword operations: what two-way SMS set-up calls.
import type { KeywordAction } from "./inbound-keywords.ts";
import { optionalBoolean, optionalFilters, optionalString, optionalStringList, paginate, requiredString } from "./input.ts";
import type { Input } from "./input.ts";
import { isMandatoryKeyword, KEYWORD_ACTIONS } from "./keywords.ts";
import type { KeywordInformation } from "./keywords.ts";
import type { SandboxState } from "./operations.ts";
import { findPhoneNumber } from "./phone-numbers.ts";
import type { SandboxPhoneNumber } from "./phone-numbers.ts";
import { AwsJsonError, resourceNotFound, validationError } from "./protocol.ts";

const MAX_KEYWORD_LENGTH = 30;
const MAX_KEYWORD_MESSAGE_LENGTH = 1600;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function requireNumber(input: Input, name: string, state: SandboxState): SandboxPhoneNumber {
  const id = requiredString(input, name);
  const found = findPhoneNumber(state.phoneNumbers, id);
  if (!found) throw resourceNotFound("phone-number", id);
  return found;
}

function optionalArn(input: Input, name: string, pattern: RegExp): string | undefined {
  const value = optionalString(input, name);
  if (value !== undefined && !pattern.test(value)) {
    throw validationError("INVALID_ARN", `${name} is not a valid ARN`, { name, message: "is not a valid ARN" });
  }
  return value;
}

function lengthBetween(name: string, value: string, max: number): string {
  if (value.length > max) {
    throw validationError("MAXIMUM_SIZE_EXCEEDED", `${name} exceeds ${max} characters`, {
      name,
      message: `length must be at most ${max}`,
    });
  }
  return value;
}

function updatePhoneNumber(input: Input, state: SandboxState): unknown {
  const number = requireNumber(input, "PhoneNumberId", state);
  const twoWayEnabled = optionalBoolean(input, "TwoWayEnabled");
  const channelArn = optionalArn(input, "TwoWayChannelArn", ARN);
  const channelRole = optionalArn(input, "TwoWayChannelRole", ROLE_ARN);
  const selfManaged = optionalBoolean(input, "SelfManagedOptOutsEnabled");
  const international = optionalBoolean(input, "InternationalSendingEnabled");
  const deletionProtection = optionalBoolean(input, "DeletionProtectionEnabled");
  const optOutListName = optionalString(input, "OptOutListName");
  if (optOutListName !== undefined && !state.optOutList.matches(optOutListName)) {
    throw resourceNotFound("opt-out-list", optOutListName);
  }
  if (twoWayEnabled === true) {
    if (!number.NumberCapabilities.includes("SMS")) {
      throw new AwsJsonError("ConflictException", "Two-way SMS needs a number whose SMS capability is enabled", 400, {
        Reason: "NUMBER_CAPABILITIES_MISMATCH",
        ResourceType: "phone-number",
        ResourceId: number.PhoneNumberId,
      });
    }
    if ((channelArn ?? number.TwoWayChannelArn) === undefined) {
      throw validationError("TWO_WAY_CHANNEL_NOT_PRESENT", "TwoWayChannelArn is required to enable two-way SMS", {
        name: "TwoWayChannelArn",
        message: "is required when TwoWayEnabled is true",
      });
    }
  }
  if (twoWayEnabled !== undefined) number.TwoWayEnabled = twoWayEnabled;
  if (channelArn !== undefined) number.TwoWayChannelArn = channelArn;
  if (channelRole !== undefined) number.TwoWayChannelRole = channelRole;
  if (selfManaged !== undefined) number.SelfManagedOptOutsEnabled = selfManaged;
  if (international !== undefined) number.InternationalSendingEnabled = international;
  if (deletionProtection !== undefined) number.DeletionProtectionEnabled = deletionProtection;
  if (optOutListName !== undefined) number.OptOutListName = state.optOutList.name;
  return { ...number };
}

function keywordResult(number: SandboxPhoneNumber, keyword: KeywordInformation): unknown {
  return { OriginationIdentityArn: number.PhoneNumberArn, OriginationIdentity: number.PhoneNumberId, ...keyword };
}

function putKeyword(input: Input, state: SandboxState): unknown {
  const number = requireNumber(input, "OriginationIdentity", state);
  const keyword = lengthBetween("Keyword", requiredString(input, "Keyword"), MAX_KEYWORD_LENGTH);
  const message = lengthBetween("KeywordMessage", requiredString(input, "KeywordMessage"), MAX_KEYWORD_MESSAGE_LENGTH);
  const action = optionalString(input, "KeywordAction") ?? "AUTOMATIC_RESPONSE";
  if (!KEYWORD_ACTIONS.includes(action as KeywordAction)) {
    throw validationError("INVALID_PARAMETER", `KeywordAction must be one of ${KEYWORD_ACTIONS.join(", ")}`, {
      name: "KeywordAction",
      message: "unknown keyword action",
    });
  }
  const existing = state.keywords.get(number.PhoneNumberId, keyword);
  if (existing && isMandatoryKeyword(keyword) && existing.KeywordAction !== action) {
    throw validationError("INVALID_PARAMETER", `The action of the mandatory keyword ${existing.Keyword} can't be changed`, {
      name: "KeywordAction",
      message: `must be ${existing.KeywordAction} for ${existing.Keyword}`,
    });
  }
  const stored = state.keywords.put(number.PhoneNumberId, {
    Keyword: existing && isMandatoryKeyword(keyword) ? existing.Keyword : keyword,
    KeywordMessage: message,
    KeywordAction: action as KeywordAction,
  });
  return keywordResult(number, stored);
}

function describeKeywords(input: Input, state: SandboxState): unknown {
  const number = requireNumber(input, "OriginationIdentity", state);
  const wanted = optionalStringList(input, "Keywords")?.map((k) => k.toUpperCase());
  const filters = optionalFilters(input, "Filters");
  const unknownFilter = filters.find((filter) => filter.name !== "keyword-action");
  if (unknownFilter) throw validationError("INVALID_FILTER_VALUES", `Unknown filter ${unknownFilter.name}`);
  const keywords = state.keywords
    .list(number.PhoneNumberId)
    .filter((k) => wanted === undefined || wanted.includes(k.Keyword.toUpperCase()))
    .filter((k) => filters.every((filter) => filter.values.includes(k.KeywordAction)));
  const { page, nextToken } = paginate(keywords, input);
  return {
    OriginationIdentityArn: number.PhoneNumberArn,
    OriginationIdentity: number.PhoneNumberId,
    Keywords: page,
    NextToken: nextToken,
  };
}

function deleteKeyword(input: Input, state: SandboxState): unknown {
  const number = requireNumber(input, "OriginationIdentity", state);
  const keyword = requiredString(input, "Keyword");
  if (isMandatoryKeyword(keyword)) {
    throw new AwsJsonError("ConflictException", `The mandatory keyword ${keyword.toUpperCase()} can't be deleted`, 400, {
      Reason: "RESOURCE_DELETION_NOT_ALLOWED",
      ResourceType: "keyword",
      ResourceId: keyword,
    });
  }
  const deleted = state.keywords.delete(number.PhoneNumberId, keyword);
  if (!deleted) throw resourceNotFound("keyword", keyword);
  return keywordResult(number, deleted);
}

export const NUMBER_OPERATIONS = {
  UpdatePhoneNumber: updatePhoneNumber,
  PutKeyword: putKeyword,
  DescribeKeywords: describeKeywords,
  DeleteKeyword: deleteKeyword,
} as const;
