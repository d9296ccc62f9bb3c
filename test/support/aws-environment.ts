import { startFauxqs } from "fauxqs";

export type FauxqsServer = Awaited<ReturnType<typeof startFauxqs>>;

export const QUEUES = {
  requests: "verification-requests",
  requestsDlq: "verification-requests-dlq",
  inbound: "two-way-sms-inbound",
  inboundDlq: "two-way-sms-inbound-dlq",
  decisionsObserver: "decisions-observer",
} as const;

export const TOPICS = {
  /** The two-way SMS topic, subscribed to the inbound queue with the SNS envelope. */
  inbound: "two-way-sms",
  /** The same, subscribed with RawMessageDelivery. */
  inboundRaw: "two-way-sms-raw",
  /** Card systems may publish requests through SNS too. */
  requests: "verification-requests-topic",
  decisions: "verification-decisions",
} as const;

export interface AwsEnvironment {
  server: FauxqsServer;
  endpoint: string;
  queueUrl(name: string): string;
  topicArn(name: string): string;
  stop(): Promise<void>;
}

/** The embedded SNS/SQS emulator with the queues, DLQs, topics and subscriptions production has. */
export async function startAwsEnvironment(options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}): Promise<AwsEnvironment> {
  const server = await startFauxqs({ port: 0, logger: false, messageSpies: { bufferSize: 20_000 } });
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  const dlqArn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
  const redrive = (dlq: string) =>
    JSON.stringify({ deadLetterTargetArn: dlqArn(dlq), maxReceiveCount: options.maxReceiveCount ?? 5 });
  const result = server.setup({
    queues: [
      { name: QUEUES.requestsDlq },
      { name: QUEUES.inboundDlq },
      { name: QUEUES.requests, attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(QUEUES.requestsDlq) } },
      { name: QUEUES.inbound, attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(QUEUES.inboundDlq) } },
      { name: QUEUES.decisionsObserver },
    ],
    topics: [{ name: TOPICS.inbound }, { name: TOPICS.inboundRaw }, { name: TOPICS.requests }, { name: TOPICS.decisions }],
    subscriptions: [
      { topic: TOPICS.inbound, queue: QUEUES.inbound },
      { topic: TOPICS.inboundRaw, queue: QUEUES.inbound, attributes: { RawMessageDelivery: "true" } },
      { topic: TOPICS.requests, queue: QUEUES.requests },
      { topic: TOPICS.decisions, queue: QUEUES.decisionsObserver },
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
