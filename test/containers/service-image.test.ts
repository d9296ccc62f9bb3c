// What only containers show: the production image's HEALTHCHECK, its non-root user, the environment
// contract inside the image, and that SIGTERM with a message in flight releases the message.
// It runs the images that scripts/container/ci.sh builds, next to the emulator and Redis containers.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Network, PullPolicy, Wait, type StartedNetwork, type StartedTestContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containerAvailability, images } from "./container-images.ts";
import { LoopbackContainer } from "./loopback-container.ts";

// Ryuk, testcontainers' reaper, is an image that cannot be pulled here; afterAll stops what it started.
process.env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";

const availability = containerAvailability();
const required = process.env["CI"] === "true";
if (!availability.ok && !required) {
  process.stderr.write(`container tests skipped: ${availability.reason}\n`);
}

const SERVICE_PORT = 8181;
const SHUTDOWN_TIMEOUT_SECONDS = 2;
const ACCOUNT = "000000000000";
const queueUrl = (name: string) => `http://sqs.us-east-1.sqs-sns:4566/${ACCOUNT}/${name}`;

// A Pinpoint endpoint that accepts connections and never answers: a request's SMS stays in flight.
const SILENT_SMS_ENDPOINT = `require("node:net").createServer((socket) => { console.log("accepted"); socket.on("error", () => {}); }).listen(4577, () => console.log("listening"));`;

