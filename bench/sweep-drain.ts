/**
 * `npm run bench:sweep`: how fast one worker's sweep drains deadlines that fall due together.
 * N verifications past their deadline are recorded in a private redis-server (through the real
 * store), then one worker's sweep (the service's own expireDue passes, back to back as the poller
 * runs them after a full pass) decides each EXPIRED and publishes it through the real SNS client to
 * the emulator. Prints one line of figures (or JSON with --json); asserts nothing about speed, but
 * exits 1 when a verification is left undecided or unpublished.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createAwsClients } from "../src/adapters/aws/aws-clients.ts";
import { SnsDecisionPublisher } from "../src/adapters/aws/sns-decision-publisher.ts";
import { RedisVerificationStore } from "../src/adapters/redis/redis-verification-store.ts";
import { createBackgroundTasks } from "../src/app/background-tasks.ts";
import type { AppContext } from "../src/app/context.ts";
import { expireDue } from "../src/app/expire-due.ts";
import { createLogger } from "../src/logger.ts";
import { startAwsEnvironment, TOPICS } from "../test/support/aws-environment.ts";
import { recordPastDueVerification } from "../test/support/past-due-verification.ts";
import { startRedisServer } from "../test/support/redis-server.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "5000" }, json: { type: "boolean", default: false } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1) throw new Error("--n must be a positive integer");

const [aws, redisServer] = await Promise.all([startAwsEnvironment(), startRedisServer()]);
const redis = new Redis(redisServer.url);
const clients = createAwsClients({ region: "us-east-1", endpoints: { sqs: aws.endpoint, sns: aws.endpoint, sms: undefined } }, {
  accessKeyId: "bench",
  secretAccessKey: "bench",
});
try {
  const log = createLogger("error");
  const store = new RedisVerificationStore(redis, { namespace: "sweep-bench" });
  const ctx: AppContext = {
    store,
    sms: { send: () => Promise.reject(new Error("the sweep bench sends no SMS")) },
    publisher: new SnsDecisionPublisher(clients.sns, aws.topicArn(TOPICS.decisions)),
    clock: { now: () => Date.now() },
    log,
    settings: { brandName: "Your bank", verificationTtlSeconds: 600, originationNumber: undefined, replyTextSendWithinMs: 45_000 },
    background: createBackgroundTasks(log),
    newId: randomUUID,
  };

  const now = Date.now();
  const transactionIds: string[] = [];
  for (let i = 0; i < n; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, n - i) }, async (_, j) => {
        const transactionId = `sweep-${i + j}`;
        const phoneNumber = `+1425${String(1_000_000 + i + j)}`;
        transactionIds.push(transactionId);
        // Sent, as a question normally is: the sweep then decides EXPIRED (not NOT_SENT).
        await recordPastDueVerification(store, { transactionId, phoneNumber, now, messageId: `m-${i + j}` });
      }),
    );
  }

  const started = performance.now();
  let passes = 0;
  for (;;) {
    passes += 1;
    const pass = await expireDue(ctx);
    if (!pass.more && pass.expired === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;

  const stored = await Promise.all(transactionIds.map((id) => store.get(id)));
  const undecided = stored.filter((v) => v?.decision?.decision !== "EXPIRED").length;
  const unpublished = stored.filter((v) => v?.decision && !v.decision.published).length;
  const figures = { n, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(n / seconds), passes, undecided, unpublished };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(figures)}\n`
      : `sweep drain: ${n} due at once → ${figures.perSecond} EXPIRED decided and published per second (${figures.seconds} s, ${passes} passes); undecided ${undecided}, unpublished ${unpublished}\n`,
  );
  process.exitCode = undecided + unpublished > 0 ? 1 : 0;
} finally {
  redis.disconnect();
  clients.destroy();
  await Promise.all([aws.stop(), redisServer.stop()]);
}
