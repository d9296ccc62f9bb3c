// Smoke test through the compose stack, from the host, on the ports published on 127.0.0.1:
// a request on the queue -> the SMS in the sandbox -> YES through the two-way topic -> APPROVED on the
// decisions queue -> /readyz 200 -> `docker stop` ends the service within its grace period with exit 0.
// Env: SERVICE_PORT, EMULATOR_PORT, SMS_SANDBOX_PORT (compose's defaults), SERVICE_CONTAINER (else
// `docker-compose ps -q service`), STOP_GRACE_SECONDS (30, as the compose file).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

const servicePort = Number(process.env.SERVICE_PORT ?? 8080);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4566);
const sandboxPort = Number(process.env.SMS_SANDBOX_PORT ?? 4577);
const stopGraceSeconds = Number(process.env.STOP_GRACE_SECONDS ?? 30);
const service = `http://127.0.0.1:${servicePort}`;
const sandbox = `http://127.0.0.1:${sandboxPort}`;
const queueUrl = (name: string) => `http://127.0.0.1:${emulatorPort}/000000000000/${name}`;

const sqs = new SQSClient({
  region: "us-east-1",
  endpoint: `http://127.0.0.1:${emulatorPort}`,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});

function step(text: string): void {
  process.stdout.write(`smoke: ${text}\n`);
}

/** Retries `probe` until it returns a value; the stack answers over the network, there is no event to wait on. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : "";
  throw new Error(`timed out waiting for ${what}${cause}`);
}

interface DecisionEvent {
  transactionId: string;
  decision: string;
}

async function receiveDecision(transactionId: string): Promise<DecisionEvent | undefined> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl("verification-decisions-consumer"), MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
  );
  for (const message of Messages) {
    const body = JSON.parse(message.Body ?? "{}") as { Type?: string; Message?: string };
    const event = (body.Type === "Notification" ? JSON.parse(body.Message ?? "{}") : body) as DecisionEvent;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl("verification-decisions-consumer"), ReceiptHandle: message.ReceiptHandle }));
    if (event.transactionId === transactionId) return event;
  }
  return undefined;
}

function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8" }).trim();
}

async function main(): Promise<void> {
  await eventually("the service's /readyz", async () => ((await fetch(`${service}/readyz`)).status === 200 ? true : undefined), 60_000);
  step("service ready");

  const transactionId = `smoke-${randomBytes(4).toString("hex")}`;
  const phoneNumber = "+15550100" + String(1000 + Math.floor(Math.random() * 9000)).slice(-3);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl("verification-requests"),
      MessageBody: JSON.stringify({
        type: "verification.requested",
        transactionId,
        phoneNumber,
        amountMinor: 12540,
        currency: "USD",
        merchant: "Smoke Test Store",
        cardLast4: "4242",
      }),
    }),
  );
  step(`request ${transactionId} sent`);

  await eventually("the SMS in the sandbox", async () => {
    const response = await fetch(`${sandbox}/_sandbox/sent?to=${encodeURIComponent(phoneNumber)}`);
    const { sent } = (await response.json()) as { sent: unknown[] };
    return sent.length > 0 ? true : undefined;
  });
  step("SMS received by the sandbox");

  const reply = await fetch(`${sandbox}/_sandbox/handset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: phoneNumber, body: "YES" }),
  });
  if (!reply.ok) throw new Error(`the sandbox refused the handset's YES: ${reply.status} ${await reply.text()}`);
  step("YES published to the two-way topic");

  const decision = await eventually("the decision", () => receiveDecision(transactionId));
  if (decision.decision !== "APPROVED") throw new Error(`expected APPROVED, got ${decision.decision}`);
  step("APPROVED on the decisions queue");

  const ready = await fetch(`${service}/readyz`);
  if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}`);
  step("/readyz 200");

  const container =
    process.env.SERVICE_CONTAINER ?? execFileSync("docker-compose", ["ps", "-q", "service"], { encoding: "utf8" }).trim();
  if (!container) throw new Error("no running service container");
  const started = Date.now();
  docker("stop", "-t", String(stopGraceSeconds), container);
  const seconds = (Date.now() - started) / 1000;
  const exitCode = docker("inspect", "-f", "{{.State.ExitCode}}", container);
  if (exitCode !== "0") throw new Error(`the service exited with ${exitCode} on docker stop`);
  if (seconds >= stopGraceSeconds) throw new Error(`docker stop took ${seconds}s: the grace period ran out`);
  step(`docker stop: exit 0 after ${seconds.toFixed(1)}s (grace ${stopGraceSeconds}s)`);
  sqs.destroy();
  step("passed");
}

main().catch((error: unknown) => {
  process.stderr.write(`smoke: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