const serviceEnvironment = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  AWS_ENDPOINT_URL_SQS: "http://sqs-sns:4566",
  AWS_ENDPOINT_URL_SNS: "http://sqs-sns:4566",
  AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: "http://silent-sms:4577",
  REQUESTS_QUEUE_URL: queueUrl("verification-requests"),
  INBOUND_QUEUE_URL: queueUrl("two-way-sms-inbound"),
  DECISIONS_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:verification-decisions`,
  ORIGINATION_IDENTITY: "+18885550100",
  REDIS_URL: "redis://redis:6379",
  HTTP_PORT: String(SERVICE_PORT),
  SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
};

/** The emulator's view of a queue (fauxqs' inspection endpoint), without receiving anything. */
interface EmulatorMessage {
  body: string;
  approximateReceiveCount: number;
}
interface EmulatorMessages {
  ready: EmulatorMessage[];
  inflight: Array<{ message: EmulatorMessage }>;
}

function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", timeout: 60_000 }).trim();
}

function inspect<T>(container: StartedTestContainer, format: string): T {
  return JSON.parse(docker("inspect", "-f", `{{json ${format}}}`, container.getId())) as T;
}

/** Resolves with the first line of the container's output that matches. */
async function logLine(container: StartedTestContainer, matches: (line: string) => boolean): Promise<string> {
  const stream = await container.logs();
  return new Promise((resolve, reject) => {
    let buffered = "";
    stream.on("data", (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      const found = lines.find(matches);
      if (found !== undefined) {
        stream.destroy();
        resolve(found);
      }
    });
    stream.on("error", reject);
    stream.on("end", () => reject(new Error("the container's output ended without the expected line")));
  });
}

if (!availability.ok && required) {
  describe("the service image in containers", () => {
    it("runs under CI: the engine and the images are there", () => {
      throw new Error(`container tests cannot run under CI=true: ${availability.reason}`);
    });
  });
}

describe.skipIf(!availability.ok)("the service image in containers", () => {
  let network: StartedNetwork;
  let emulator: StartedTestContainer;
  let silentSms: StartedTestContainer;
  let service: StartedTestContainer;
  let sqs: SQSClient;
  const started: StartedTestContainer[] = [];

  beforeAll(async () => {
    network = await new Network().start();
    const run = async (container: LoopbackContainer) => {
      const running = await container.withNetwork(network).withPullPolicy(PullPolicy.neverPull()).withStartupTimeout(90_000).start();
      started.push(running);
      return running;
    };
    [, emulator, silentSms] = await Promise.all([
      run(
        new LoopbackContainer(images.redis)
          .withNetworkAliases("redis")
          .withCommand(["redis-server", "--protected-mode", "no", "--save", ""])
          .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/)),
      ),
      run(
        new LoopbackContainer(images.emulator)
          .withNetworkAliases("sqs-sns")
          .withEnvironment({ FAUXQS_HOST: "sqs-sns" })
          .withExposedPorts(4566)
          .withWaitStrategy(Wait.forHealthCheck()),
      ),
      run(
        new LoopbackContainer(images.service)
          .withNetworkAliases("silent-sms")
          .withCommand(["node", "-e", SILENT_SMS_ENDPOINT])
          .withWaitStrategy(Wait.forLogMessage("listening")),
      ),
    ]);
    service = await run(
      new LoopbackContainer(images.service)
        .withEnvironment(serviceEnvironment)
        .withExposedPorts(SERVICE_PORT)
        .withWaitStrategy(Wait.forHealthCheck()),
    );
    sqs = new SQSClient({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${emulator.getMappedPort(4566)}`,
      useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  }, 240_000);

  afterAll(async () => {
    sqs?.destroy();
    await Promise.allSettled(started.map((container) => container.stop({ timeout: 5 })));
    await network?.stop();
  }, 60_000);

  it("reports healthy through the image's HEALTHCHECK", () => {
    expect(inspect<{ Status: string }>(service, ".State.Health").Status).toBe("healthy");
  });

  it("runs the service as the non-root node user", async () => {
    expect(inspect<string>(service, ".Config.User")).toBe("node");
    const status = await service.exec(["cat", "/proc/1/status"]);
    const uid = /^Uid:\s+(\d+)/m.exec(status.output)?.[1];
    expect(uid).toBe("1000");
    const writable = await service.exec(["sh", "-c", "test -w /app/dist/main.js && echo writable || echo read-only"]);
    expect(writable.output.trim()).toBe("read-only");
  });

  it("honours the environment contract: HTTP_PORT, readiness through the emulator and Redis", async () => {
    const response = await fetch(`http://127.0.0.1:${service.getMappedPort(SERVICE_PORT)}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("refuses to start without a required variable, naming it in one line, with exit code 1", () => {
    const environment = Object.entries(serviceEnvironment)
      .filter(([name]) => name !== "REQUESTS_QUEUE_URL")
      .flatMap(([name, value]) => ["--env", `${name}=${value}`]);
    const run = spawnSync("docker", ["run", "--rm", "--network", "none", ...environment, images.service], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe("invalid configuration: REQUESTS_QUEUE_URL: is required");
  }, 60_000);

  it("releases the message in flight on SIGTERM and exits 0 within the shutdown timeout", async () => {
    const transactionId = `container-${randomBytes(4).toString("hex")}`;
    const smsInFlight = logLine(silentSms, (line) => line.includes("accepted"));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl("verification-requests"),
        MessageBody: JSON.stringify({
          type: "verification.requested",
          transactionId,
          phoneNumber: "+15550100777",
          amountMinor: 990,
          currency: "EUR",
          merchant: "Container Test",
          cardLast4: "1234",
        }),
      }),
    );
    await smsInFlight;

    const stopped = logLine(service, (line) => line.includes('"service stopped"'));
    const sentAt = Date.now();
    docker("kill", "--signal", "SIGTERM", service.getId());
    const exitCode = docker("wait", service.getId());
    const seconds = (Date.now() - sentAt) / 1000;

    expect(exitCode).toBe("0");
    expect(seconds).toBeLessThan(SHUTDOWN_TIMEOUT_SECONDS + 4);
    const summary = JSON.parse(await stopped) as { requests?: { released?: number } };
    expect(summary.requests?.released).toBe(1);

    // Released, not deleted and not left hidden until its visibility timeout: the message is ready
    // again, or, received again (count 2) by a long poll the emulator still served for the stopped
    // service after it aborted the request (the integration tests allow the same).
    const queue = await fetch(`http://127.0.0.1:${emulator.getMappedPort(4566)}/_fauxqs/queues/verification-requests`);
    const { messages } = (await queue.json()) as { messages: EmulatorMessages };
    const ready = messages.ready.filter((entry) => entry.body.includes(transactionId));
    const inFlight = messages.inflight.filter((entry) => entry.message.body.includes(transactionId));
    expect(ready.length + inFlight.length).toBe(1);
    for (const entry of inFlight) expect(entry.message.approximateReceiveCount).toBe(2);
  }, 60_000);
});
