import { SNSClient, type PublishBatchCommandOutput } from "@aws-sdk/client-sns";
import type { SnsSpyMessage } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnsDecisionPublisher } from "../../src/adapters/aws/sns-decision-publisher.ts";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";
import { TOPICS, startAwsEnvironment, type AwsEnvironment } from "../support/aws-environment.ts";
import { decisionFromSnsMessage } from "../support/decision-event-contract.ts";

let aws: AwsEnvironment;
let sns: SNSClient;
const calls: string[] = [];
let failEntry: string | null = null;

beforeAll(async () => {
  aws = await startAwsEnvironment();
  sns = new SNSClient({ region: "us-east-1", endpoint: aws.endpoint });
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? "?");
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
