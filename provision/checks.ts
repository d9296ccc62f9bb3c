// The refusals: everything that would make two-way SMS silently fail, found before anything changes.
import type { ProvisionOptions } from "./args.ts";
import { SMS_SERVICE_PRINCIPAL, parseArn } from "./aws-facts.ts";
import type { CurrentState, KeyState, TopicState } from "./current-state.ts";
import { isAllowed } from "./policy-evaluator.ts";
import { arnOf, configurationSetArn, smsKeyStatement, smsPublishStatement } from "./policies.ts";
import { swallowsAnswer } from "./reply-keywords.ts";
import { step } from "./steps.ts";
import type { Step } from "./steps.ts";

export function phoneNumberLabel(state: CurrentState, options: ProvisionOptions): string {
  return `phone number ${state.phoneNumber?.PhoneNumber ?? options.phoneNumber}`;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function phoneNumberRefusals(state: CurrentState, options: ProvisionOptions): Step[] {
  const label = phoneNumberLabel(state, options);
  const number = state.phoneNumber;
  if (!number) {
    return [step(label, "refuse", `no phone number with this id, ARN or E.164 number in ${state.scope.region}`)];
  }
  const refusals: Step[] = [];
  if (!number.NumberCapabilities?.includes("SMS")) {
    const capabilities = number.NumberCapabilities?.join(", ") || "none";
    refusals.push(step(label, "refuse", `its SMS capability is not enabled (capabilities: ${capabilities}); two-way SMS needs a number whose SMS is enabled`));
  }
  if (number.Status !== "ACTIVE") refusals.push(step(label, "refuse", `its status is ${number.Status ?? "unknown"}, not ACTIVE`));
  if (number.PoolId) {
    refusals.push(step(label, "refuse", `it belongs to pool ${number.PoolId}: two-way SMS is then set on the pool (UpdatePool), not on the number`));
  }
  return refusals;
}

function smsSourceArn(state: CurrentState): string {
  return state.phoneNumber?.PhoneNumberArn ?? arnOf(state.scope, "sms-voice", "phone-number/*");
}

function existingTopicRefusals(topic: TopicState, state: CurrentState): Step[] {
  if (topic.managed) return [];
  const label = `sns topic ${topic.arn}`;
  const arn = parseArn(topic.arn);
  const { account, region } = state.scope;
  if (arn?.service !== "sns" || arn.account !== account || arn.region !== region) {
    return [step(label, "refuse", `the two-way topic must be a standard SNS topic of account ${account} in ${region}`)];
  }
  if (!topic.exists) return [step(label, "refuse", "the topic does not exist")];
  if (topic.name.endsWith(".fifo") || topic.attributes["FifoTopic"] === "true") {
    return [step(label, "refuse", "it is a FIFO topic; two-way SMS publishes to standard topics only")];
  }
  const allowed = isAllowed(topic.attributes["Policy"], {
    principalService: SMS_SERVICE_PRINCIPAL,
    action: "sns:Publish",
    resource: topic.arn,
    context: { "aws:SourceAccount": account, "aws:SourceArn": smsSourceArn(state) },
  });
  if (allowed) return [];
  return [
    step(label, "refuse", `its access policy does not let ${SMS_SERVICE_PRINCIPAL} publish. Add this statement to the topic policy:\n${pretty(smsPublishStatement(state.scope, topic.arn))}`),
  ];
}

function keyRefusals(key: KeyState | undefined, state: CurrentState): Step[] {
  if (!key) return [];
  const label = `kms key ${key.requested}`;
  const metadata = key.metadata;
  if (!metadata) return key.managed ? [] : [step(label, "refuse", "no such key")];
  const refusals: Step[] = [];
  if (metadata.KeySpec !== "SYMMETRIC_DEFAULT" || metadata.KeyUsage !== "ENCRYPT_DECRYPT") {
    refusals.push(step(label, "refuse", `it is not a symmetric encryption key (KeySpec ${metadata.KeySpec ?? "?"}, KeyUsage ${metadata.KeyUsage ?? "?"}); encrypted SNS topics need SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT`));
  }
  if (metadata.KeyState !== "Enabled") refusals.push(step(label, "refuse", `its state is ${metadata.KeyState ?? "unknown"}, not Enabled`));
  if (metadata.KeyManager === "AWS") {
    refusals.push(step(label, "refuse", "it is an AWS managed key, whose policy cannot grant the SMS service; use a customer managed key"));
    return refusals;
  }
  if (key.managed || refusals.length > 0) return refusals;
  // The key encrypts the two-way topic and the events topic: the SMS service publishes to the first
  // as the number, to the second as the configuration set.
  const uses = [
    { what: "two-way messages", sourceArn: smsSourceArn(state) },
    { what: `the delivery events of configuration set ${state.names.configurationSet}`, sourceArn: configurationSetArn(state.scope, state.names.configurationSet) },
  ];
  const allows = (action: string, sourceArn: string) =>
    isAllowed(key.policy, {
      principalService: SMS_SERVICE_PRINCIPAL,
      action,
      resource: metadata.Arn ?? "*",
      context: { "aws:SourceAccount": state.scope.account, "aws:SourceArn": sourceArn },
    });
  const actions = ["kms:GenerateDataKey", "kms:Decrypt"];
  const missing = actions.filter((action) => uses.some((use) => !allows(action, use.sourceArn)));
  const lacking = uses.filter((use) => actions.some((action) => !allows(action, use.sourceArn)));
  if (missing.length > 0) {
    const purposes = lacking.map((use) => `${use.what} (aws:SourceArn ${use.sourceArn})`).join(" and ");
    refusals.push(step(label, "refuse", `its key policy does not let ${SMS_SERVICE_PRINCIPAL} use ${missing.join(" and ")} for ${purposes}. Add this statement to the key policy:\n${pretty(smsKeyStatement(state.scope))}`));
  }
  return refusals;
}

function keywordRefusals(state: CurrentState, options: ProvisionOptions): Step[] {
  const requested = options.keywords
    .filter((k) => swallowsAnswer(k.keyword))
    .map((k) => step(`keyword ${k.keyword}`, "refuse", `${k.keyword} is an approve/deny answer of the reply table; as a keyword the SMS service would answer it (and may change opt-outs) instead of the cardholder's answer reaching the service`));
  const existing = state.keywords
    .filter((k) => k.Keyword !== undefined && swallowsAnswer(k.Keyword))
    .filter((k) => !options.keywords.some((r) => r.keyword.toUpperCase() === k.Keyword?.toUpperCase()))
    .map((k) => step(`keyword ${k.Keyword ?? ""}`, "refuse", `the number already has ${k.Keyword ?? ""} (${k.KeywordAction ?? "?"}) registered, which takes the cardholder's answer; delete it first: aws pinpoint-sms-voice-v2 delete-keyword --origination-identity ${state.phoneNumber?.PhoneNumberId ?? ""} --keyword ${k.Keyword ?? ""}`));
  return [...requested, ...existing];
}

/** Every reason not to change anything, in the order they are worth reading. */
export function refusals(state: CurrentState, options: ProvisionOptions): Step[] {
  return [
    ...phoneNumberRefusals(state, options),
    ...existingTopicRefusals(state.inboundTopic, state),
    ...keyRefusals(state.key, state),
    ...keywordRefusals(state, options),
  ];
}

