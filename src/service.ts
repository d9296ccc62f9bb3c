import { randomUUID } from "node:crypto";
import { createAwsClients, type AwsClients } from "./adapters/aws/aws-clients.ts";
import { PinpointMessageFeedback } from "./adapters/aws/pinpoint-message-feedback.ts";
import { PinpointSmsSender } from "./adapters/aws/pinpoint-sms-sender.ts";
import { resolveOriginationNumber } from "./adapters/aws/resolve-origination-number.ts";
import { SnsDecisionPublisher } from "./adapters/aws/sns-decision-publisher.ts";
import { startOpsServer, type OpsServer, type Readiness } from "./adapters/http/ops-server.ts";
import { instrumentPublisher, instrumentSmsSender } from "./adapters/metrics/instrumented.ts";
import { ServiceMetrics } from "./adapters/metrics/service-metrics.ts";
import { watchAvailability } from "./adapters/redis/availability.ts";
import { createRedisClient } from "./adapters/redis/redis-client.ts";
import { RedisSendRate } from "./adapters/redis/redis-send-rate.ts";
import { RedisVerificationStore } from "./adapters/redis/redis-verification-store.ts";
import type { RedisClient } from "./adapters/redis/scripts.ts";
import { PacedSmsSender } from "./adapters/sms-pacing/paced-sms-sender.ts";
import { resolveDeadLetter } from "./adapters/sqs/dead-letter.ts";
import {
  createQueueWorker,
  DEFAULT_HANDLER_TIMEOUT_MS,
  type HandledMessage,
  type QueueWorker,
  type StopReport,
} from "./adapters/sqs/queue-worker.ts";
import { createBackgroundTasks } from "./app/background-tasks.ts";
import type { AppContext } from "./app/context.ts";
import { startExpiryPoller, type ExpiryPoller } from "./app/expiry-poller.ts";
import { inboundQueueHandler, requestQueueHandler, smsEventsQueueHandler } from "./app/queue-handlers.ts";
import type { DeliveryObserver } from "./app/record-delivery-event.ts";
import type { Config } from "./config.ts";
import { eventTypeLabel } from "./domain/sms-delivery-event.ts";
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
  /** Concurrent pollers per queue; more keep a busy queue drained while batches are handled. */
  pollersPerQueue?: number;
  clients?: AwsClients;
  onHandled?: (handled: HandledMessage) => void;
  /** Overrides DECISION_RETENTION_SECONDS (tests let keys really expire). */
  decisionRetentionSeconds?: number;
  /** Longest a message's handler may take (default 60 s); texts owed to a reply give up at 3/4 of it. */
  handlerTimeoutMs?: number;
}

export interface StopSummary {
  requests: StopReport;
  inbound: StopReport;
  smsEvents?: StopReport;
}

export interface RunningService {
  readonly context: AppContext;
  readonly redis: RedisClient;
  /** smsEvents runs when SMS_EVENTS_QUEUE_URL is set. */
  readonly workers: { requests: QueueWorker; inbound: QueueWorker; smsEvents?: QueueWorker };
  readonly metrics: ServiceMetrics;
  readonly opsPort: number;
  readiness(): Promise<Readiness>;
  stop(): Promise<StopSummary>;
}

const READINESS_TIMEOUT_MS = 1_000;
const DEFAULT_POLLERS_PER_QUEUE = 4;

