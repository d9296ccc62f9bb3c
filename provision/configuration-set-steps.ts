// The configuration set the service sends with, and its event destination: every text event the
// service reads, to the sms-events topic. An event destination of another name is left alone.
import type { EventDestination } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { TEXT_EVENT_TYPES } from "./aws-facts.ts";
import type { CurrentState } from "./current-state.ts";
import { step } from "./steps.ts";
import type { EventDestinationSettings, Step } from "./steps.ts";

function sameEventTypes(current: readonly string[], desired: readonly string[]): boolean {
  return current.length === desired.length && desired.every((type) => current.includes(type));
}

/** What differs from the desired destination, in words ([] = as desired). */
function differences(existing: EventDestination, desired: EventDestinationSettings): string[] {
  const found: string[] = [];
  if (existing.Enabled !== true) found.push("enable it");
  const topicArn = existing.SnsDestination?.TopicArn;
  if (topicArn !== desired.topicArn) found.push(`send to ${desired.topicArn} (not ${topicArn ?? "no SNS topic"})`);
  if (!sameEventTypes(existing.MatchingEventTypes ?? [], desired.matchingEventTypes)) found.push("match the text event types the service reads");
  return found;
}

export function configurationSetSteps(state: CurrentState): Step[] {
  const { names, configurationSet } = state;
  const topic = state.smsEventsTopic;
  const desired: EventDestinationSettings = {
    configurationSetName: names.configurationSet,
    eventDestinationName: names.eventDestination,
    matchingEventTypes: [...TEXT_EVENT_TYPES],
    topicArn: topic.arn,
  };
  const setLabel = `sms configuration set ${names.configurationSet}`;
  const setStep = configurationSet
    ? step(setLabel, "keep", "SMS_CONFIGURATION_SET: every text is sent with it")
    : step(setLabel, "create", "SMS_CONFIGURATION_SET: every text is sent with it", { kind: "createConfigurationSet", name: names.configurationSet });

  const label = `event destination ${names.configurationSet}/${names.eventDestination}`;
  const detail = `enabled, ${desired.matchingEventTypes.length} text event types to sns topic ${topic.name}`;
  const existing = configurationSet?.EventDestinations?.find((d) => d.EventDestinationName === names.eventDestination);
  if (!existing) return [setStep, step(label, "create", detail, { kind: "createEventDestination", ...desired })];
  const changes = differences(existing, desired);
  if (changes.length === 0) return [setStep, step(label, "keep", detail)];
  return [setStep, step(label, "change", changes.join("; "), { kind: "updateEventDestination", ...desired })];
}
