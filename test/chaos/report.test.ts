// The chaos run's judge (scripts/chaos/report.ts): each way a run can go wrong is counted and fails it.
import { describe, expect, it } from "vitest";
import {
  deliveryFailures,
  failures,
  judgeDecisions,
  judgeDeliveryEvents,
  judgeOutage,
  judgeReplay,
  outageFailures,
  replayFailures,
  type Decision,
  type Expectation,
  type FailureSent,
  type Observation,
} from "../../scripts/chaos/report.ts";

const T0 = Date.parse("2026-11-26T22:00:00.000Z");

function expectation(transactionId: string, acceptable: Decision[], expiresInSeconds = 600): Expectation {
  return { transactionId, scenario: "test", acceptable, expiresInSeconds };
}

function event(
  transactionId: string,
  decision: Decision,
  options: {
    eventId?: string;
    arrivedAt?: number;
    decidedAt?: number;
    attribute?: string;
    extra?: string;
    reason?: string;
    delivery?: "PENDING" | "DELIVERED" | "FAILED";
  } = {},
): Observation {
  const body = JSON.stringify({
    eventType: "verification.decided",
    eventId: options.eventId ?? `e-${transactionId}`,
    transactionId,
    decision,
    undeliverableReason: options.reason ?? null,
    requestedAt: new Date(T0).toISOString(),
    decidedAt: new Date(options.decidedAt ?? T0 + 1_000).toISOString(),
    ...(options.extra ? { note: options.extra } : {}),
    delivery: options.delivery ? { status: options.delivery, at: new Date(T0 + 500).toISOString() } : null,
  });
  return { arrivedAt: options.arrivedAt ?? T0 + 1_100, body, decisionAttribute: options.attribute ?? decision };
}

describe("chaos report", () => {
  it("passes a run where every verification got its one decision, re-publishes included", () => {
    const figures = judgeDecisions(
      [expectation("a", ["APPROVED"]), expectation("b", ["EXPIRED"], 30)],
      [event("a", "APPROVED"), event("a", "APPROVED"), event("b", "EXPIRED", { arrivedAt: T0 + 34_000, decidedAt: T0 + 30_200 })],
    );
    expect(figures).toMatchObject({ expected: 2, published: 3, decided: 2, lost: 0, conflicting: 0, duplicateEventIds: 1, lateExpired: 0, maxExpiryDelayMs: 4_000 });
    expect(failures(figures)).toEqual([]);
  });

  it("counts and fails lost, conflicting, split, changed re-publishes, unexpected, late, mislabelled and stray events", () => {
    const figures = judgeDecisions(
      [
        expectation("lost", ["APPROVED"]),
        expectation("conflict", ["APPROVED", "DENIED"]),
        expectation("split", ["DENIED"]),
        expectation("changed", ["DENIED"]),
        expectation("wrong", ["APPROVED"]),
        expectation("late", ["EXPIRED"], 30),
      ],
      [
        event("conflict", "APPROVED", { eventId: "c1" }),
        event("conflict", "DENIED", { eventId: "c2" }),
        event("split", "DENIED", { eventId: "s1" }),
        event("split", "DENIED", { eventId: "s2" }),
        event("changed", "DENIED"),
        event("changed", "DENIED", { extra: "different" }),
        event("wrong", "DENIED", { attribute: "APPROVED" }),
        event("late", "EXPIRED", { arrivedAt: T0 + 35_001 }),
        event("stranger", "APPROVED"),
      ],
    );
    expect(figures).toMatchObject({
      lost: 1,
      conflicting: 1,
      splitEventIds: 1,
      duplicateEventIdsWithDifferentBody: 1,
      unexpected: 1,
      lateExpired: 1,
      attributeMismatches: 1,
      strangers: 1,
    });
    expect(failures(figures)).toHaveLength(8);
  });

  it("owes an EXPIRED whose deadline fell in an SNS outage from SNS's return, not from the deadline", () => {
    const outage = { from: T0 + 20_000, to: T0 + 60_000 };
    const inOutage = judgeDecisions([expectation("b", ["EXPIRED"], 30)], [event("b", "EXPIRED", { arrivedAt: T0 + 64_000 })], [outage]);
    expect(inOutage.lateExpired).toBe(0);
    expect(inOutage.maxExpiryDelayMs).toBe(4_000);
    const tooLate = judgeDecisions([expectation("b", ["EXPIRED"], 30)], [event("b", "EXPIRED", { arrivedAt: T0 + 65_001 })], [outage]);
    expect(tooLate.lateExpired).toBe(1);
  });

  it("allows UNDELIVERABLE NOT_SENT only where the scenario says so, and only with that reason", () => {
    const allowed = { ...expectation("a", ["EXPIRED"], 30), notSentAllowed: true };
    expect(judgeDecisions([allowed], [event("a", "UNDELIVERABLE", { reason: "NOT_SENT" })])).toMatchObject({ notSent: 1, unexpected: 0 });
    expect(judgeDecisions([allowed], [event("a", "UNDELIVERABLE", { reason: "OPTED_OUT" })])).toMatchObject({ notSent: 0, unexpected: 1 });
    expect(judgeDecisions([expectation("a", ["EXPIRED"], 30)], [event("a", "UNDELIVERABLE", { reason: "NOT_SENT" })])).toMatchObject({ unexpected: 1 });
  });

  it("measures how long after SNS's return the decisions it held were published, and fails beyond 5 s", () => {
    const outage = { from: T0 + 10_000, to: T0 + 40_000 };
    const observations = [
      event("before", "APPROVED", { decidedAt: T0 + 1_000, arrivedAt: T0 + 1_100 }),
      event("held", "DENIED", { decidedAt: T0 + 15_000, arrivedAt: T0 + 41_500 }),
      event("held", "DENIED", { decidedAt: T0 + 15_000, arrivedAt: T0 + 43_000 }),
      event("last", "APPROVED", { decidedAt: T0 + 39_000, arrivedAt: T0 + 44_200 }),
      event("after", "APPROVED", { decidedAt: T0 + 50_000, arrivedAt: T0 + 50_100 }),
    ];
    const figures = judgeOutage(observations, outage);
    expect(figures).toEqual({ outageMs: 30_000, decidedDuringOutage: 2, heldUntilReturn: 2, lastPublishAfterReturnMs: 4_200 });
    expect(outageFailures(figures)).toEqual([]);
    const late = judgeOutage([...observations, event("slow", "APPROVED", { decidedAt: T0 + 20_000, arrivedAt: T0 + 45_001 })], outage);
    expect(outageFailures(late)).toHaveLength(1);
  });

  it("passes a replay that re-publishes the same events at most, and fails one that texts or decides again", () => {
    const run = [event("a", "APPROVED"), event("b", "EXPIRED")];
    const quiet = judgeReplay(run, [event("a", "APPROVED")], { requestsReplayed: 2, questionsTexted: 0, otherSmsSent: 0 });
    expect(quiet).toMatchObject({ eventsPublished: 1, newEventIds: 0, changedBodies: 0 });
    expect(replayFailures(quiet)).toEqual([]);
    const noisy = judgeReplay(run, [event("a", "APPROVED", { eventId: "second" }), event("b", "EXPIRED", { extra: "changed" })], {
      requestsReplayed: 2,
      questionsTexted: 1,
      otherSmsSent: 0,
    });
    expect(noisy).toMatchObject({ newEventIds: 1, changedBodies: 1 });
    expect(replayFailures(noisy)).toHaveLength(3);
  });
});