/** Wires the adapters to the use cases and starts both queue workers, the expiry sweep and the ops server. */
export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const { log } = options;
  const clients = options.clients ?? createAwsClients(config);
  const redis = createRedisClient(config.redis);
  redis.on("error", (error: Error) => log.warn({ err: { name: error.name, message: error.message } }, "redis connection error"));
  const retentionSeconds = options.decisionRetentionSeconds ?? config.decisionRetentionSeconds;
  const store = new RedisVerificationStore(redis, {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(retentionSeconds !== undefined ? { retentionSeconds } : {}),
  });
  const metrics = new ServiceMetrics();
  const clock = options.clock ?? { now: () => Date.now() };

  const smsEventsQueueUrl = config.smsEventsQueueUrl;
  const [originationNumber, requestsDeadLetter, inboundDeadLetter, smsEventsDeadLetter] = await Promise.all([
    config.originationNumber ?? resolveOriginationNumber(clients.sms, config.originationIdentity),
    resolveDeadLetter(clients.sqs, config.requestsQueueUrl),
    resolveDeadLetter(clients.sqs, config.inboundQueueUrl),
    smsEventsQueueUrl ? resolveDeadLetter(clients.sqs, smsEventsQueueUrl) : undefined,
  ]);

  const sender = new PinpointSmsSender(clients.sms, {
    originationIdentity: config.originationIdentity,
    configurationSetName: config.smsConfigurationSet,
    messageFeedback: config.smsMessageFeedback,
    protectConfigurationId: config.smsProtectConfigurationId,
  });
  // One rate for every worker of the origination identity (SMS_MAX_PARTS_PER_SECOND), most urgent first.
  const paced =
    config.smsMaxPartsPerSecond === undefined
      ? undefined
      : new PacedSmsSender(
          sender,
          new RedisSendRate(redis, {
            ...(options.namespace ? { namespace: options.namespace } : {}),
            partsPerSecond: config.smsMaxPartsPerSecond,
            workerId: randomUUID(),
          }),
          clock,
        );
  const background = createBackgroundTasks(log);
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const context: AppContext = {
    store,
    background,
    sms: instrumentSmsSender(paced ?? sender, metrics),
    feedback: config.smsMessageFeedback ? new PinpointMessageFeedback(clients.sms) : undefined,
    publisher: instrumentPublisher(new SnsDecisionPublisher(clients.sns, config.decisionsTopicArn), metrics, clock),
    clock,
    log,
    settings: {
      brandName: config.brandName,
      verificationTtlSeconds: config.verificationTtlSeconds,
      originationNumber,
      replyTextSendWithinMs: Math.floor(handlerTimeoutMs * 0.75),
    },
    newId: randomUUID,
  };

  const onHandled = (handled: HandledMessage) => {
    metrics.messagesHandled.inc({ queue: handled.queue, outcome: handled.outcome });
    metrics.messageHandlingSeconds.observe({ queue: handled.queue }, handled.latencyMs / 1000);
    if (handled.queueLagMs !== undefined) metrics.queueLagSeconds.observe({ queue: handled.queue }, handled.queueLagMs / 1000);
    options.onHandled?.(handled);
  };
  const common = {
    sqs: clients.sqs,
    log,
    onHandled,
    pollers: options.pollersPerQueue ?? DEFAULT_POLLERS_PER_QUEUE,
    handlerTimeoutMs,
    toServiceTime: (epochMs: number) => epochMs + clock.now() - Date.now(),
    ...(options.visibilityTimeoutSeconds ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds } : {}),
    ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
  };
  const deliveryObserver: DeliveryObserver = {
    eventSeen: (eventType) => metrics.smsDeliveryEvents.inc({ eventType: eventTypeLabel(eventType) }),
    deliveredAfter: (seconds) => metrics.smsDeliverySeconds.observe(seconds),
  };
  const workers: RunningService["workers"] = {
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
    ...(smsEventsQueueUrl && smsEventsDeadLetter
      ? {
          smsEvents: createQueueWorker({
            ...common,
            name: "sms_events",
            queueUrl: smsEventsQueueUrl,
            handler: smsEventsQueueHandler(context, deliveryObserver),
            deadLetter: smsEventsDeadLetter,
          }),
        }
      : {}),
  };
  const allWorkers = Object.values(workers);

  const readiness = async (): Promise<Readiness> => {
    const failing: string[] = [];
    const redisAnswers = await Promise.race([
      redis.ping().then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), READINESS_TIMEOUT_MS).unref()),
    ]);
    if (!redisAnswers) failing.push("redis");
    // While Redis is away the consumers are paused on purpose; Redis is then the part named.
    if (redisAnswers && redisState.up) {
      for (const [name, worker] of Object.entries(workers)) if (!worker?.isRunning) failing.push(`consumer:${name}`);
    }
    return { ok: failing.length === 0, failing };
  };

  const ops: OpsServer = await startOpsServer(config.httpPort, {
    readiness,
    registry: metrics.registry,
    findVerification: (transactionId) => store.get(transactionId),
    log,
  });
  let stopping = false;
  const redisState = watchAvailability(redis, {
    onUp: () => {
      if (stopping) return;
      log.info("redis available: consuming");
      for (const worker of allWorkers) worker.start();
    },
    onDown: () => {
      if (stopping) return;
      log.warn("redis unavailable: consumers paused until it returns");
      for (const worker of allWorkers) worker.pause();
    },
  });
  const expiry: ExpiryPoller = startExpiryPoller(context, options.expiryIntervalMs, () => redisState.up);
  log.info(
    {
      opsPort: ops.port,
      smsMaxPartsPerSecond: config.smsMaxPartsPerSecond ?? null,
      deadLetterQueues: {
        requests: Boolean(requestsDeadLetter.queueUrl),
        inbound: Boolean(inboundDeadLetter.queueUrl),
        ...(smsEventsDeadLetter ? { smsEvents: Boolean(smsEventsDeadLetter.queueUrl) } : {}),
      },
    },
    "service started",
  );

  return {
    context,
    redis,
    workers,
    metrics,
    opsPort: ops.port,
    readiness,
    async stop() {
      stopping = true;
      const timeoutMs = config.shutdownTimeoutSeconds * 1000;
      const [requests, inbound, smsEvents] = await Promise.all([
        workers.requests.stop(timeoutMs),
        workers.inbound.stop(timeoutMs),
        workers.smsEvents?.stop(timeoutMs),
        expiry.stop(),
      ]);
      // What still waits for its turn is handed back: its request or the sweep sends it later.
      await paced?.close();
      await background.drain(timeoutMs);
      await ops.close();
      await redis.quit().catch(() => undefined);
      if (!options.clients) clients.destroy();
      const summary: StopSummary = { requests, inbound, ...(smsEvents ? { smsEvents } : {}) };
      log.info(summary, "service stopped");
      return summary;
    },
  };
}
