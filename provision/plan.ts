// From what the account has (CurrentState) and what was asked (options) to the ordered steps. Pure.
import type { KeywordInformation } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { ProvisionOptions } from "./args.ts";
import { QUEUE_SETTINGS, SMS_SERVICE_PRINCIPAL } from "./aws-facts.ts";
import { phoneNumberLabel, refusals } from "./checks.ts";
import { configurationSetSteps } from "./configuration-set-steps.ts";
import { QUEUE_ROLES } from "./current-state.ts";
import type { CurrentState, QueueRole, QueueState, TopicState } from "./current-state.ts";
import {
  inboundTopicPolicy,
  newKeyPolicy,
  queuePolicy,
  redriveAllowPolicy,
  redrivePolicy,
  smsEventsTopicPolicy,
} from "./policies.ts";
import type { PolicyDocument } from "./policies.ts";
import { sameJson } from "./same-json.ts";
import { step } from "./steps.ts";
import type { Step } from "./steps.ts";
import { desiredTopicKey, twoWayTopicKey } from "./topic-keys.ts";

const JSON_ATTRIBUTES = new Set(["Policy", "RedrivePolicy", "RedriveAllowPolicy"]);

/** The attributes whose current value differs from the desired one (absent counts as ""). */
function differing(desired: Record<string, string>, current: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(desired).filter(([name, value]) =>
      JSON_ATTRIBUTES.has(name) ? !sameJson(value, current[name]) : value !== (current[name] ?? ""),
    ),
  );
}

function describeChange(changed: Record<string, string>): string {
  return `set ${Object.keys(changed).join(", ")}`;
}

function keySteps(state: CurrentState): Step[] {
  const key = state.key;
  if (!key) return [];
  const label = `kms key ${key.requested}`;
  if (!key.managed) return [step(label, "keep", `symmetric; its policy lets ${SMS_SERVICE_PRINCIPAL} use it`)];
  const policy = JSON.stringify(newKeyPolicy(state.scope));
  if (!key.metadata) {
    return [step(label, "create", `symmetric key; policy: account IAM + ${SMS_SERVICE_PRINCIPAL} (GenerateDataKey*, Decrypt)`, { kind: "createKey", alias: key.requested, policy })];
  }
  if (sameJson(policy, key.policy)) return [step(label, "keep", "policy as desired")];
  return [step(label, "change", "restore its key policy", { kind: "putKeyPolicy", keyId: key.metadata.KeyId ?? key.requested, policy })];
}

/** A topic the SMS service publishes to: its policy and key as desired, whatever they were. */
function smsTopicStep(topic: TopicState, policy: PolicyDocument, kmsKey: string, whatMayPublish: string): Step {
  const label = `sns topic ${topic.name}`;
  const desired = { Policy: JSON.stringify(policy), KmsMasterKeyId: kmsKey };
  const detail = `standard topic, ${whatMayPublish}${kmsKey ? `, encrypted with ${kmsKey}` : ""}`;
  if (!topic.exists) {
    const attributes = kmsKey ? desired : { Policy: desired.Policy };
    return step(label, "create", detail, { kind: "createTopic", name: topic.name, attributes });
  }
  const changed = differing(desired, topic.attributes);
  if (Object.keys(changed).length === 0) return step(label, "keep", detail);
  return step(label, "change", describeChange(changed), { kind: "setTopicAttributes", topicArn: topic.arn, attributes: changed });
}

function inboundTopicStep(state: CurrentState, options: ProvisionOptions): Step {
  const topic = state.inboundTopic;
  if (!topic.managed) return step(`sns topic ${topic.name}`, "keep", `existing standard topic; its policy lets ${SMS_SERVICE_PRINCIPAL} publish`);
  const policy = inboundTopicPolicy(state.scope, topic.arn);
  return smsTopicStep(topic, policy, desiredTopicKey(state, options), `${SMS_SERVICE_PRINCIPAL} may publish (aws:SourceAccount ${state.scope.account})`);
}

function smsEventsTopicStep(state: CurrentState, options: ProvisionOptions): Step {
  const topic = state.smsEventsTopic;
  const setName = state.names.configurationSet;
  const policy = smsEventsTopicPolicy(state.scope, topic.arn, setName);
  const whatMayPublish = `${SMS_SERVICE_PRINCIPAL} may publish the events of configuration set ${setName} (aws:SourceAccount, aws:SourceArn)`;
  return smsTopicStep(topic, policy, twoWayTopicKey(state, options), whatMayPublish);
}

function decisionsTopicStep(topic: TopicState): Step {
  const label = `sns topic ${topic.name}`;
  if (topic.exists) return step(label, "keep", "standard topic");
  return step(label, "create", "standard topic for decision events", { kind: "createTopic", name: topic.name, attributes: {} });
}

const DEAD_LETTER_OF: Partial<Record<QueueRole, QueueRole>> = {
  requests: "requestsDlq",
  inbound: "inboundDlq",
  decisions: "decisionsDlq",
  smsEvents: "smsEventsDlq",
};
const SOURCE_OF: Partial<Record<QueueRole, QueueRole>> = {
  requestsDlq: "requests",
  inboundDlq: "inbound",
  decisionsDlq: "decisions",
  smsEventsDlq: "smsEvents",
};

/** The topic each subscribed queue receives from; only that topic may send to it. */
function topicOf(role: QueueRole, state: CurrentState): TopicState | undefined {
  if (role === "inbound") return state.inboundTopic;
  if (role === "decisions") return state.decisionsTopic;
  if (role === "smsEvents") return state.smsEventsTopic;
  return undefined;
}

