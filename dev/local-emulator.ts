import { startFauxqs, type FauxqsServer } from "fauxqs";
import { fauxqsInit, localNames } from "./local-topology.ts";

export interface QueueDepth {
  name: string;
  ready: number;
  delayed: number;
  inFlight: number;
}

export interface LocalEmulator {
  /** Endpoint of both SNS and SQS. */
  endpoint: string;
  queueUrl(name: string): string;
  topicArn(name: string): string;
  /** Messages per queue of the production topology, read without receiving them. */
  depths(): QueueDepth[];
  stop(): Promise<void>;
}

/** fauxqs in-process, with exactly the queues, DLQs, topics and subscriptions production has. */
export async function startLocalEmulator(): Promise<LocalEmulator> {
  const server: FauxqsServer = await startFauxqs({ port: 0, logger: false });
  const topology = fauxqsInit();
  const result = server.setup(topology);
  const queueUrls = new Map(result.queues.map((queue) => [queue.name, queue.url]));
  const topicArns = new Map(result.topics.map((topic) => [topic.name, topic.arn]));
  const queueNames = topology.queues.map((queue) => queue.name);
  return {
    endpoint: server.address,
    queueUrl: (name) => required(queueUrls.get(name), `queue ${name}`),
    topicArn: (name) => required(topicArns.get(name), `topic ${name}`),
    depths: () =>
      queueNames.map((name) => {
        const messages = server.inspectQueue(name)?.messages;
        return {
          name,
          ready: messages?.ready.length ?? 0,
          delayed: messages?.delayed.length ?? 0,
          inFlight: messages?.inflight.length ?? 0,
        };
      }),
    stop: () => server.stop(),
  };
}

export { localNames };

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`the local topology has no ${what}`);
  return value;
}
