/**
 * The SNS/SQS emulator (fauxqs) in a process of its own, for the bench: the production topology
 * (`fauxqsInit()`) plus one bench-only topic → queue pair for the transport-ceiling measurement.
 * Started with an IPC channel; reports its endpoint and resources with one message, stops on SIGTERM.
 *
 * Why a process of its own: on a 2-core machine the emulator is, after the service, the busiest
 * piece of the bench. Inside the bench process its request handling would queue behind the bench's
 * own work (signing and publishing replies, parsing decisions, answering SendTextMessage) and
 * vice versa, inflating the latencies the bench time-stamps; in its own process the OS schedules
 * it like any other, its CPU time can be read from /proc, and the ceiling consumer and the service
 * talk to the very same emulator over HTTP.
 */
import { startFauxqs } from "fauxqs";
import { fauxqsInit, localNames, queueArn } from "../dev/local-topology.ts";
import { CEILING_QUEUE, CEILING_TOPIC, FRAUD_WAVE, type EmulatorReady } from "./bench-topology.ts";

async function main(): Promise<void> {
  if (!process.send) throw new Error("emulator-process must be started with an IPC channel");
  // No `host`: fauxqs uses it only to name queue URLs (sqs.<region>.<host>), and always listens on
  // every interface; the bench talks to it on 127.0.0.1 and its queue URLs name 127.0.0.1:<port>.
  const server = await startFauxqs({ port: 0, logger: false });
  const topology = fauxqsInit();
  // The fraud wave's queues are set up as production's, dead-lettering to the same queues.
  const asProduction = (dlq: string) => ({
    VisibilityTimeout: "30",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlq), maxReceiveCount: 5 }),
  });
  const result = server.setup({
    queues: [
      ...topology.queues,
      { name: CEILING_QUEUE },
      { name: FRAUD_WAVE.requestsQueue, attributes: asProduction(localNames.requestsDlq) },
      { name: FRAUD_WAVE.inboundQueue, attributes: asProduction(localNames.inboundDlq) },
    ],
    topics: [...topology.topics, { name: CEILING_TOPIC }, { name: FRAUD_WAVE.inboundTopic }],
    subscriptions: [
      ...topology.subscriptions,
      { topic: CEILING_TOPIC, queue: CEILING_QUEUE },
      { topic: FRAUD_WAVE.inboundTopic, queue: FRAUD_WAVE.inboundQueue },
    ],
  });
  const ready: EmulatorReady = {
    type: "ready",
    endpoint: `http://127.0.0.1:${server.port}`,
    queues: Object.fromEntries(result.queues.map((queue) => [queue.name, queue.url])),
    topics: Object.fromEntries(result.topics.map((topic) => [topic.name, topic.arn])),
  };
  const stop = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // The bench died without stopping us: do not linger.
  process.once("disconnect", stop);
  process.send(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
