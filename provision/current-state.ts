// Reads what the account has today. Read-only: every call here is a Describe/Get/List.
import { DescribeKeyCommand, GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import type { KeyMetadata } from "@aws-sdk/client-kms";
import {
  DescribeConfigurationSetsCommand,
  DescribePhoneNumbersCommand,
  paginateDescribeKeywords,
  paginateDescribePhoneNumbers,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { ConfigurationSetInformation, KeywordInformation, PhoneNumberInformation } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { GetTopicAttributesCommand, paginateListSubscriptionsByTopic } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { ProvisionOptions } from "./args.ts";
import { parseArn } from "./aws-facts.ts";
import type { ProvisionClients } from "./clients.ts";
import { resourceNames } from "./names.ts";
import type { ResourceNames } from "./names.ts";
import { arnOf } from "./policies.ts";
import type { AccountScope } from "./policies.ts";

export interface TopicState {
  name: string;
  arn: string;
  /** false for a topic given with --topic-arn: checked, never changed. */
  managed: boolean;
  exists: boolean;
  attributes: Record<string, string>;
}

export interface QueueState {
  name: string;
  arn: string;
  url: string | undefined;
  attributes: Record<string, string>;
}

export interface KeyState {
  /** As given (id, ARN, alias), or the alias of the key the provisioner owns. */
  requested: string;
  /** true for --kms-key new: the provisioner creates the key and keeps its policy. */
  managed: boolean;
  metadata: KeyMetadata | undefined;
  policy: string | undefined;
}

export const QUEUE_ROLES = [
  "requestsDlq",
  "inboundDlq",
  "decisionsDlq",
  "smsEventsDlq",
  "requests",
  "inbound",
  "decisions",
  "smsEvents",
] as const;
export type QueueRole = (typeof QUEUE_ROLES)[number];

export interface CurrentState {
  scope: AccountScope;
  names: ResourceNames;
  phoneNumber: PhoneNumberInformation | undefined;
  keywords: KeywordInformation[];
  inboundTopic: TopicState;
  decisionsTopic: TopicState;
  /** The topic of the configuration set's event destination (SMS delivery events). */
  smsEventsTopic: TopicState;
  queues: Record<QueueRole, QueueState>;
  subscribed: { inbound: boolean; decisions: boolean; smsEvents: boolean };
  key: KeyState | undefined;
  /** The configuration set named names.configurationSet, with its event destinations; undefined when absent. */
  configurationSet: ConfigurationSetInformation | undefined;
}

const QUEUE_NAME: Record<QueueRole, keyof ResourceNames> = {
  requests: "requestsQueue",
  requestsDlq: "requestsDlq",
  inbound: "inboundQueue",
  inboundDlq: "inboundDlq",
  decisions: "decisionsQueue",
  decisionsDlq: "decisionsDlq",
  smsEvents: "smsEventsQueue",
  smsEventsDlq: "smsEventsDlq",
};

function isNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

async function orUndefined<T>(read: Promise<T>, ...notFound: string[]): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNamed(error, ...notFound)) return undefined;
    throw error;
  }
}

async function readScope(clients: ProvisionClients): Promise<AccountScope> {
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account) throw new Error("STS GetCallerIdentity returned no account");
  const partition = parseArn(identity.Arn ?? "")?.partition ?? "aws";
  return { partition, region: clients.region, account: identity.Account };
}

async function readPhoneNumber(clients: ProvisionClients, wanted: string): Promise<PhoneNumberInformation | undefined> {
  if (!wanted.startsWith("+")) {
    const found = await orUndefined(
      clients.sms.send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [wanted] })),
      "ResourceNotFoundException",
    );
    return found?.PhoneNumbers?.[0];
  }
  for await (const page of paginateDescribePhoneNumbers({ client: clients.sms }, {})) {
    const match = page.PhoneNumbers?.find((n) => n.PhoneNumber === wanted);
    if (match) return match;
  }
  return undefined;
}

async function readKeywords(clients: ProvisionClients, phoneNumberId: string): Promise<KeywordInformation[]> {
  const keywords: KeywordInformation[] = [];
  for await (const page of paginateDescribeKeywords({ client: clients.sms }, { OriginationIdentity: phoneNumberId })) {
    keywords.push(...(page.Keywords ?? []));
  }
  return keywords;
}

