// What a chaos run saw, reduced to the figures that prove (or disprove) "exactly one decision".
// Pure: the run collects observations, this judges them (and test/chaos/report.test.ts judges this).
import { deliveryFailureTypes } from "../../src/domain/sms-delivery-event.ts";

export type Decision = "APPROVED" | "DENIED" | "EXPIRED" | "OPTED_OUT" | "UNDELIVERABLE" | "CANCELLED";

export interface Expectation {
  transactionId: string;
  scenario: string;
  /** Decisions the scenario allows (e.g. a cancellation that arrives after the deadline: EXPIRED). */
  acceptable: readonly Decision[];
  /** The reply window the request asked for. */
  expiresInSeconds: number;
  /**
   * UNDELIVERABLE with reason NOT_SENT is also right: the window is shorter than a question's send
   * lease, so when the worker texting it is killed before recording the send, nobody may text it
   * again before the deadline (contract: a question never accepted by its deadline is NOT_SENT).
   */
  notSentAllowed?: boolean;
}

/** One decision event as a subscriber received it. */
export interface Observation {
  /** When it reached the subscriber (ms since the epoch). */
  arrivedAt: number;
  /** When SNS accepted its first publish (ms since the epoch), when known: what the contract times. */
  publishedAt?: number;
  /** The SNS Message, verbatim. */
  body: string;
  /** The `decision` message attribute, if any. */
  decisionAttribute: string | undefined;
}

