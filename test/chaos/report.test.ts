// The chaos run's judge (scripts/chaos/report.ts): each way a run can go wrong is counted and fails it.
import { describe, expect, it } from "vitest";
import { failures, judgeDecisions, type Decision, type Expectation, type Observation } from "../../scripts/chaos/report.ts";

const T0 = Date.parse("2026-11-26T22:00:00.000Z");

function expectation(transactionId: string, acceptable: Decision[], expiresInSeconds = 600): Expectation {
  return { transactionId, scenario: "test", acceptable, expiresInSeconds };
}

function event(transactionId: string, decision: Decision, options: { eventId?: string; arrivedAt?: number; decidedAt?: number; attribute?: string; extra?: string } = {}): Observation {
  const body = JSON.stringify({
    eventType: "verification.decided",
    eventId: options.eventId ?? `e-${transactionId}`,
    transactionId,
    decision,
    requestedAt: new Date(T0).toISOString(),
    decidedAt: new Date(options.decidedAt ?? T0 + 1_000).toISOString(),
    ...(options.extra ? { note: options.extra } : {}),
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
});
