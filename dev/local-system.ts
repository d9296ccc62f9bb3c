import { randomUUID } from "node:crypto";
import { SNSClient } from "@aws-sdk/client-sns";
import type { AwsClients } from "../src/adapters/aws/aws-clients.ts";
import { loadConfig } from "../src/config.ts";
import type { VerificationRequest } from "../src/domain/messages.ts";
import { createLogger, type Logger } from "../src/logger.ts";
import { startService, type RunningService } from "../src/service.ts";
import { startDecisionFeed, type DecisionFeed } from "./decision-feed.ts";
import { createLocalBackend } from "./dev-backend.ts";
import { startDevServer } from "./dev-server.ts";
import { HandledMessages } from "./handled-messages.ts";
import { createLocalAwsClients, LOCAL_CREDENTIALS } from "./local-aws-clients.ts";
import { localNames, startLocalEmulator, type LocalEmulator } from "./local-emulator.ts";
import { acquireLocalRedis, type LocalRedis } from "./local-redis.ts";
import { PendingVerifications } from "./pending-verifications.ts";
import { snsDeliveryEventPublisher, snsInboundPublisher } from "./sms-sandbox/sns-inbound-publisher.ts";
import { startSmsSandbox, type SmsSandbox } from "./sms-sandbox/sms-sandbox.ts";

export const LOCAL_ORIGINATION_NUMBER = "+18885550100";
const REGION = "us-east-1";

export interface LocalSystemOptions {
  /** Dev page port; 0 picks a free one. */
  port: number;
  /** Take any free port when `port` is in use. */
  fallbackToFreePort?: boolean;
  host?: string;
  /** Use this Redis instead of starting a private redis-server. */
  redisUrl?: string | undefined;
  /** The service's log level; its logs go to logDestination (default stderr). */
  logLevel?: string;
  logDestination?: NodeJS.WritableStream;
  /** Variables of the contract the dev mode lets through (BRAND_NAME, VERIFICATION_TTL_SECONDS). */
  env?: Record<string, string | undefined>;
}

export interface LocalSystem {
  /** The dev page. */
  url: string;
  redis: LocalRedis;
  emulator: LocalEmulator;
  sandbox: SmsSandbox;
  service: RunningService;
  decisions: DecisionFeed;
  /** Queue messages the service has finished with. */
  handled: HandledMessages;
  /** Sends a verification request to the requests queue. */
  sendRequest(request: VerificationRequest): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system in this process: fauxqs with the production topology, Redis, the SMS sandbox
 * publishing handset messages to the two-way topic, the service, and the dev page. Everything
 * started is stopped again if a later step fails.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const cleanups: Array<() => unknown> = [];
  let log: Logger | undefined;
  const stopAll = async () => {
    // Stopping makes the service see Redis and the queues go away; that is not worth a warning.
    if (log) log.level = "error";
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve(cleanup()).catch(() => undefined);
    }
  };
  try {
    log = createLogger(options.logLevel ?? "warn", options.logDestination ?? process.stderr);
    const [redis, emulator] = await Promise.all([acquireLocalRedis(options.redisUrl), startLocalEmulator()]);
    cleanups.push(() => redis.stop(), () => emulator.stop());

    // The sandbox plays AWS's part: its own SNS client publishes what handsets text, and each text's
    // delivery events (the configuration set's event destination).
    const pinpointSns = new SNSClient({ region: REGION, endpoint: emulator.endpoint, credentials: LOCAL_CREDENTIALS });
    cleanups.push(() => pinpointSns.destroy());
    const sandbox = await startSmsSandbox({
      region: REGION,
      phoneNumbers: [{ phoneNumber: LOCAL_ORIGINATION_NUMBER }],
      inboundPublisher: snsInboundPublisher(pinpointSns, emulator.topicArn(localNames.inboundTopic)),
      deliveryEvents: { publisher: snsDeliveryEventPublisher(pinpointSns, emulator.topicArn(localNames.smsEventsTopic)) },
    });
    cleanups.push(() => sandbox.close());

    const clients: AwsClients = createLocalAwsClients({ region: REGION, emulator: emulator.endpoint, smsSandbox: sandbox.url });
    cleanups.push(() => clients.destroy());
    const config = loadConfig({
      AWS_REGION: REGION,
      REQUESTS_QUEUE_URL: emulator.queueUrl(localNames.requestsQueue),
      INBOUND_QUEUE_URL: emulator.queueUrl(localNames.inboundQueue),
      SMS_EVENTS_QUEUE_URL: emulator.queueUrl(localNames.smsEventsQueue),
      DECISIONS_TOPIC_ARN: emulator.topicArn(localNames.decisionsTopic),
      ORIGINATION_IDENTITY: LOCAL_ORIGINATION_NUMBER,
      REDIS_URL: redis.url,
      BRAND_NAME: options.env?.["BRAND_NAME"],
      VERIFICATION_TTL_SECONDS: options.env?.["VERIFICATION_TTL_SECONDS"],
      // The operations server (/healthz, /readyz, /metrics) on a free port unless one is asked for.
      HTTP_PORT: options.env?.["HTTP_PORT"] || "0",
    });
    // A private namespace: a shared REDIS_URL is never flushed and never mixed with other users' keys.
    const namespace = `fv-dev-${randomUUID().slice(0, 8)}`;
    const handled = new HandledMessages();
    const service = await startService(config, { log, namespace, clients, waitTimeSeconds: 1, onHandled: handled.record });
    cleanups.push(() => service.stop());

    const decisions = startDecisionFeed(clients.sqs, emulator.queueUrl(localNames.decisionsQueue), log);
    cleanups.push(() => decisions.stop());
    const pending = new PendingVerifications(service.context.store);
    const backend = createLocalBackend({
      info: {
        originationNumber: LOCAL_ORIGINATION_NUMBER,
        emulatorEndpoint: emulator.endpoint,
        smsSandboxUrl: sandbox.url,
        redis: redis.description,
        opsUrl: `http://127.0.0.1:${service.opsPort}`,
        namespace,
        topology: {
          requestsQueue: localNames.requestsQueue,
          inboundTopic: localNames.inboundTopic,
          inboundQueue: localNames.inboundQueue,
          decisionsTopic: localNames.decisionsTopic,
          decisionsQueue: localNames.decisionsQueue,
          smsEventsTopic: localNames.smsEventsTopic,
          smsEventsQueue: localNames.smsEventsQueue,
        },
      },
      sqs: clients.sqs,
      requestsQueueUrl: config.requestsQueueUrl,
      emulator,
      sandbox,
      decisions,
      handled,
      pending,
    });
    cleanups.push(() => backend.stop());
    const web = await startDevServer(backend, {
      host: options.host ?? "127.0.0.1",
      port: options.port,
      fallbackToFreePort: options.fallbackToFreePort ?? false,
    });
    cleanups.push(() => web.close());

    return {
      url: web.url,
      redis,
      emulator,
      sandbox,
      service,
      decisions,
      handled,
      sendRequest: (request) => backend.sendRequest(request),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
