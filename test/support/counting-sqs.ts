import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";
import { resolveDeadLetter } from "../../src/adapters/sqs/dead-letter.ts";
import { createQueueWorker, type HandledMessage, type QueueWorker } from "../../src/adapters/sqs/queue-worker.ts";
import { createLogger } from "../../src/logger.ts";
import { startAwsEnvironment, type AwsEnvironment } from "./aws-environment.ts";

export interface CountingSqs {
  env: AwsEnvironment;
  /** The real SQS client on the emulator, counting what it sends. */
  sqs: SQSClient;
  /** Commands of this name sent so far, e.g. "ReceiveMessageCommand". */
  sent(commandName: string): number;
  /**
   * A queue worker on `queue` whose handler accepts everything (after `handler`), and what it
   * handled; stopped after the test. Give each test its own queue: a stopped worker's last long poll
   * may still take messages on the emulator's side (as on SQS), which then come back only after
   * their visibility timeout.
   */
  startWorker(queue: string, handler?: (body: string) => Promise<void>): Promise<TestWorker>;
}

export interface TestWorker {
  worker: QueueWorker;
  queueUrl: string;
  handled: HandledMessage[];
  /** The most pollers running when a message was handled. */
  mostPollers: () => number;
}

export const WORKER_POLLERS = 4;

/** Waits for `condition` to hold (checked every 20 ms, up to 15 s). */
export const until = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 15_000, interval: 20 });

/** Starts the emulator and a counting SQS client before the file's tests, and stops them after. */
export function useCountingSqs(): CountingSqs {
  const counts = new Map<string, number>();
  let env: AwsEnvironment | undefined;
  let sqs: SQSClient | undefined;
  let worker: QueueWorker | undefined;
  beforeAll(async () => {
    env = await startAwsEnvironment();
    sqs = new SQSClient({ region: "us-east-1", endpoint: env.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    sqs.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName ?? "unknown";
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "countCommands" },
    );
  });
  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
  });
  afterAll(async () => {
    sqs?.destroy();
    await env?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useCountingSqs: used before its beforeAll ran");
    return value;
  };
  return {
    get env() {
      return started(env);
    },
    get sqs() {
      return started(sqs);
    },
    sent: (commandName) => counts.get(commandName) ?? 0,
    async startWorker(queue, handler = () => Promise.resolve()) {
      const client = started(sqs);
      const queueUrl = started(env).queueUrl(queue);
      const handled: HandledMessage[] = [];
      let most = 0;
      const queueWorker = createQueueWorker({
        name: queue,
        queueUrl,
        sqs: client,
        handler: async ({ payload }) => {
          await handler(JSON.stringify(payload));
          return { outcome: "ok" };
        },
        deadLetter: await resolveDeadLetter(client, queueUrl),
        log: createLogger("silent"),
        pollers: WORKER_POLLERS,
        waitTimeSeconds: 1,
        onHandled: (message) => {
          handled.push(message);
          most = Math.max(most, queueWorker.pollersRunning);
        },
      });
      worker = queueWorker;
      queueWorker.start();
      return { worker: queueWorker, queueUrl, handled, mostPollers: () => most };
    },
  };
}
