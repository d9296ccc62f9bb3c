// The contract: "under faults the same event (same eventId) may be published again, never a
// different decision" and README: "subscribers may see an eventId twice". A re-publish must carry
// the same body. The chaos run (seed 2026, full size) saw one eventId published with two bodies;
// this pins the path: a cancellation decides while the question SMS is in flight, its publish
// reaches SNS but is reported failed, and the re-publish carries the SMS MessageId recorded since.
import { afterEach, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("a re-published decision event", () => {
  // Regression (found by the chaos run and the model test, fixed): record-sent-2.lua set `out` on a
  // verification decided while its SMS was in flight, so a re-publish of the same eventId carried an
  // outboundMessageId the first publish did not. `out` is now left alone once the state is DECIDED.
  it("has the same body as the first publish of its eventId", async () => {
    h = await startHarness({ slowSms: true });
    const harness = h;
    harness.smsProxy!.delayMs = 2_000;
    // The first publish reaches SNS, but the service is told it failed (a lost response). Later
    // publishes fail before reaching SNS until the question's send is recorded, so the re-publish
    // is built from the record as it is after the SMS MessageId arrived.
    let publishes = 0;
    let questionRecorded = false;
    harness.clients.sns.middlewareStack.add(
      (next) => async (args) => {
        publishes += 1;
        if (publishes === 1) {
          await next(args);
          throw Object.assign(new Error("injected: response lost"), { name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 500 } });
        }
        if (!questionRecorded) {
          throw Object.assign(new Error("injected: SNS unavailable"), { name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 500 } });
        }
        return next(args);
      },
      { step: "initialize", name: "loseFirstPublishResponse" },
    );

    const request = verificationRequest();
    const transactionId = String(request.transactionId);
    const smsOnItsWay = new Promise<void>((resolve) => harness.smsProxy!.events.once("request", () => resolve()));
    const requestId = await harness.sendToQueue(QUEUES.requests, JSON.stringify(request));
    await smsOnItsWay;
    const cancelId = await harness.sendToQueue(QUEUES.requests, JSON.stringify({ type: "verification.cancelled", transactionId }));

    await harness.waitForHandled((m) => m.messageId === cancelId && m.acknowledged);
    await harness.waitForHandled((m) => m.messageId === requestId && m.acknowledged);
    // The request's handler has recorded the send (record-sent-2.lua) by the time it is acknowledged.
    questionRecorded = true;

    // Two publishes reached SNS: the first (its response lost) and the outbox's re-publish.
    const published = await harness.aws.server.spy.waitForMessages(
      (m) => m.service === "sns" && m.topicName === TOPICS.decisions && m.body.includes(`"transactionId":"${transactionId}"`),
      { count: 2, status: "published", timeout: 10_000 },
    );
    const bodies = published.map((m) => (m as { body: string }).body);
    expect(bodies).toHaveLength(2);
    const events = bodies.map((body) => JSON.parse(body) as { eventId: string; decision: string });
    expect(events[0]!.decision).toBe("CANCELLED");
    expect(events[1]!.eventId).toBe(events[0]!.eventId);
    expect(bodies[1], "the re-publish carries the first publish's body").toBe(bodies[0]);
  });
});