async function readTopic(clients: ProvisionClients, arn: string, managed: boolean, scope: AccountScope): Promise<TopicState> {
  const parsed = parseArn(arn);
  const name = parsed?.resource ?? arn;
  // A topic in another account or region is refused by the checks; don't ask this region's SNS about it.
  const local = parsed?.service === "sns" && parsed.account === scope.account && parsed.region === scope.region;
  const found = local
    ? await orUndefined(clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })), "NotFoundException")
    : undefined;
  return { name, arn, managed, exists: found !== undefined, attributes: found?.Attributes ?? {} };
}

async function readQueue(clients: ProvisionClients, name: string, scope: AccountScope): Promise<QueueState> {
  const arn = arnOf(scope, "sqs", name);
  const found = await orUndefined(clients.sqs.send(new GetQueueUrlCommand({ QueueName: name })), "QueueDoesNotExist");
  if (!found?.QueueUrl) return { name, arn, url: undefined, attributes: {} };
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: found.QueueUrl, AttributeNames: ["All"] }),
  );
  return { name, arn, url: found.QueueUrl, attributes: attributes.Attributes ?? {} };
}

async function isSubscribed(clients: ProvisionClients, topic: TopicState, queue: QueueState): Promise<boolean> {
  if (!topic.exists || queue.url === undefined) return false;
  for await (const page of paginateListSubscriptionsByTopic({ client: clients.sns }, { TopicArn: topic.arn })) {
    if (page.Subscriptions?.some((s) => s.Protocol === "sqs" && s.Endpoint === queue.arn)) return true;
  }
  return false;
}

async function readConfigurationSet(clients: ProvisionClients, name: string): Promise<ConfigurationSetInformation | undefined> {
  const found = await orUndefined(
    clients.sms.send(new DescribeConfigurationSetsCommand({ ConfigurationSetNames: [name] })),
    "ResourceNotFoundException",
  );
  return found?.ConfigurationSets?.find((set) => set.ConfigurationSetName === name);
}

async function readKey(clients: ProvisionClients, requested: string, managed: boolean): Promise<KeyState> {
  const described = await orUndefined(clients.kms.send(new DescribeKeyCommand({ KeyId: requested })), "NotFoundException");
  const metadata = described?.KeyMetadata;
  const policy = metadata
    ? (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: metadata.KeyId, PolicyName: "default" }))).Policy
    : undefined;
  return { requested, managed, metadata, policy };
}

export async function readCurrentState(clients: ProvisionClients, options: ProvisionOptions): Promise<CurrentState> {
  const scope = await readScope(clients);
  const names = resourceNames(options.prefix);
  const phoneNumber = await readPhoneNumber(clients, options.phoneNumber);
  const keywords = phoneNumber?.PhoneNumberId ? await readKeywords(clients, phoneNumber.PhoneNumberId) : [];
  const inboundTopic = options.topicArn
    ? await readTopic(clients, options.topicArn, false, scope)
    : await readTopic(clients, arnOf(scope, "sns", names.inboundTopic), true, scope);
  const decisionsTopic = await readTopic(clients, arnOf(scope, "sns", names.decisionsTopic), true, scope);
  const smsEventsTopic = await readTopic(clients, arnOf(scope, "sns", names.smsEventsTopic), true, scope);
  const queues = Object.fromEntries(
    await Promise.all(QUEUE_ROLES.map(async (role) => [role, await readQueue(clients, names[QUEUE_NAME[role]], scope)])),
  ) as Record<QueueRole, QueueState>;
  const subscribed = {
    inbound: await isSubscribed(clients, inboundTopic, queues.inbound),
    decisions: await isSubscribed(clients, decisionsTopic, queues.decisions),
    smsEvents: await isSubscribed(clients, smsEventsTopic, queues.smsEvents),
  };
  const configurationSet = await readConfigurationSet(clients, names.configurationSet);
  // A topic given with --topic-arn keeps its own key, which must suit the SMS service too.
  const existingTopicKey = inboundTopic.managed ? undefined : inboundTopic.attributes["KmsMasterKeyId"];
  const keyToCheck = options.kmsKey === "new" ? names.keyAlias : (options.kmsKey ?? existingTopicKey);
  const key = keyToCheck ? await readKey(clients, keyToCheck, options.kmsKey === "new") : undefined;
  return { scope, names, phoneNumber, keywords, inboundTopic, decisionsTopic, smsEventsTopic, queues, subscribed, key, configurationSet };
}
