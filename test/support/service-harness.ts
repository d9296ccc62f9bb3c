import { randomInt, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SnsSpyMessage } from "fauxqs";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SNSClient } from "@aws-sdk/client-sns";
import { PublishCommand } from "@aws-sdk/client-sns";
import { createAwsClients, type AwsClients } from "../../src/adapters/aws/aws-clients.ts";
import type { HandledMessage } from "../../src/adapters/sqs/queue-worker.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";
import { startSmsSandbox, type DeliveryEventPublisher, type SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { snsDeliveryEventPublisher } from "../../dev/sms-sandbox/sns-inbound-publisher.ts";
import { createLogger } from "../../src/logger.ts";
import { startService, type RunningService } from "../../src/service.ts";
import { startAwsEnvironment, TOPICS, QUEUES, type AwsEnvironment } from "./aws-environment.ts";
import { decisionFromSnsMessage } from "./decision-event-contract.ts";
import { startDelayingProxy, type DelayingProxy } from "./delaying-proxy.ts";
import { startRedisServer, type TestRedis } from "./redis-server.ts";

export const ORIGINATION_NUMBER = "+18885550100";
const WAIT_MS = 10_000;

/** The ways ORIGINATION_IDENTITY may name the number the service sends from (production passes an ARN). */
export type OriginationForm = "e164" | "phoneNumberArn" | "phoneNumberId" | "pool";
export const ORIGINATION_FORMS: readonly OriginationForm[] = ["e164", "phoneNumberArn", "phoneNumberId", "pool"];
export const ORIGINATION_PHONE_NUMBER_ID = "phone-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
export const POOL_ID = "pool-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
/** The pool's second number (the pool is ORIGINATION_NUMBER and this). */
export const POOL_SECOND_NUMBER = "+18885550101";
/** One of the account's numbers that is neither the origination number nor in the pool. */
export const OTHER_NUMBER = "+18885550199";
const ORIGINATION_IDENTITIES: Record<OriginationForm, string> = {
  e164: ORIGINATION_NUMBER,
  phoneNumberArn: `arn:aws:sms-voice:us-east-1:000000000000:phone-number/${ORIGINATION_PHONE_NUMBER_ID}`,
  phoneNumberId: ORIGINATION_PHONE_NUMBER_ID,
  pool: POOL_ID,
};

export interface HarnessOptions {
  visibilityTimeoutSeconds?: number;
  env?: Record<string, string>;
  /** A Redis (or cluster) the test started; by default the harness starts a private redis-server. */
  redis?: Pick<TestRedis, "url" | "stop">;
  /** Route SMS calls through a proxy whose delay the test controls. */
  slowSms?: boolean;
  /** DECISION_RETENTION_SECONDS below its floor, so tests see keys really expire. */
  decisionRetentionSeconds?: number;
  /** The sweep's interval (default 200 ms). */
  expiryIntervalMs?: number;
  /** Longest a message's handler may take (the service's default: 60 s). */
  handlerTimeoutMs?: number;
  /**
   * Consume SMS delivery events (SMS_EVENTS_QUEUE_URL): "manual" = the test sends them; "sandbox" =
   * the SMS sandbox publishes them to the events topic as AWS does.
   */
  smsEvents?: "manual" | "sandbox";
  /** The SMS sandbox throttles SendTextMessage above this many message parts per second. */
  sandboxMaxPartsPerSecond?: number;
  /**
   * How ORIGINATION_IDENTITY names the sending number (default E.164). With any form the sandbox
   * has ORIGINATION_NUMBER (with ORIGINATION_PHONE_NUMBER_ID), POOL_SECOND_NUMBER and OTHER_NUMBER,
   * and the pool POOL_ID over the first two.
   */
  originationForm?: OriginationForm;
}

/** The service's clock: real time plus an offset the test moves forward (the emulator keeps real time). */
export class TestClock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface Harness {
  aws: AwsEnvironment;
  clock: TestClock;
  sandbox: SmsSandbox;
  smsProxy: DelayingProxy | undefined;
  redis: Pick<TestRedis, "url" | "stop">;
  config: Config;
  service: RunningService;
  /** The clients the service uses (tests may add fault-injecting middleware to them). */
  clients: AwsClients;
  /** The service's Redis key namespace. */
  namespace: string;
  /** Starts a fresh service process-equivalent on the same emulator, Redis and namespace. */
  restartService(): Promise<void>;
  stopService(): Promise<void>;
  /** A second worker on the same queues, Redis namespace and clock (another process, in production). */
  startAnotherWorker(): Promise<RunningService>;
  startServiceAgain(): Promise<void>;
  logLines: string[];
  sqs: SQSClient;
  sns: SNSClient;
  sendToQueue(queue: string, body: string): Promise<string>;
  publishToTopic(topic: string, message: string): Promise<void>;
  waitForDecision(transactionId: string): Promise<DecisionEvent>;
  decisionsFor(transactionId: string): DecisionEvent[];
  waitForHandled(predicate: (handled: HandledMessage) => boolean): Promise<HandledMessage>;
  /** Every message the service finished with, in order. */
  handled: HandledMessage[];
  stop(): Promise<void>;
}

/** The service in-process against the emulator, a private redis-server and the SMS sandbox. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownRedis = !options.redis;
  let publishDeliveryEvent: DeliveryEventPublisher | undefined;
  const [aws, sandbox, redis] = await Promise.all([
    startAwsEnvironment({ visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 2 }),
    startSmsSandbox({
      ...(options.originationForm
        ? {
            phoneNumbers: [
              { phoneNumber: ORIGINATION_NUMBER, phoneNumberId: ORIGINATION_PHONE_NUMBER_ID },
              { phoneNumber: POOL_SECOND_NUMBER },
              { phoneNumber: OTHER_NUMBER },
            ],
            pools: [{ poolId: POOL_ID, phoneNumbers: [ORIGINATION_NUMBER, POOL_SECOND_NUMBER] }],
          }
        : { phoneNumbers: [{ phoneNumber: ORIGINATION_NUMBER }] }),
      deliveryEvents: { publisher: async (event) => publishDeliveryEvent?.(event) },
      ...(options.sandboxMaxPartsPerSecond ? { maxPartsPerSecond: options.sandboxMaxPartsPerSecond } : {}),
    }),
    options.redis ? Promise.resolve(options.redis) : startRedisServer(),
  ]);
  const smsProxy = options.slowSms ? await startDelayingProxy(sandbox.url) : undefined;
  const config = loadConfig({
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_SNS: aws.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: smsProxy?.url ?? sandbox.url,
    REQUESTS_QUEUE_URL: aws.queueUrl(QUEUES.requests),
    INBOUND_QUEUE_URL: aws.queueUrl(QUEUES.inbound),
    DECISIONS_TOPIC_ARN: aws.topicArn(TOPICS.decisions),
    ORIGINATION_IDENTITY: ORIGINATION_IDENTITIES[options.originationForm ?? "e164"],
    REDIS_URL: redis.url,
    LOG_LEVEL: "debug",
    HTTP_PORT: "0",
    ...(options.smsEvents ? { SMS_EVENTS_QUEUE_URL: aws.queueUrl(QUEUES.smsEvents) } : {}),
    ...options.env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const handledEvents = new EventEmitter();
  handledEvents.setMaxListeners(1000);
  const handledLog: HandledMessage[] = [];
  const clients = createAwsClients(config);
  const testClients = createAwsClients(config);
  if (options.smsEvents === "sandbox") publishDeliveryEvent = snsDeliveryEventPublisher(testClients.sns, aws.topicArn(TOPICS.smsEvents));
  const clock = new TestClock();
  const namespace = `fv-${randomUUID().slice(0, 8)}`;
  const launch = (serviceClients = clients) =>
    startService(config, {
      log: createLogger("debug", sink),
      namespace,
      clients: serviceClients,
      clock,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 2,
      waitTimeSeconds: 1,
      expiryIntervalMs: options.expiryIntervalMs ?? 200,
      ...(options.decisionRetentionSeconds !== undefined ? { decisionRetentionSeconds: options.decisionRetentionSeconds } : {}),
      ...(options.handlerTimeoutMs !== undefined ? { handlerTimeoutMs: options.handlerTimeoutMs } : {}),
      onHandled: (handled) => {
        handledLog.push(handled);
        handledEvents.emit("handled", handled);
      },
    });
  let service: RunningService | undefined = await launch();
  const extraWorkers: Array<{ worker: RunningService; clients: AwsClients }> = [];

  const publishedDecisions = () =>
    aws.server.spy
      .getAllMessages()
      .flatMap((m) => (m.service === "sns" && m.topicName === TOPICS.decisions ? [m] : []));
  const decisionsFor = (transactionId: string): DecisionEvent[] =>
    publishedDecisions()
      .map(decisionFromSnsMessage)
      .filter((event) => event.transactionId === transactionId);

  const harness: Harness = {
    aws,
    clock,
    sandbox,
    smsProxy,
    redis,
    config,
    get service() {
      if (!service) throw new Error("the service is stopped");
      return service;
    },
    clients,
    namespace,
    logLines,
    sqs: testClients.sqs,
    sns: testClients.sns,
    async stopService() {
      await service?.stop();
      service = undefined;
    },
    async startAnotherWorker() {
      const own = createAwsClients(config);
      const worker = await launch(own);
      extraWorkers.push({ worker, clients: own });
      return worker;
    },
    async startServiceAgain() {
      service = await launch();
    },
    async restartService() {
      await harness.stopService();
      await harness.startServiceAgain();
    },
    async sendToQueue(queue, body) {
      const sent = await testClients.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrl(queue), MessageBody: body }));
      return sent.MessageId ?? "";
    },
    async publishToTopic(topic, message) {
      await testClients.sns.send(new PublishCommand({ TopicArn: aws.topicArn(topic), Message: message }));
    },
    async waitForDecision(transactionId) {
      const message = await aws.server.spy.waitForMessage(
        (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes(`"transactionId":"${transactionId}"`),
        "published",
        WAIT_MS,
      );
      return decisionFromSnsMessage(message as SnsSpyMessage);
    },
    decisionsFor,
    handled: handledLog,
    waitForHandled(predicate) {
      const seen = handledLog.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          handledEvents.off("handled", listener);
          reject(new Error("no matching message was handled in time"));
        }, WAIT_MS);
        const listener = (handled: HandledMessage) => {
          if (!predicate(handled)) return;
          clearTimeout(timer);
          handledEvents.off("handled", listener);
          resolve(handled);
        };
        handledEvents.on("handled", listener);
      });
    },
    async stop() {
      for (const extra of extraWorkers) {
        await extra.worker.stop();
        extra.clients.destroy();
      }
      await service?.stop();
      clients.destroy();
      testClients.destroy();
      await smsProxy?.close();
      const published = publishedDecisions();
      await Promise.all([aws.stop(), sandbox.close(), ownRedis ? redis.stop() : Promise.resolve()]);
      // Every decision published while the harness ran, whether a test read it or not.
      for (const message of published) decisionFromSnsMessage(message);
    },
  };
  return harness;
}

/** A distinct, valid US number per call so tests never share a cardholder. */
export function uniquePhone(): string {
  return `+1425${String(randomInt(1_000_000, 9_999_999))}`;
}

export function uniqueTransactionId(): string {
  return `txn-${randomUUID()}`;
}

export interface RequestOverrides {
  [field: string]: unknown;
}

export function verificationRequest(overrides: RequestOverrides = {}): Record<string, unknown> {
  return {
    type: "verification.requested",
    transactionId: uniqueTransactionId(),
    phoneNumber: uniquePhone(),
    amountMinor: 12540,
    currency: "USD",
    merchant: "ACME STORE #42",
    cardLast4: "4242",
    expiresInSeconds: 600,
    locale: "en-US",
    metadata: { cardId: "card_123" },
    ...overrides,
  };
}

export function inboundSms(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    originationNumber: uniquePhone(),
    destinationNumber: ORIGINATION_NUMBER,
    messageKeyword: "",
    messageBody: "YES",
    inboundMessageId: randomUUID(),
    previousPublishedMessageId: "",
    ...overrides,
  };
}
