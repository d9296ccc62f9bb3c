/**
 * The queues, topics and subscriptions production has (see the provisioning), for the embedded
 * emulator: used by `npm run dev`, the tests, and docker-compose (deploy/fauxqs-init.json must equal
 * `fauxqsInit()`; a test keeps them in step).
 */
export const LOCAL_ACCOUNT_ID = "000000000000";

export const localNames = {
  requestsQueue: "verification-requests",
  requestsDlq: "verification-requests-dlq",
  inboundQueue: "two-way-sms-inbound",
  inboundDlq: "two-way-sms-inbound-dlq",
  inboundTopic: "two-way-sms",
  decisionsTopic: "verification-decisions",
  decisionsQueue: "verification-decisions-consumer",
  decisionsDlq: "verification-decisions-consumer-dlq",
  /** The SNS topic of the configuration set's event destination (SMS delivery events), and its queue. */
  smsEventsTopic: "sms-events",
  smsEventsQueue: "sms-events",
  smsEventsDlq: "sms-events-dlq",
} as const;

export const MAX_RECEIVE_COUNT = 5;

export interface QueueSpec {
  name: string;
  attributes?: Record<string, string>;
}

export interface TopologySpec {
  queues: QueueSpec[];
  topics: Array<{ name: string }>;
  subscriptions: Array<{ topic: string; queue: string; attributes?: Record<string, string> }>;
}

export function queueArn(name: string, region = "us-east-1"): string {
  return `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`;
}

export function topicArn(name: string, region = "us-east-1"): string {
  return `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${name}`;
}

export function fauxqsInit(options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}): TopologySpec {
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  const redrive = (dlq: string) =>
    JSON.stringify({ deadLetterTargetArn: queueArn(dlq), maxReceiveCount: options.maxReceiveCount ?? MAX_RECEIVE_COUNT });
  const n = localNames;
  return {
    queues: [
      { name: n.requestsDlq },
      { name: n.inboundDlq },
      { name: n.decisionsDlq },
      { name: n.smsEventsDlq },
      { name: n.requestsQueue, attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(n.requestsDlq) } },
      { name: n.inboundQueue, attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(n.inboundDlq) } },
      { name: n.decisionsQueue, attributes: { RedrivePolicy: redrive(n.decisionsDlq) } },
      { name: n.smsEventsQueue, attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(n.smsEventsDlq) } },
    ],
    topics: [{ name: n.inboundTopic }, { name: n.decisionsTopic }, { name: n.smsEventsTopic }],
    subscriptions: [
      { topic: n.inboundTopic, queue: n.inboundQueue },
      { topic: n.decisionsTopic, queue: n.decisionsQueue },
      { topic: n.smsEventsTopic, queue: n.smsEventsQueue },
    ],
  };
}
