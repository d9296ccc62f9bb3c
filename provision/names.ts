import { localNames } from "../dev/local-topology.ts";

export type ResourceNames = { readonly [K in keyof typeof localNames]: string } & {
  readonly keyAlias: string;
  /** The configuration set every text is sent with (SMS_CONFIGURATION_SET). */
  readonly configurationSet: string;
  /** Its event destination: the text events to the sms-events topic. Names are per configuration set, so unprefixed. */
  readonly eventDestination: string;
};

const PREFIX = /^[A-Za-z0-9_-]{0,40}$/;

export function isValidPrefix(prefix: string): boolean {
  return PREFIX.test(prefix);
}

/** The production names (the same the local topology uses), each behind an optional prefix. */
export function resourceNames(prefix = ""): ResourceNames {
  if (!isValidPrefix(prefix)) throw new Error(`prefix ${prefix} must be 0-40 characters of [A-Za-z0-9_-]`);
  const prefixed = Object.fromEntries(Object.entries(localNames).map(([key, name]) => [key, `${prefix}${name}`]));
  return {
    ...(prefixed as Record<keyof typeof localNames, string>),
    keyAlias: `alias/${prefix}two-way-sms`,
    configurationSet: `${prefix}fraud-verification`,
    eventDestination: "sms-events",
  };
}