function desiredQueueAttributes(role: QueueRole, state: CurrentState): { attributes: Record<string, string>; detail: string } {
  const deadLetter = DEAD_LETTER_OF[role];
  const source = SOURCE_OF[role];
  if (source) {
    return {
      attributes: {
        MessageRetentionPeriod: String(QUEUE_SETTINGS.deadLetterRetentionSeconds),
        SqsManagedSseEnabled: "true",
        RedriveAllowPolicy: redriveAllowPolicy(state.queues[source].arn),
      },
      detail: `dead-letter queue of ${state.queues[source].name}, 14 days retention, SSE-SQS`,
    };
  }
  const dlq = state.queues[deadLetter ?? role];
  const attributes: Record<string, string> = {
    VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
    RedrivePolicy: redrivePolicy(dlq.arn),
    SqsManagedSseEnabled: "true",
  };
  const topic = topicOf(role, state);
  if (topic) attributes["Policy"] = JSON.stringify(queuePolicy(state.queues[role].arn, topic.arn));
  const only = topic ? `, only ${topic.name} may send` : "";
  return {
    attributes,
    detail: `visibility ${QUEUE_SETTINGS.visibilityTimeoutSeconds} s, to ${dlq.name} after ${QUEUE_SETTINGS.maxReceiveCount} receives, SSE-SQS${only}`,
  };
}

function queueStep(role: QueueRole, queue: QueueState, state: CurrentState): Step {
  const label = `sqs queue ${queue.name}`;
  const { attributes, detail } = desiredQueueAttributes(role, state);
  if (queue.url === undefined) return step(label, "create", detail, { kind: "createQueue", name: queue.name, attributes });
  const changed = differing(attributes, queue.attributes);
  if (Object.keys(changed).length === 0) return step(label, "keep", detail);
  return step(label, "change", describeChange(changed), { kind: "setQueueAttributes", name: queue.name, attributes: changed });
}

function subscriptionStep(topic: TopicState, queue: QueueState, subscribed: boolean): Step {
  const label = `subscription ${topic.name} → ${queue.name}`;
  if (subscribed) return step(label, "keep", "sqs subscription");
  return step(label, "create", "sqs subscription (SNS envelope; the service reads raw and enveloped)", {
    kind: "subscribe",
    topicArn: topic.arn,
    queueArn: queue.arn,
  });
}

function twoWayStep(state: CurrentState, options: ProvisionOptions): Step[] {
  const number = state.phoneNumber;
  if (!number?.PhoneNumberId) return [];
  const label = `${phoneNumberLabel(state, options)} two-way SMS`;
  const topicArn = state.inboundTopic.arn;
  const role = options.channelRole;
  const detail = `two-way enabled, incoming messages to ${topicArn}${role ? `, channel role ${role}` : ""}`;
  const asDesired =
    number.TwoWayEnabled === true && number.TwoWayChannelArn === topicArn && (role === undefined || number.TwoWayChannelRole === role);
  if (asDesired) return [step(label, "keep", detail)];
  return [
    step(label, number.TwoWayEnabled ? "change" : "create", detail, {
      kind: "updatePhoneNumber",
      phoneNumberId: number.PhoneNumberId,
      twoWayChannelArn: topicArn,
      twoWayChannelRole: role,
    }),
  ];
}

function keywordSteps(state: CurrentState, options: ProvisionOptions, refused: Set<string>): Step[] {
  const phoneNumberId = state.phoneNumber?.PhoneNumberId;
  if (!phoneNumberId) return [];
  return options.keywords
    .filter((k) => !refused.has(`keyword ${k.keyword}`))
    .map((k) => {
      const existing: KeywordInformation | undefined = state.keywords.find(
        (e) => e.Keyword?.toUpperCase() === k.keyword.toUpperCase(),
      );
      // The response is what --keyword sets; an existing keyword keeps its action (STOP stays OPT_OUT).
      const action = existing?.KeywordAction ?? "AUTOMATIC_RESPONSE";
      const label = `keyword ${k.keyword}`;
      const detail = `${action}: "${k.message}"`;
      if (existing?.KeywordMessage === k.message) return step(label, "keep", detail);
      return step(label, existing ? "change" : "create", detail, {
        kind: "putKeyword",
        phoneNumberId,
        keyword: existing?.Keyword ?? k.keyword,
        message: k.message,
        action,
      });
    });
}

/** Refusals first, then every resource in the order the executor creates them. */
export function buildPlan(state: CurrentState, options: ProvisionOptions): Step[] {
  const refused = refusals(state, options);
  const refusedResources = new Set(refused.map((s) => s.resource));
  const { queues, subscribed } = state;
  return [
    ...refused,
    ...keySteps(state).filter((s) => !refusedResources.has(s.resource)),
    ...(refusedResources.has(`sns topic ${state.inboundTopic.arn}`) ? [] : [inboundTopicStep(state, options)]),
    decisionsTopicStep(state.decisionsTopic),
    smsEventsTopicStep(state, options),
    ...QUEUE_ROLES.map((role) => queueStep(role, queues[role], state)),
    subscriptionStep(state.inboundTopic, queues.inbound, subscribed.inbound),
    subscriptionStep(state.decisionsTopic, queues.decisions, subscribed.decisions),
    subscriptionStep(state.smsEventsTopic, queues.smsEvents, subscribed.smsEvents),
    ...configurationSetSteps(state),
    ...twoWayStep(state, options).filter((s) => !refused.some((r) => s.resource.startsWith(r.resource))),
    ...keywordSteps(state, options, refusedResources),
  ];
}

export function isRefused(steps: readonly Step[]): boolean {
  return steps.some((s) => s.action === "refuse");
}
