import { startFauxqs } from "fauxqs";
import { fauxqsInit, localNames } from "../../dev/local-topology.ts";

export type FauxqsServer = Awaited<ReturnType<typeof startFauxqs>>;

export const QUEUES = {
  requests: localNames.requestsQueue,
  requestsDlq: localNames.requestsDlq,
  inbound: localNames.inboundQueue,
  inboundDlq: localNames.inboundDlq,
  decisions: localNames.decisionsQueue,
  smsEvents: localNames.smsEventsQueue,
  smsEventsDlq: localNames.smsEventsDlq,
} as const;

export const TOPICS = {
  /** The two-way SMS topic, subscribed to the inbound queue with the SNS envelope. */
  inbound: localNames.inboundTopic,
  /** Test-only: the same queue subscribed with RawMessageDelivery. */
  inboundRaw: "two-way-sms-raw",
  /** Test-only: card systems may publish requests through SNS too. */
  requests: "verification-requests-topic",
  decisions: localNames.decisionsTopic,
  /** The configuration set's event destination (SMS delivery events), subscribed to the sms-events queue. */
  smsEvents: localNames.smsEventsTopic,
} as const;

export interface AwsEnvironment {
  server: FauxqsServer;
  endpoint: string;
  queueUrl(name: string): string;
  topicArn(name: string): string;
  stop(): Promise<void>;
}

/** The embedded SNS/SQS emulator with the production topology plus the test-only delivery variants. */
export async function startAwsEnvironment(options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}): Promise<AwsEnvironment> {
  const server = await startFauxqs({ port: 0, logger: false, messageSpies: { bufferSize: 20_000 } });
  const topology = fauxqsInit(options);
  const result = server.setup({
    queues: topology.queues,
    topics: [...topology.topics, { name: TOPICS.inboundRaw }, { name: TOPICS.requests }],
    subscriptions: [
      ...topology.subscriptions,
      { topic: TOPICS.inboundRaw, queue: QUEUES.inbound, attributes: { RawMessageDelivery: "true" } },
      { topic: TOPICS.requests, queue: QUEUES.requests },
    ],
  });
  const queueUrls = new Map(result.queues.map((queue) => [queue.name, queue.url]));
  const topicArns = new Map(result.topics.map((topic) => [topic.name, topic.arn]));
  return {
    server,
    endpoint: server.address,
    queueUrl: (name) => required(queueUrls.get(name), name),
    topicArn: (name) => required(topicArns.get(name), name),
    stop: () => server.stop(),
  };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`no resource named ${name}`);
  return value;
}
