// Facts from AWS's documentation that both the provisioner and the CDK app rely on.
import { MAX_RECEIVE_COUNT } from "../dev/local-topology.ts";
import { deliveredTypes, deliveryFailureTypes, pendingTypes } from "../src/domain/sms-delivery-event.ts";

/** AWS End User Messaging SMS (Pinpoint SMS Voice v2) publishes two-way messages as this principal. */
export const SMS_SERVICE_PRINCIPAL = "sms-voice.amazonaws.com";
export const SNS_SERVICE_PRINCIPAL = "sns.amazonaws.com";

/** What the SMS service needs on the key of an encrypted two-way topic. */
export const SMS_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"] as const;

/** The text events the service reads (contract, "SMS delivery events"): what the event destination sends. */
export const TEXT_EVENT_TYPES: readonly string[] = [...pendingTypes, ...deliveredTypes, ...deliveryFailureTypes];

export const QUEUE_SETTINGS = {
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: MAX_RECEIVE_COUNT,
  /** Dead letters are kept the longest SQS allows, 14 days. */
  deadLetterRetentionSeconds: 1_209_600,
} as const;

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): Arn | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition = "", service = "", region = "", account = "", resource = ""] = match;
  return { partition, service, region, account, resource };
}
