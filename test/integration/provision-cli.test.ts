import { execFile } from "node:child_process";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { SubscribeCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, REGION, SMS_NUMBER, startProvisionHarness, VOICE_NUMBER } from "../support/provision-harness.ts";
import type { ProvisionHarness } from "../support/provision-harness.ts";
import { startRedisServer } from "../support/redis-server.ts";
import { verificationRequest } from "../support/service-harness.ts";
import { spawnService } from "../support/service-process.ts";

let account: ProvisionHarness;

beforeAll(async () => {
  account = await startProvisionHarness();
});

afterAll(async () => {
  await account.stop();
});

/** `npm run provision` runs exactly this: provision/main.ts on the pinned Node.js. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["provision/main.ts", ...args],
      {
        env: {
          PATH: process.env.PATH ?? "",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL: account.fauxqs.address,
          AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: account.sandbox.url,
          AWS_ENDPOINT_URL_KMS: account.kms.url,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm run provision", () => {
  it("exits 2 with the usage on a bad command line", async () => {
    const { code, stderr } = await cli(["--keyword", "JOIN=hi"]);

    expect(code).toBe(2);
    expect(stderr).toContain("--phone-number is required");
    expect(stderr).toContain("usage: npm run provision");
  });

  it("exits 1 on a refusal, with the reason on stderr and nothing on stdout", async () => {
    const { code, stdout, stderr } = await cli(["--phone-number", VOICE_NUMBER.phoneNumberId]);

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/refuse\s+phone number \+18885550199\s+its SMS capability is not enabled/);
  });

  it("prints the plan on stderr and, on stdout, an environment the service starts and works with", async () => {
    const { code, stdout, stderr } = await cli(["--phone-number", SMS_NUMBER.phoneNumber]);

    expect(code).toBe(0);
    expect(stderr).toMatch(/^create\s+sqs queue verification-requests\s/m);
    const env = Object.fromEntries(stdout.trim().split("\n").map((line) => line.split(/=(.*)/s, 2) as [string, string]));
    expect(Object.keys(env).sort()).toEqual([
      "AWS_REGION",
      "DECISIONS_TOPIC_ARN",
      "INBOUND_QUEUE_URL",
      "ORIGINATION_IDENTITY",
      "REQUESTS_QUEUE_URL",
      "SMS_CONFIGURATION_SET",
      "SMS_EVENTS_QUEUE_URL",
    ]);

    // The card system's view: a queue on the provisioned decisions topic.
    const { QueueUrl: probe = "" } = await account.sqs.send(new CreateQueueCommand({ QueueName: "decisions-probe" }));
    await account.sns.send(
      new SubscribeCommand({
        TopicArn: env["DECISIONS_TOPIC_ARN"],
        Protocol: "sqs",
        Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:decisions-probe`,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );

    // The service as production starts it, with exactly that environment; only what a deployment
    // adds beside it (endpoints of this fake account, a Redis, a port) comes from here.
    const redis = await startRedisServer();
    const service = spawnService({
      ...env,
      AWS_ENDPOINT_URL: account.fauxqs.address,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: account.sandbox.url,
      REDIS_URL: redis.url,
      HTTP_PORT: "0",
    });
    try {
      await service.waitForLine((line) => line.msg === "redis available: consuming");

      // It reads the requests queue and texts from the provisioned number, with the provisioned
      // configuration set...
      const request = verificationRequest();
      const transactionId = String(request.transactionId);
      account.sandbox.setHandsetReachability(String(request.phoneNumber), "unreachable");
      await account.sqs.send(new SendMessageCommand({ QueueUrl: env["REQUESTS_QUEUE_URL"], MessageBody: JSON.stringify(request) }));
      const sms = await account.sandbox.waitForSms((m) => m.context?.["transactionId"] === transactionId, 15_000);
      expect(sms.destinationPhoneNumber).toBe(request.phoneNumber);
      expect(sms.configurationSetName).toBe(env["SMS_CONFIGURATION_SET"]);

      // ...the carrier's failure reaches it through the configuration set's event destination, the
      // events topic and queue, and it publishes its decision to the provisioned topic.
      const decision = await receiveOne(probe);
      expect(JSON.parse(decision)).toMatchObject({
        transactionId,
        decision: "UNDELIVERABLE",
        undeliverableReason: "TEXT_CARRIER_UNREACHABLE",
      });

      service.child.kill("SIGTERM");
      expect(await service.exited).toEqual({ code: 0, signal: null });
    } finally {
      service.child.kill("SIGKILL");
      await redis.stop();
    }
  });
});

async function receiveOne(queueUrl: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await account.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    const body = Messages[0]?.Body;
    if (body !== undefined) return body;
  }
  throw new Error("no decision reached the provisioned topic in 15 s");
}
