// What a chaos run saw, reduced to the figures that prove (or disprove) "exactly one decision".
// Pure: the run collects observations, this judges them (and test/chaos/report.test.ts judges this).

export type Decision = "APPROVED" | "DENIED" | "EXPIRED" | "OPTED_OUT" | "UNDELIVERABLE" | "CANCELLED";

export interface Expectation {
  transactionId: string;
  scenario: string;
  /** Decisions the scenario allows (e.g. a cancellation that arrives after the deadline: EXPIRED). */
  acceptable: readonly Decision[];
  /** The reply window the request asked for. */
  expiresInSeconds: number;
}

/** One decision event as a subscriber received it. */
export interface Observation {
  /** When it reached the subscriber (ms since the epoch). */
  arrivedAt: number;
  /** The SNS Message, verbatim. */
  body: string;
  /** The `decision` message attribute, if any. */
  decisionAttribute: string | undefined;
}

interface EventBody {
  eventId: string;
  transactionId: string;
  decision: Decision;
  requestedAt: string;
  decidedAt: string;
}

/** EXPIRED must be published within this long after the deadline (contract). */
export const EXPIRY_GRACE_MS = 5_000;

export interface DecisionFigures {
  /** Verifications the run asked for. */
  expected: number;
  /** Decision events received, re-publishes included. */
  published: number;
  /** Verifications with at least one decision event. */
  decided: number;
  /** Verifications with no decision event at all. */
  lost: number;
  /** Verifications with two different decisions. */
  conflicting: number;
  /** Verifications whose one decision came under two eventIds (a second decision, even if equal). */
  splitEventIds: number;
  /** Extra deliveries of an eventId already received (allowed: a re-publish of the same event). */
  duplicateEventIds: number;
  /** Re-publishes whose body differs from the first (not allowed: same eventId ⇒ same event). */
  duplicateEventIdsWithDifferentBody: number;
  /** Decisions the scenario does not allow (e.g. DENIED after a YES). */
  unexpected: number;
  /** EXPIRED received more than 5 s after the deadline (requestedAt + window). */
  lateExpired: number;
  maxExpiryDelayMs: number | null;
  /** Events whose `decision` attribute differs from the body's decision. */
  attributeMismatches: number;
  /** Events for transactions the run never requested. */
  strangers: number;
  byDecision: Record<string, number>;
  examples: {
    lost: string[];
    conflicting: string[];
    unexpected: string[];
    lateExpired: string[];
    differentBody: string[];
  };
}

const EXAMPLES = 5;

export function judgeDecisions(expectations: readonly Expectation[], observations: readonly Observation[]): DecisionFigures {
  const expected = new Map(expectations.map((e) => [e.transactionId, e]));
  const byTransaction = new Map<string, Array<{ event: EventBody; observation: Observation }>>();
  const firstBodyOf = new Map<string, string>();
  let duplicateEventIds = 0;
  let duplicateEventIdsWithDifferentBody = 0;
  let attributeMismatches = 0;
  let strangers = 0;
  const differentBody: string[] = [];

  for (const observation of observations) {
    const event = JSON.parse(observation.body) as EventBody;
    if (observation.decisionAttribute !== event.decision) attributeMismatches += 1;
    const first = firstBodyOf.get(event.eventId);
    if (first !== undefined) {
      duplicateEventIds += 1;
      if (first !== observation.body) {
        duplicateEventIdsWithDifferentBody += 1;
        if (differentBody.length < EXAMPLES) differentBody.push(`${event.eventId}: ${first} then ${observation.body}`);
      }
    } else firstBodyOf.set(event.eventId, observation.body);
    if (!expected.has(event.transactionId)) strangers += 1;
    const list = byTransaction.get(event.transactionId) ?? [];
    list.push({ event, observation });
    byTransaction.set(event.transactionId, list);
  }

  const figures: DecisionFigures = {
    expected: expectations.length,
    published: observations.length,
    decided: 0,
    lost: 0,
    conflicting: 0,
    splitEventIds: 0,
    duplicateEventIds,
    duplicateEventIdsWithDifferentBody,
    unexpected: 0,
    lateExpired: 0,
    maxExpiryDelayMs: null,
    attributeMismatches,
    strangers,
    byDecision: {},
    examples: { lost: [], conflicting: [], unexpected: [], lateExpired: [], differentBody },
  };
  const note = (list: string[], text: string) => {
    if (list.length < EXAMPLES) list.push(text);
  };

  for (const expectation of expectations) {
    const events = byTransaction.get(expectation.transactionId) ?? [];
    if (events.length === 0) {
      figures.lost += 1;
      note(figures.examples.lost, `${expectation.transactionId} (${expectation.scenario})`);
      continue;
    }
    figures.decided += 1;
    const decisions = new Set(events.map((e) => e.event.decision));
    const eventIds = new Set(events.map((e) => e.event.eventId));
    const [first] = events;
    if (!first) continue;
    figures.byDecision[first.event.decision] = (figures.byDecision[first.event.decision] ?? 0) + 1;
    if (decisions.size > 1) {
      figures.conflicting += 1;
      note(figures.examples.conflicting, `${expectation.transactionId}: ${[...decisions].join(" and ")}`);
    } else if (eventIds.size > 1) figures.splitEventIds += 1;
    for (const decision of decisions) {
      if (!expectation.acceptable.includes(decision)) {
        figures.unexpected += 1;
        note(figures.examples.unexpected, `${expectation.transactionId} (${expectation.scenario}): ${decision}`);
        break;
      }
    }
    const expired = events.filter((e) => e.event.decision === "EXPIRED");
    if (expired.length > 0) {
      const deadline = Date.parse(expired[0]!.event.requestedAt) + expectation.expiresInSeconds * 1000;
      const arrived = Math.min(...expired.map((e) => e.observation.arrivedAt));
      const delay = arrived - deadline;
      figures.maxExpiryDelayMs = Math.max(figures.maxExpiryDelayMs ?? delay, delay);
      if (delay > EXPIRY_GRACE_MS) {
        figures.lateExpired += 1;
        const decidedAfter = Date.parse(expired[0]!.event.decidedAt) - deadline;
        note(
          figures.examples.lateExpired,
          `${expectation.transactionId}: received ${delay} ms after the deadline (decided after ${decidedAfter} ms; deadline at ${new Date(deadline).toISOString()})`,
        );
      }
    }
  }
  return figures;
}

/** The figures that fail a run. */
export function failures(figures: DecisionFigures): string[] {
  const failed: string[] = [];
  if (figures.lost > 0) failed.push(`${figures.lost} lost`);
  if (figures.conflicting > 0) failed.push(`${figures.conflicting} conflicting`);
  if (figures.splitEventIds > 0) failed.push(`${figures.splitEventIds} decided under two eventIds`);
  if (figures.duplicateEventIdsWithDifferentBody > 0) failed.push(`${figures.duplicateEventIdsWithDifferentBody} re-publishes with a different body`);
  if (figures.lateExpired > 0) failed.push(`${figures.lateExpired} EXPIRED later than ${EXPIRY_GRACE_MS / 1000} s past the deadline`);
  if (figures.unexpected > 0) failed.push(`${figures.unexpected} decided otherwise than the replies said`);
  if (figures.attributeMismatches > 0) failed.push(`${figures.attributeMismatches} events whose decision attribute differs from the body`);
  if (figures.strangers > 0) failed.push(`${figures.strangers} events for transactions never requested`);
  return failed;
}
