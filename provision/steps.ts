export type StepAction = "create" | "keep" | "change" | "refuse";

/** One change the executor makes; the plan builder decides which, the executor only performs them. */
export type Operation =
  | { kind: "createKey"; alias: string; policy: string }
  | { kind: "putKeyPolicy"; keyId: string; policy: string }
  | { kind: "createTopic"; name: string; attributes: Record<string, string> }
  | { kind: "setTopicAttributes"; topicArn: string; attributes: Record<string, string> }
  | { kind: "createQueue"; name: string; attributes: Record<string, string> }
  | { kind: "setQueueAttributes"; name: string; attributes: Record<string, string> }
  | { kind: "subscribe"; topicArn: string; queueArn: string }
  | {
      kind: "updatePhoneNumber";
      phoneNumberId: string;
      twoWayChannelArn: string;
      twoWayChannelRole: string | undefined;
    }
  | { kind: "putKeyword"; phoneNumberId: string; keyword: string; message: string; action: string }
  | { kind: "createConfigurationSet"; name: string }
  | ({ kind: "createEventDestination" | "updateEventDestination" } & EventDestinationSettings);

/** An SNS event destination of a configuration set, enabled, for the given event types. */
export interface EventDestinationSettings {
  configurationSetName: string;
  eventDestinationName: string;
  matchingEventTypes: string[];
  topicArn: string;
}

export interface Step {
  /** e.g. "sqs queue two-way-sms-inbound". */
  resource: string;
  action: StepAction;
  detail: string;
  operation?: Operation;
}

export function step(resource: string, action: StepAction, detail: string, operation?: Operation): Step {
  return operation ? { resource, action, detail, operation } : { resource, action, detail };
}
