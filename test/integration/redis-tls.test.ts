import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort, startRedisServer as startPrivateRedis } from "../../dev/redis-server.ts";
import { startSmsSandbox, type SmsSandbox } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES, TOPICS, startAwsEnvironment, type AwsEnvironment } from "../support/aws-environment.ts";
import { startRedisCluster } from "../support/redis-cluster.ts";
import { spawnService } from "../support/service-process.ts";
import { verificationRequest } from "../support/service-harness.ts";

let certDir: string;
let cert: string;
let key: string;
let aws: AwsEnvironment;
let sandbox: SmsSandbox;

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), "fv-tls-"));
  cert = join(certDir, "cert.pem");
  key = join(certDir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  sandbox = await startSmsSandbox();
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(certDir, { recursive: true, force: true });
});
// A fresh emulator per test: fauxqs keeps serving the long polls of a stopped service (it does not
// notice the closed connection), and those would take the next test's request.
beforeEach(async () => {
  aws = await startAwsEnvironment();
});
afterEach(async () => {
  await aws?.stop();
});

/** Runs the production entry point against a TLS Redis and checks it is ready and texts a request. */
async function serveOneRequest(redisEnv: Record<string, string>) {
  const httpPort = await freePort();
  const service = spawnService({
    AWS_ENDPOINT_URL_SQS: aws.endpoint,
    AWS_ENDPOINT_URL_SNS: aws.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sandbox.url,
    REQUESTS_QUEUE_URL: aws.queueUrl(QUEUES.requests),
    INBOUND_QUEUE_URL: aws.queueUrl(QUEUES.inbound),
    DECISIONS_TOPIC_ARN: aws.topicArn(TOPICS.decisions),
    ORIGINATION_IDENTITY: "+18885550100",
    HTTP_PORT: String(httpPort),
    // The test CA is trusted the way a container trusts a private CA; ElastiCache's is public.
    NODE_EXTRA_CA_CERTS: cert,
    ...redisEnv,
  });
  try {
    await service.waitForLine((line) => line.msg === "service started");
    const readyz = async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status;
    await expect.poll(readyz, { timeout: 10_000, interval: 100 }).toBe(200);
    const request = verificationRequest();
    aws.server.sendMessage(QUEUES.requests, JSON.stringify(request));
    await sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId, 10_000);
  } finally {
    service.child.kill("SIGTERM");
    await service.exited;
  }
}

describe("ElastiCache-style Redis: TLS (rediss://) and AUTH", () => {
  it("works on a single node", async () => {
    const port = await freePort();
    const redis = await startPrivateRedis([
      "--port", "0", "--tls-port", String(port), "--tls-cert-file", cert, "--tls-key-file", key,
      "--tls-ca-cert-file", cert, "--tls-auth-clients", "no", "--requirepass", "s3cret",
    ]);
    try {
      await serveOneRequest({ REDIS_URL: `rediss://default:s3cret@localhost:${port}` });
    } finally {
      await redis.stop();
    }
  });

  it("works on a cluster", async () => {
    const cluster = await startRedisCluster({ password: "s3cret", tls: { cert, key, host: "localhost" } });
    try {
      await serveOneRequest({ REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.nodes });
    } finally {
      await cluster.stop();
    }
  });
});
