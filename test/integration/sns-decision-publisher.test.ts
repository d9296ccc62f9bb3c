import { SNSClient, type PublishBatchCommandOutput, type PublishBatchRequestEntry } from "@aws-sdk/client-sns";
import type { SnsSpyMessage } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryBytes, MAX_BATCH_BYTES, SnsDecisionPublisher } from "../../src/adapters/aws/sns-decision-publisher.ts";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";
import { TOPICS, startAwsEnvironment, type AwsEnvironment } from "../support/aws-environment.ts";
import { decisionFromSnsMessage } from "../support/decision-event-contract.ts";

let aws: AwsEnvironment;
let sns: SNSClient;
const calls: string[] = [];
const batchBytes: number[] = [];
let failEntry: string | null = null;

beforeAll(async () => {
  aws = await startAwsEnvironment();
  sns = new SNSClient({ region: "us-east-1", endpoint: aws.endpoint });
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? "?");
      if (context.commandName === "PublishBatchCommand") {
        const entries = (args.input as { PublishBatchRequestEntries?: PublishBatchRequestEntry[] }).PublishBatchRequestEntries ?? [];
        batchBytes.push(entries.reduce((sum, entry) => sum + entryBytes(entry), 0));
      }
      const result = await next(args);
      if (failEntry !== null && context.commandName === "PublishBatchCommand") {
        const output = result.output as PublishBatchCommandOutput;
        output.Successful = (output.Successful ?? []).filter((entry) => entry.Id !== failEntry);
        output.Failed = [{ Id: failEntry, Code: "InternalError", SenderFault: false }];
      }
      return result;
    },
    { step: "initialize", name: "observe" },
  );
});
afterAll(async () => {
  sns?.destroy();
  await aws?.stop();
});

function event(transactionId: string): DecisionEvent {
  return {
    eventType: "verification.decided",
    schemaVersion: 2,
    eventId: `evt-${transactionId}`,
    transactionId,
    decision: "DENIED",
    requestedAt: "2026-11-26T22:00:00.000Z",
    decidedAt: "2026-11-26T22:00:41.120Z",
    phoneNumberMasked: "+1******0182",
    outboundMessageId: null,
    reply: null,
    undeliverableReason: null,
    delivery: null,
    metadata: {},
  };
}

describe("SNS decision publisher", () => {
  it("folds the events of one turn into PublishBatch calls of at most ten", async () => {
    calls.length = 0;
    const publisher = new SnsDecisionPublisher(sns, aws.topicArn(TOPICS.decisions));
    const ids = Array.from({ length: 23 }, (_, i) => `txn-batch-${i}`);
    await Promise.all(ids.map((id) => publisher.publish(event(id))));
    expect(calls).toEqual(["PublishBatchCommand", "PublishBatchCommand", "PublishBatchCommand"]);
    const published = await aws.server.spy.waitForMessages(
      (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes("txn-batch-"),
      { count: 23, status: "published", timeout: 5_000 },
    );
    expect(published).toHaveLength(23);
    for (const message of published) decisionFromSnsMessage(message as SnsSpyMessage);
  });

  it("never lets a PublishBatch exceed SNS's 256 KiB for the whole batch", async () => {
    batchBytes.length = 0;
    const publisher = new SnsDecisionPublisher(sns, aws.topicArn(TOPICS.decisions));
    const big = (id: string): DecisionEvent => ({ ...event(id), metadata: { note: "x".repeat(40_000) } });
    const ids = Array.from({ length: 10 }, (_, i) => `txn-big-${i}`);
    await Promise.all(ids.map((id) => publisher.publish(big(id))));
    expect(batchBytes.length).toBeGreaterThan(1);
    for (const bytes of batchBytes) expect(bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const published = await aws.server.spy.waitForMessages(
      (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes("txn-big-"),
      { count: 10, status: "published", timeout: 5_000 },
    );
    expect(published).toHaveLength(10);
  });

  it("fails only the caller whose entry SNS refused", async () => {
    const publisher = new SnsDecisionPublisher(sns, aws.topicArn(TOPICS.decisions));
    failEntry = "1";
    try {
      const results = await Promise.allSettled(["txn-p-0", "txn-p-1", "txn-p-2"].map((id) => publisher.publish(event(id))));
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: "DecisionPublishError" });
    } finally {
      failEntry = null;
    }
  });
});