describe("chaos report: UNDELIVERABLE by delivery events", () => {
  const failure = (transactionId: string, eventType: string, sentAt: number, afterDecision = false): FailureSent => ({
    transactionId,
    eventType,
    sentAt,
    afterDecision,
  });

  it("passes an UNDELIVERABLE whose question's failure was sent before it and before any decision", () => {
    const figures = judgeDeliveryEvents(
      [
        event("u", "UNDELIVERABLE", { reason: "TEXT_BLOCKED", delivery: "FAILED", decidedAt: T0 + 1_200, arrivedAt: T0 + 1_300 }),
        event("u", "UNDELIVERABLE", { reason: "TEXT_BLOCKED", delivery: "FAILED", decidedAt: T0 + 1_200, arrivedAt: T0 + 2_000 }),
        event("a", "APPROVED", { delivery: "DELIVERED" }),
        event("o", "UNDELIVERABLE", { reason: "OPTED_OUT" }),
      ],
      [failure("u", "TEXT_BLOCKED", T0 + 1_000), failure("u", "TEXT_BLOCKED", T0 + 2_500, true), failure("a", "TEXT_SPAM", T0 + 3_000, true)],
    );
    expect(figures).toMatchObject({ undeliverableByEvent: 1, withoutFailureSent: 0, afterDecision: 0, failedDeliveryOtherwise: 0, maxFailureToPublishMs: 300 });
    expect(deliveryFailures(figures)).toEqual([]);
  });

  it("counts and fails an UNDELIVERABLE no failure explains, one by a failure after the decision, and FAILED in another decision", () => {
    const figures = judgeDeliveryEvents(
      [
        event("never", "UNDELIVERABLE", { reason: "TEXT_SPAM", delivery: "FAILED" }),
        event("other-type", "UNDELIVERABLE", { reason: "TEXT_SPAM", delivery: "FAILED" }),
        event("too-early", "UNDELIVERABLE", { reason: "TEXT_SPAM", delivery: "FAILED", decidedAt: T0 + 1_000 }),
        event("after", "UNDELIVERABLE", { reason: "TEXT_UNREACHABLE", delivery: "FAILED", decidedAt: T0 + 5_000 }),
        event("approved", "APPROVED", { delivery: "FAILED" }),
      ],
      [
        failure("other-type", "TEXT_BLOCKED", T0),
        failure("too-early", "TEXT_SPAM", T0 + 1_001),
        failure("after", "TEXT_UNREACHABLE", T0 + 4_000, true),
      ],
    );
    expect(figures).toMatchObject({ undeliverableByEvent: 4, withoutFailureSent: 3, afterDecision: 1, failedDeliveryOtherwise: 1 });
    expect(deliveryFailures(figures)).toHaveLength(3);
  });

  it("times the UNDELIVERABLE from its first failure, or from the end of an outage covering it", () => {
    const observations = [event("u", "UNDELIVERABLE", { reason: "TEXT_BLOCKED", decidedAt: T0 + 20_000, arrivedAt: T0 + 26_000 })];
    const failures = [failure("u", "TEXT_BLOCKED", T0 + 10_000), failure("u", "TEXT_BLOCKED", T0 + 12_000)];
    expect(judgeDeliveryEvents(observations, failures)).toMatchObject({ maxFailureToPublishMs: 16_000, slowerThan5s: 1 });
    const covered = judgeDeliveryEvents(observations, failures, [{ from: T0 + 5_000, to: T0 + 22_000 }]);
    expect(covered).toMatchObject({ maxFailureToPublishMs: 4_000, slowerThan5s: 0 });
  });
});
