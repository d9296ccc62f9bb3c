/**
 * What one AWS SDK call costs the calling process in CPU, with the service's client configuration
 * and with each configuration lever the SDK offers, against the emulator in a process of its own
 * (its CPU is not counted). A plain HTTP POST of the same request, unsigned, is the floor: the
 * difference is what the SDK's middleware, serialisation and signing cost.
 *
 *   npm run bench:sdk [-- --calls 3000 --rounds 5]
 *
 * Prints µs of this process's CPU (user + system) per call, the median of the rounds.
 */
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { PublishBatchCommand } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { createAwsClients } from "../src/adapters/aws/aws-clients.ts";
import { BENCH_CREDENTIALS as credentials, REGION } from "./aws.ts";
import { CEILING_QUEUE, CEILING_TOPIC } from "./bench-topology.ts";
import { startEmulatorProcess } from "./processes.ts";

const { values } = parseArgs({ options: { calls: { type: "string", default: "3000" }, rounds: { type: "string", default: "5" } } });
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 8;

async function cpuMicrosPerCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next += 1;
      await call();
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const emulator = await startEmulatorProcess();
try {
  const { endpoint } = emulator.ready;
  const queueUrl = emulator.ready.queues[CEILING_QUEUE] ?? "";
  const topicArn = emulator.ready.topics[CEILING_TOPIC] ?? "";
  const body = JSON.stringify({ transactionId: "bench-sdk-call-cost", decision: "APPROVED", at: new Date().toISOString() });
  const service = createAwsClients({ region: REGION, endpoints: { sqs: endpoint, sns: endpoint, sms: endpoint } }, credentials);
  const sqsWith = (extra: Partial<SQSClientConfig>) =>
    new SQSClient({ region: REGION, endpoint, useQueueUrlAsEndpoint: false, credentials, ...extra });

  const sendMessage = (client: SQSClient) => () => client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  const variants: Array<[string, () => Promise<unknown>]> = [
    ["SQS SendMessage, the service's client", sendMessage(service.sqs)],
    ["  md5: false (no MD5 of the body)", sendMessage(sqsWith({ md5: false }))],
    ["  maxAttempts: 1 (no retry bookkeeping)", sendMessage(sqsWith({ maxAttempts: 1 }))],
    ["  retryMode: adaptive", sendMessage(sqsWith({ retryMode: "adaptive" }))],
    ["  cacheMiddleware: true (the handler chain built once per command)", sendMessage(sqsWith({ cacheMiddleware: true }))],
    ["  the service's client again (the control)", sendMessage(service.sqs)],
  ];
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const payload = JSON.stringify({ QueueUrl: queueUrl, MessageBody: body });
  variants.push([
    "plain HTTP POST of the same request (unsigned; the floor)",
    () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          endpoint,
          {
            method: "POST",
            agent,
            headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.SendMessage" },
          },
          (res) => {
            res.resume();
            res.once("end", resolve);
          },
        );
        req.once("error", reject);
        req.end(payload);
      }),
  ]);
  const { sns } = service;
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), Message: body }));
  variants.push(["SNS PublishBatch of 10, the service's client", () => sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }))]);

  for (const [, call] of variants) await cpuMicrosPerCall(call, 1000);
  // Rounds interleave the variants, so a drift of the machine or of the JIT over the run is shared.
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, [name, call]] of variants.entries()) {
      const calls = name.startsWith("SNS PublishBatch") ? Math.ceil(CALLS / 10) : CALLS;
      samples[index]?.push(await cpuMicrosPerCall(call, calls));
    }
  }
  console.log(`CPU of this process per call, µs (median of ${ROUNDS} interleaved rounds of ${CALLS} calls, ${CONCURRENCY} at a time):`);
  for (const [index, [name]] of variants.entries()) {
    console.log(`${median(samples[index] ?? []).toFixed(0).padStart(6)}  ${name}`);
  }
  service.destroy();
  agent.destroy();
} finally {
  await emulator.stop();
}
