/**
 * Figure 1, the transport's ceiling: a bare consumer in a process of its own that only receives
 * (batches of 10, long poll, the same receive parameters as the service's workers) and deletes in
 * batches, until `count` messages are gone. `pollers` receive loops run at once; one loop
 * (receive → delete → receive …) is the shape of each of the service's queue workers.
 *
 * Argument: one JSON object {endpoint, queueUrl, count, pollers}. Output: one JSON line (CeilingRun).
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createBenchClients } from "./aws.ts";

export interface CeilingArguments {
  endpoint: string;
  queueUrl: string;
  count: number;
  pollers: number;
}

export interface CeilingRun {
  deleted: number;
  elapsedMs: number;
  receiveCalls: number;
  emptyReceives: number;
  deleteCalls: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}") as CeilingArguments;
  const clients = createBenchClients(args.endpoint);
  const { sqs } = clients;
  // Warm the SDK and the connection before the clock starts.
  await sqs.send(new GetQueueAttributesCommand({ QueueUrl: args.queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));

  const abort = new AbortController();
  const run: CeilingRun = { deleted: 0, elapsedMs: 0, receiveCalls: 0, emptyReceives: 0, deleteCalls: 0 };
  const started = performance.now();

  const poll = async (): Promise<void> => {
    while (run.deleted < args.count) {
      let messages;
      try {
        run.receiveCalls += 1;
        const response = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: args.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            VisibilityTimeout: 30,
            MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: abort.signal },
        );
        messages = response.Messages ?? [];
      } catch (error) {
        if (abort.signal.aborted) return;
        throw error;
      }
      if (messages.length === 0) {
        run.emptyReceives += 1;
        continue;
      }
      run.deleteCalls += 1;
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: args.queueUrl,
          Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? "" })),
        }),
      );
      if (deleted.Failed?.length) throw new Error(`DeleteMessageBatch failed for ${deleted.Failed.length} messages`);
      run.deleted += deleted.Successful?.length ?? 0;
      if (run.deleted >= args.count && run.elapsedMs === 0) {
        run.elapsedMs = performance.now() - started;
        abort.abort();
      }
    }
  };

  await Promise.all(Array.from({ length: args.pollers }, poll));
  clients.destroy();
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling consumer failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