interface EventBody {
  eventId: string;
  transactionId: string;
  decision: Decision;
  undeliverableReason?: string | null;
  requestedAt: string;
  decidedAt: string;
  delivery?: { status: string; at: string } | null;
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
  /** UNDELIVERABLE (NOT_SENT) where the scenario allows it: the question's sender was killed mid-send. */
  notSent: number;
  /** EXPIRED published more than 5 s after the deadline (requestedAt + window), or after SNS's return when it was down then. */
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

/** The contract times publishing: SNS accepting the event, not the subscriber's poll. */
const publishedAt = (observation: Observation) => observation.publishedAt ?? observation.arrivedAt;

/** A span (ms since the epoch) during which the service could not publish: SNS down, Redis down or no worker running. */
export interface Outage {
  from: number;
  to: number;
}

/**
 * When an EXPIRED is owed (contract: within 5 s of the deadline while a worker runs): its deadline,
 * or the end of the span(s) during which the service could not act that cover it.
 */
function expiryDueAt(deadline: number, outages: readonly Outage[]): number {
  let due = deadline;
  for (let covering = outages.find((o) => due >= o.from && due < o.to); covering; covering = outages.find((o) => due >= o.from && due < o.to)) {
    due = covering.to;
  }
  return due;
}

export function judgeDecisions(
  expectations: readonly Expectation[],
  observations: readonly Observation[],
  outages: readonly Outage[] = [],
): DecisionFigures {
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
    notSent: 0,
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
    const notSent = expectation.notSentAllowed === true && events.every((e) => e.event.decision === "UNDELIVERABLE" && e.event.undeliverableReason === "NOT_SENT");
    if (notSent) figures.notSent += 1;
    for (const decision of notSent ? [] : decisions) {
      if (!expectation.acceptable.includes(decision)) {
        figures.unexpected += 1;
        note(figures.examples.unexpected, `${expectation.transactionId} (${expectation.scenario}): ${decision}`);
        break;
      }
    }
    const expired = events.filter((e) => e.event.decision === "EXPIRED");
    if (expired.length > 0) {
      const deadline = expiryDueAt(Date.parse(expired[0]!.event.requestedAt) + expectation.expiresInSeconds * 1000, outages);
      const arrived = Math.min(...expired.map((e) => publishedAt(e.observation)));
      const delay = arrived - deadline;
      figures.maxExpiryDelayMs = Math.max(figures.maxExpiryDelayMs ?? delay, delay);
      if (delay > EXPIRY_GRACE_MS) {
        figures.lateExpired += 1;
        const decidedAfter = Date.parse(expired[0]!.event.decidedAt) - deadline;
        note(
          figures.examples.lateExpired,
          `${expectation.transactionId}: published ${delay} ms after the deadline (decided after ${decidedAfter} ms; due at ${new Date(deadline).toISOString()})`,
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

/** What an SNS outage did to the decisions taken while it lasted. */
export interface OutageFigures {
  /** How long SNS refused every publish. */
  outageMs: number;
  /** Decisions taken (decidedAt) while SNS was down. */
  decidedDuringOutage: number;
  /** Decisions taken before SNS's return whose first event arrived after it (they waited in the outbox). */
  heldUntilReturn: number;
  /** From SNS's return to the first publish of the last of those; null when none waited. */
  lastPublishAfterReturnMs: number | null;
}

/** Publishes owed at SNS's return must all be out within this long (contract: the outbox). */
export const OUTBOX_GRACE_MS = 5_000;

export function judgeOutage(observations: readonly Observation[], outage: Outage): OutageFigures {
  const firstArrival = new Map<string, { arrivedAt: number; decidedAt: number }>();
  for (const observation of observations) {
    const event = JSON.parse(observation.body) as EventBody;
    const seen = firstArrival.get(event.transactionId);
    if (!seen || publishedAt(observation) < seen.arrivedAt) {
      firstArrival.set(event.transactionId, { arrivedAt: publishedAt(observation), decidedAt: Date.parse(event.decidedAt) });
    }
  }
  let decidedDuringOutage = 0;
  let heldUntilReturn = 0;
  let last: number | null = null;
  for (const { arrivedAt, decidedAt } of firstArrival.values()) {
    if (decidedAt >= outage.from && decidedAt < outage.to) decidedDuringOutage += 1;
    if (decidedAt < outage.to && arrivedAt >= outage.to) {
      heldUntilReturn += 1;
      last = Math.max(last ?? 0, arrivedAt - outage.to);
    }
  }
  return { outageMs: outage.to - outage.from, decidedDuringOutage, heldUntilReturn, lastPublishAfterReturnMs: last };
}

/** Every request sent again once everything was decided: it must change nothing. */
export interface ReplayFigures {
  requestsReplayed: number;
  /** Questions texted while the replay was handled (each one a second SMS for a decided verification). */
  questionsTexted: number;
  /** Other SMS sent meanwhile (confirmations still owed from the run), for the record. */
  otherSmsSent: number;
  /** Decision events that arrived during the replay. */
  eventsPublished: number;
  /** Of those, events whose eventId the run never published (a second decision). */
  newEventIds: number;
  /** Of those, events whose body differs from the run's event with the same eventId. */
  changedBodies: number;
  examples: string[];
}

export function judgeReplay(
  run: readonly Observation[],
  replay: readonly Observation[],
  sms: { requestsReplayed: number; questionsTexted: number; otherSmsSent: number },
): ReplayFigures {
  const bodyOf = new Map<string, string>();
  for (const observation of run) {
    const { eventId } = JSON.parse(observation.body) as EventBody;
    if (!bodyOf.has(eventId)) bodyOf.set(eventId, observation.body);
  }
  const figures: ReplayFigures = { ...sms, eventsPublished: replay.length, newEventIds: 0, changedBodies: 0, examples: [] };
  for (const observation of replay) {
    const event = JSON.parse(observation.body) as EventBody;
    const before = bodyOf.get(event.eventId);
    if (before === undefined) {
      figures.newEventIds += 1;
      if (figures.examples.length < EXAMPLES) figures.examples.push(`${event.transactionId}: new eventId ${event.eventId} (${event.decision})`);
    } else if (before !== observation.body) {
      figures.changedBodies += 1;
      if (figures.examples.length < EXAMPLES) figures.examples.push(`${event.transactionId}: ${event.eventId} re-published with another body`);
    }
  }
  return figures;
}

/** The outage and replay figures that fail a run. */
export function outageFailures(figures: OutageFigures): string[] {
  const late = figures.lastPublishAfterReturnMs;
  return late !== null && late > OUTBOX_GRACE_MS
    ? [`a decision held by the SNS outage published ${(late / 1000).toFixed(1)} s after SNS's return (more than ${OUTBOX_GRACE_MS / 1000} s)`]
    : [];
}

export function replayFailures(figures: ReplayFigures): string[] {
  const failed: string[] = [];
  if (figures.questionsTexted > 0) failed.push(`${figures.questionsTexted} questions texted again by the replay`);
  if (figures.newEventIds > 0) failed.push(`${figures.newEventIds} events with a new eventId after the replay`);
  if (figures.changedBodies > 0) failed.push(`${figures.changedBodies} events re-published with another body after the replay`);
  return failed;
}

/** A failure event the run's carrier sent for a question. */
export interface FailureSent {
  transactionId: string;
  eventType: string;
  /** When it was put on the sms-events queue (ms since the epoch). */
  sentAt: number;
  /** The run had already seen a decision for the transaction (a decisive reply's, say) when it sent it. */
  afterDecision: boolean;
}

/** UNDELIVERABLE decided by a delivery event, against the failure events the run sent. */
export interface DeliveryFigures {
  /** Verifications decided UNDELIVERABLE with a delivery failure type as the reason. */
  undeliverableByEvent: number;
  /** Of those, with no failure event of that type sent for the question before the decision. */
  withoutFailureSent: number;
  /** Of those, whose failure events of that type were all sent after the run had seen a decision for it. */
  afterDecision: number;
  /** Events whose `delivery` says FAILED but that are not an UNDELIVERABLE by a delivery event. */
  failedDeliveryOtherwise: number;
  /** From the first failure event sent (or the end of an outage covering it) to the UNDELIVERABLE published, the longest. */
  maxFailureToPublishMs: number | null;
  /** Of them, published more than 5 s after. */
  slowerThan5s: number;
  examples: string[];
}

export function judgeDeliveryEvents(
  observations: readonly Observation[],
  failuresSent: readonly FailureSent[],
  outages: readonly Outage[] = [],
): DeliveryFigures {
  const failureTypes: readonly string[] = deliveryFailureTypes;
  const sentFor = new Map<string, FailureSent[]>();
  for (const failure of failuresSent) sentFor.set(failure.transactionId, [...(sentFor.get(failure.transactionId) ?? []), failure]);
  const figures: DeliveryFigures = {
    undeliverableByEvent: 0,
    withoutFailureSent: 0,
    afterDecision: 0,
    failedDeliveryOtherwise: 0,
    maxFailureToPublishMs: null,
    slowerThan5s: 0,
    examples: [],
  };
  const note = (text: string) => {
    if (figures.examples.length < EXAMPLES) figures.examples.push(text);
  };
  const firstOf = new Map<string, { event: EventBody; publishedAt: number }>();
  for (const observation of observations) {
    const event = JSON.parse(observation.body) as EventBody;
    const byEvent = event.decision === "UNDELIVERABLE" && failureTypes.includes(event.undeliverableReason ?? "");
    if (event.delivery?.status === "FAILED" && !byEvent) {
      figures.failedDeliveryOtherwise += 1;
      note(`${event.transactionId}: ${event.decision} with delivery FAILED`);
    }
    if (!byEvent) continue;
    const seen = firstOf.get(event.eventId);
    if (!seen || publishedAt(observation) < seen.publishedAt) firstOf.set(event.eventId, { event, publishedAt: publishedAt(observation) });
  }
  for (const { event, publishedAt: published } of firstOf.values()) {
    figures.undeliverableByEvent += 1;
    const decidedAt = Date.parse(event.decidedAt);
    const candidates = (sentFor.get(event.transactionId) ?? []).filter((f) => f.eventType === event.undeliverableReason && f.sentAt <= decidedAt);
    if (candidates.length === 0) {
      figures.withoutFailureSent += 1;
      note(`${event.transactionId}: UNDELIVERABLE ${event.undeliverableReason} without such a failure sent for its question before ${event.decidedAt}`);
      continue;
    }
    const inTime = candidates.filter((f) => !f.afterDecision);
    if (inTime.length === 0) {
      figures.afterDecision += 1;
      note(`${event.transactionId}: UNDELIVERABLE ${event.undeliverableReason} by a failure sent after its decision`);
      continue;
    }
    const due = expiryDueAt(Math.min(...inTime.map((f) => f.sentAt)), outages);
    const delay = published - due;
    figures.maxFailureToPublishMs = Math.max(figures.maxFailureToPublishMs ?? delay, delay);
    if (delay > EXPIRY_GRACE_MS) figures.slowerThan5s += 1;
  }
  return figures;
}

/** The delivery figures that fail a run (a slow UNDELIVERABLE is reported, not failed: see the README). */
export function deliveryFailures(figures: DeliveryFigures): string[] {
  const failed: string[] = [];
  if (figures.withoutFailureSent > 0) failed.push(`${figures.withoutFailureSent} UNDELIVERABLE without a failure event for the question`);
  if (figures.afterDecision > 0) failed.push(`${figures.afterDecision} UNDELIVERABLE by a failure event after the decision`);
  if (figures.failedDeliveryOtherwise > 0) failed.push(`${figures.failedDeliveryOtherwise} events with delivery FAILED that a failure did not decide`);
  return failed;
}
