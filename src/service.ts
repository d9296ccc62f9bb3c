import { randomUUID } from "node:crypto";
import { createAwsClients, type AwsClients } from "./adapters/aws/aws-clients.ts";
import { PinpointSmsSender } from "./adapters/aws/pinpoint-sms-sender.ts";
import { resolveOriginationNumber } from "./adapters/aws/resolve-origination-number.ts";
import { SnsDecisionPublisher } from "./adapters/aws/sns-decision-publisher.ts";
import { createRedisClient } from "./adapters/redis/redis-client.ts";
import { RedisVerificationStore } from "./adapters/redis/redis-verification-store.ts";
import type { RedisClient } from "./adapters/redis/scripts.ts";
import { resolveDeadLetter } from "./adapters/sqs/dead-letter.ts";
import { createQueueWorker, type HandledMessage, type QueueWorker } from "./adapters/sqs/queue-worker.ts";
import type { AppContext } from "./app/context.ts";
import { startExpiryPoller, type ExpiryPoller } from "./app/expiry-poller.ts";
import { inboundQueueHandler, requestQueueHandler } from "./app/queue-handlers.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { Clock } from "./ports.ts";

export interface ServiceOptions {
  log: Logger;
  /** Redis key namespace; tests give each service its own. */
  namespace?: string;
  clock?: Clock;
  /** Visibility timeout of received messages, seconds (tests shorten it to see redeliveries quickly). */
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
  expiryIntervalMs?: number;
  clients?: AwsClients;
  onHandled?: (handled: HandledMessage) => void;
}

export interface RunningService {
  readonly context: AppContext;
  readonly redis: RedisClient;
  readonly workers: { requests: QueueWorker; inbound: QueueWorker };
  stop(): Promise<void>;
}

/** Wires the adapters to the use cases and starts both queue workers and the expiry sweep. */
export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const { log } = options;
  const clients = options.clients ?? createAwsClients(config);
  const redis = createRedisClient(config.redis);
  const store = new RedisVerificationStore(redis, options.namespace ? { namespace: options.namespace } : {});

  const [originationNumber, requestsDeadLetter, inboundDeadLetter] = await Promise.all([
    config.originationNumber ?? resolveOriginationNumber(clients.sms, config.originationIdentity),
    resolveDeadLetter(clients.sqs, config.requestsQueueUrl),
    resolveDeadLetter(clients.sqs, config.inboundQueueUrl),
  ]);

  const context: AppContext = {
    store,
    sms: new PinpointSmsSender(clients.sms, {
      originationIdentity: config.originationIdentity,
      configurationSetName: config.smsConfigurationSet,
    }),
    publisher: new SnsDecisionPublisher(clients.sns, config.decisionsTopicArn),
    clock: options.clock ?? { now: () => Date.now() },
    log,
    settings: {
      brandName: config.brandName,
      verificationTtlSeconds: config.verificationTtlSeconds,
      originationNumber,
    },
    newId: randomUUID,
  };

  const common = {
    sqs: clients.sqs,
    log,
    ...(options.visibilityTimeoutSeconds ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds } : {}),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
    ...(options.onHandled ? { onHandled: options.onHandled } : {}),
  };
  const workers = {
    requests: createQueueWorker({
      ...common,
      name: "requests",
      queueUrl: config.requestsQueueUrl,
      handler: requestQueueHandler(context),
      deadLetter: requestsDeadLetter,
    }),
    inbound: createQueueWorker({
      ...common,
      name: "inbound",
      queueUrl: config.inboundQueueUrl,
      handler: inboundQueueHandler(context),
      deadLetter: inboundDeadLetter,
    }),
  };
  workers.requests.start();
  workers.inbound.start();
  const expiry: ExpiryPoller = startExpiryPoller(context, options.expiryIntervalMs);
  log.info(
    { deadLetterQueues: { requests: Boolean(requestsDeadLetter.queueUrl), inbound: Boolean(inboundDeadLetter.queueUrl) } },
    "service started",
  );

  return {
    context,
    redis,
    workers,
    async stop() {
      await Promise.all([workers.requests.stop(), workers.inbound.stop(), expiry.stop()]);
      await redis.quit().catch(() => undefined);
      if (!options.clients) clients.destroy();
    },
  };
}
