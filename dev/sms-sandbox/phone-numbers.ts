import { randomUUID } from "node:crypto";
import { sandboxArn } from "./arn.ts";
import { isE164 } from "./input.ts";
import type { Filter } from "./input.ts";

export type NumberCapability = "SMS" | "VOICE" | "MMS" | "RCS";

export interface PhoneNumberConfig {
  phoneNumber: string;
  phoneNumberId?: string;
  /** Default ["SMS"]. A number without "SMS" cannot have two-way SMS enabled. */
  numberCapabilities?: NumberCapability[];
  /** Default true (the sandbox publishes handset messages); false is what a freshly leased AWS number has. */
  twoWayEnabled?: boolean;
  twoWayChannelArn?: string;
}

/** A phone number as DescribePhoneNumbers describes it (PhoneNumberInformation). */
export interface SandboxPhoneNumber {
  PhoneNumberArn: string;
  PhoneNumberId: string;
  PhoneNumber: string;
  Status: "ACTIVE";
  IsoCountryCode: string;
  MessageType: "TRANSACTIONAL";
  NumberCapabilities: NumberCapability[];
  NumberType: "LONG_CODE" | "TOLL_FREE";
  MonthlyLeasingPrice: string;
  TwoWayEnabled: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
  InternationalSendingEnabled: boolean;
  DeletionProtectionEnabled: boolean;
  /** The pool the number belongs to, if any. */
  PoolId?: string;
  /** Epoch seconds: awsJson's default timestamp format. */
  CreatedTimestamp: number;
}

export const DEFAULT_PHONE_NUMBERS: PhoneNumberConfig[] = [{ phoneNumber: "+18885550100" }];

const COUNTRY_BY_PREFIX: Array<[string, string]> = [
  ["+44", "GB"],
  ["+33", "FR"],
  ["+49", "DE"],
  ["+34", "ES"],
  ["+61", "AU"],
  ["+1", "US"],
];
const NANP_TOLL_FREE = /^\+18(00|33|44|55|66|77|88)/;

export function describePhoneNumber(
  config: PhoneNumberConfig,
  region: string,
  optOutListName: string,
): SandboxPhoneNumber {
  if (!isE164(config.phoneNumber)) {
    throw new Error(`SMS sandbox: phone number ${config.phoneNumber} is not E.164`);
  }
  const id = config.phoneNumberId ?? `phone-${randomUUID().replaceAll("-", "")}`;
  return {
    PhoneNumberArn: sandboxArn(region, `phone-number/${id}`),
    PhoneNumberId: id,
    PhoneNumber: config.phoneNumber,
    Status: "ACTIVE",
    IsoCountryCode: COUNTRY_BY_PREFIX.find(([prefix]) => config.phoneNumber.startsWith(prefix))?.[1] ?? "US",
    MessageType: "TRANSACTIONAL",
    NumberCapabilities: [...(config.numberCapabilities ?? ["SMS"])],
    NumberType: NANP_TOLL_FREE.test(config.phoneNumber) ? "TOLL_FREE" : "LONG_CODE",
    MonthlyLeasingPrice: "2.00",
    TwoWayEnabled: config.twoWayEnabled ?? true,
    ...(config.twoWayChannelArn === undefined ? {} : { TwoWayChannelArn: config.twoWayChannelArn }),
    SelfManagedOptOutsEnabled: false,
    OptOutListName: optOutListName,
    InternationalSendingEnabled: false,
    DeletionProtectionEnabled: false,
    CreatedTimestamp: Math.floor(Date.now() / 1000),
  };
}

const FILTERABLE: Record<string, (n: SandboxPhoneNumber) => string[]> = {
  status: (n) => [n.Status],
  "iso-country-code": (n) => [n.IsoCountryCode],
  "message-type": (n) => [n.MessageType],
  "number-capability": (n) => n.NumberCapabilities,
  "number-type": (n) => [n.NumberType],
  "two-way-enabled": (n) => [String(n.TwoWayEnabled)],
  "two-way-channel-arn": (n) => (n.TwoWayChannelArn === undefined ? [] : [n.TwoWayChannelArn]),
  "self-managed-opt-outs-enabled": (n) => [String(n.SelfManagedOptOutsEnabled)],
  "opt-out-list-name": (n) => [n.OptOutListName],
  "deletion-protection-enabled": (n) => [String(n.DeletionProtectionEnabled)],
};

export function isFilterablePhoneNumberField(name: string): boolean {
  return Object.hasOwn(FILTERABLE, name);
}

export function matchesPhoneNumberFilters(phoneNumber: SandboxPhoneNumber, filters: Filter[]): boolean {
  return filters.every((filter) => {
    const actual = FILTERABLE[filter.name]?.(phoneNumber) ?? [];
    return filter.values.some((value) => actual.includes(value));
  });
}

/** The number an id or ARN names, as the API accepts either. */
export function findPhoneNumber(
  phoneNumbers: readonly SandboxPhoneNumber[],
  idOrArn: string,
): SandboxPhoneNumber | undefined {
  return phoneNumbers.find((n) => n.PhoneNumberId === idOrArn || n.PhoneNumberArn === idOrArn);
}
