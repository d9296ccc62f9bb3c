import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ visibilityTimeoutSeconds: 1 });
});
afterAll(async () => {
  await h?.stop();
});

async function approveNewVerification() {
  const request = verificationRequest();
  await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
  const replyMessageId = await h.sendToQueue(
    QUEUES.inbound,
    JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, previousPublishedMessageId: question.messageId })),
  );
  return { transactionId: String(request.transactionId), replyMessageId };
}

describe("decision events", () => {
  it("carry eventType and decision as SNS message attributes, so a filtered subscription gets only its kind", async () => {
    const created = await h.sqs.send(new CreateQueueCommand({ QueueName: "risk-team-denied-only" }));
    const arn = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] }));
    await h.sns.send(
      new SubscribeCommand({
        TopicArn: h.aws.topicArn(TOPICS.decisions),
        Protocol: "sqs",
        Endpoint: arn.Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify({ decision: ["DENIED"] }), RawMessageDelivery: "true" },
      }),
    );

    const { transactionId: approved } = await approveNewVerification();
    const published = await h.aws.server.spy.waitForMessage(
      (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes(approved),
      "published",
      5_000,
    );
    expect(published.service === "sns" && published.messageAttributes).toMatchObject({
      eventType: { DataType: "String", StringValue: "verification.decided" },
      decision: { DataType: "String", StringValue: "APPROVED" },
    });

    const denied = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(denied));
    await h.sandbox.waitForSms((m) => m.context?.transactionId === denied.transactionId);
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: denied.phoneNumber, messageBody: "fraud" })));
    await h.waitForDecision(String(denied.transactionId));
    const received = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: created.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const bodies = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as { transactionId: string; decision: string });
    expect(bodies).toEqual([expect.objectContaining({ transactionId: denied.transactionId, decision: "DENIED" })]);
  });

  it("sends a confirmation that failed in the background later, from the expiry sweep", async () => {
    const request = verificationRequest();
    await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
    const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
    // More failures than the SDK's attempts: the background confirmation gives up.
    h.sandbox.failNext("SendTextMessage", { name: "InternalServerException", status: 500 }, 6);
    // Counted for this phone only: another test's background work may text its own cardholder meanwhile.
    const callsTo = () =>
      h.sandbox.requests.filter(
        (r) => r.operation === "SendTextMessage" && (r.body as { DestinationPhoneNumber?: unknown }).DestinationPhoneNumber === request.phoneNumber,
      ).length;
    const callsBefore = callsTo();
    await h.sendToQueue(
      QUEUES.inbound,
      JSON.stringify(inboundSms({ originationNumber: request.phoneNumber, previousPublishedMessageId: question.messageId })),
    );
    await h.waitForDecision(String(request.transactionId));
    await expect.poll(() => callsTo() - callsBefore, { timeout: 15_000, interval: 100 }).toBe(6);
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === request.phoneNumber)).toHaveLength(1);

    h.clock.advance(61_000);
    const confirmation = await h.sandbox.waitForSms(
      (m) => m.destinationPhoneNumber === request.phoneNumber && m.messageId !== question.messageId,
      10_000,
    );
    expect(confirmation.messageBody).toMatch(/approved|confirmed/i);
    const confirmationState = async () =>
      (await h.service.context.store.get(String(request.transactionId)))?.decision?.confirmation;
    await expect.poll(confirmationState, { timeout: 5_000, interval: 50 }).toBe("sent");
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === request.phoneNumber)).toHaveLength(2);
    expect(h.decisionsFor(String(request.transactionId))).toHaveLength(1);
  });

  it("acknowledges the reply when SNS refuses a publish, and the outbox publishes the same event at once after", async () => {
    const attempted: string[] = [];
    let failuresLeft = 1;
    h.clients.sns.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Message?: string; PublishBatchRequestEntries?: Array<{ Message?: string }> };
        const messages = [input.Message, ...(input.PublishBatchRequestEntries ?? []).map((entry) => entry.Message)];
        const decision = messages.find((message) => message?.includes('"eventType":"verification.decided"'));
        if (decision) {
          attempted.push(decision);
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            throw Object.assign(new Error("SNS is unavailable"), { name: "InternalErrorException" });
          }
        }
        return next(args);
      },
      { step: "initialize", name: "failDecisionPublishOnce" },
    );
    try {
      const { transactionId, replyMessageId } = await approveNewVerification();
      const event = await h.waitForDecision(transactionId);
      // Handled once, acknowledged at once: the event never waited for the message to come back.
      expect(h.handled.filter((m) => m.messageId === replyMessageId).map((m) => [m.outcome, m.acknowledged])).toEqual([["decided", true]]);
      expect(attempted).toHaveLength(2);
      // The outbox retries within a second or two, not after the reply window (600 s here).
      expect(Date.now() - Date.parse(event.decidedAt)).toBeLessThan(5_000);
      expect(JSON.parse(attempted[0] ?? "{}")).toEqual(event);
      expect(h.decisionsFor(transactionId)).toHaveLength(1);
      expect(event.decision).toBe("APPROVED");
    } finally {
      h.clients.sns.middlewareStack.remove("failDecisionPublishOnce");
    }
  });

});
