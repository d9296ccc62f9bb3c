// Fuzzes both queues end to end: thousands of generated junk bodies (random JSON, near-valid payloads
// with one field mutated, unicode edge cases, deep nesting, 200 KB bodies, SNS envelopes around junk
// or with the wrong Type) sent with SendMessageBatch to the service running against the emulator,
// with valid requests and replies interleaved. The service must not crash, must acknowledge every
// message (dead-lettered or handled, never left for redelivery), must log no phone number from the
// inputs, and must decide every valid verification exactly once.
// Replay: FUZZ_SEED=<seed printed on failure>; scale: FUZZ_MESSAGES=<junk per queue>.
import { randomUUID } from "node:crypto";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import type { SpyMessage } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HandledMessage } from "../../src/adapters/sqs/queue-worker.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { inboundSms, startHarness, verificationRequest, type Harness } from "../support/service-harness.ts";
import { inboundJunk, phoneNumbersIn, requestJunk, toBody, type Junk } from "./arbitraries.ts";
import { contractAccepts, type QueueKind } from "./contract-oracle.ts";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const JUNK_PER_QUEUE = process.env.FUZZ_MESSAGES ? Number(process.env.FUZZ_MESSAGES) : 1_000;
const VALID = 30;
/**
 * Unknown fields and metadata keys shaped like phone numbers: on (the rejection reason no longer
 * echoes key names); FUZZ_PHONE_KEYS=0 turns them off.
 */
const PHONE_SHAPED_KEYS = process.env.FUZZ_PHONE_KEYS !== "0";
/** SendMessageBatch allows 10 entries and 1 MiB in all. */
const MAX_BATCH_BYTES = 900 * 1024;
/** The longest the test waits without any progress before it fails. */
const STALL_MS = 20_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

interface Outgoing {
  body: string;
  /** For failure messages: what the body is. */
  kind: string;
  valid: boolean;
  /** For junk: whether the contract makes it a valid message after all (test/fuzz/contract-oracle.ts). */
  contractAccepts?: boolean;
}

const sentBodies = new Map<string, Outgoing>();

/** Sends bodies in order with SendMessageBatch (≤ 10 entries, ≤ 900 KB each, 4 batches at a time); returns the MessageIds. */
async function sendAll(queue: string, items: Outgoing[]): Promise<string[]> {
  const batches: Outgoing[][] = [];
  let current: Outgoing[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.body, "utf8");
    if (current.length === 10 || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);

  const ids: string[] = [];
  let next = 0;
  const sender = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const result = await h.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: h.aws.queueUrl(queue),
          Entries: batch.map((item, index) => ({ Id: String(index), MessageBody: item.body })),
        }),
      );
      if (result.Failed?.length) {
        const failure = result.Failed[0]!;
        throw new Error(`the emulator refused a generated body (${failure.Code}: ${failure.Message}): ${batch[Number(failure.Id)]?.body.slice(0, 300)}`);
      }
      for (const entry of result.Successful ?? []) {
        const item = batch[Number(entry.Id)]!;
        if (entry.MessageId) {
          ids.push(entry.MessageId);
          sentBodies.set(entry.MessageId, item);
        }
      }
    }
  };
  await Promise.all([sender(), sender(), sender(), sender()]);
  return ids;
}

/** Resolves when every id was handled and acknowledged; fails if none makes progress for STALL_MS. */
async function waitUntilAcknowledged(ids: Iterable<string>): Promise<void> {
  const remaining = new Set(ids);
  const settle = (m: HandledMessage) => {
    if (m.acknowledged && m.messageId) remaining.delete(m.messageId);
  };
  h.handled.forEach(settle);
  while (remaining.size > 0) {
    const progress = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress for ${STALL_MS} ms; ${remaining.size} message(s) never acknowledged`)), STALL_MS);
      void h
        .waitForHandled((m) => m.acknowledged && m.messageId !== undefined && remaining.has(m.messageId))
        .then(() => {
          clearTimeout(timer);
          resolve();
        }, (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
    try {
      await progress;
    } catch (error) {
      const sample = [...remaining].slice(0, 3).map((id) => `${sentBodies.get(id)?.kind}: ${sentBodies.get(id)?.body.slice(0, 200)}`);
      throw new Error(`${(error as Error).message} (seed ${SEED}); e.g.\n${sample.join("\n")}`, { cause: error });
    }
    h.handled.forEach(settle);
  }
}

/** Resolves when the emulator saw every id deleted ("consumed"), i.e. nothing is left to redeliver. */
async function waitUntilDeleted(queue: string, ids: Iterable<string>): Promise<void> {
  const remaining = new Set(ids);
  const consumed = (m: SpyMessage) => m.service === "sqs" && m.status === "consumed" && m.queueName === queue && remaining.has(m.messageId);
  for (const m of h.aws.server.spy.getAllMessages()) if (m.service === "sqs" && consumed(m)) remaining.delete(m.messageId);
  while (remaining.size > 0) {
    const m = await h.aws.server.spy.waitForMessage(consumed, "consumed", STALL_MS);
    if (m.service === "sqs") remaining.delete(m.messageId);
  }
}

function shuffleIn<T>(into: T[], items: T[], random: () => number): T[] {
  const out = [...into];
  for (const item of items) out.splice(Math.floor(random() * (out.length + 1)), 0, item);
  return out;
}

function envelope(message: string): string {
  return toBody({
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: "arn:aws:sns:us-east-1:000000000000:some-topic",
    Message: message,
    Timestamp: new Date().toISOString(),
    SignatureVersion: "1",
  });
}

describe(`queue edges fuzz (seed ${SEED}, ${JUNK_PER_QUEUE} junk bodies per queue)`, () => {
  it(
    "acknowledges every junk message, crashes never, logs no phone number, and decides all valid traffic exactly once",
    async () => {
      const random = (() => {
        let state = SEED || 1;
        return () => ((state = (state * 48_271) % 2_147_483_647) / 2_147_483_647);
      })();
      const junkOf = (arb: fc.Arbitrary<Junk>, offset: number, queue: QueueKind): Outgoing[] =>
        fc
          .sample(arb, { numRuns: JUNK_PER_QUEUE, seed: SEED + offset })
          .map((junk) => ({ ...junk, valid: false, contractAccepts: contractAccepts(queue, junk.body) }));
      const requestBodies = junkOf(requestJunk({ phoneShapedKeys: PHONE_SHAPED_KEYS }), 0, "requests");
      const inboundBodies = junkOf(inboundJunk({ phoneShapedKeys: PHONE_SHAPED_KEYS }), 1, "inbound");

      // Valid traffic, half of it in SNS envelopes, shuffled into the junk.
      const requests = Array.from({ length: VALID }, (_, i) => verificationRequest({ transactionId: `txn-fuzz-${SEED}-${i}` }));
      const validRequests = requests.map((request, i) => {
        const body = JSON.stringify(request);
        return { body: i % 2 === 0 ? body : envelope(body), kind: "valid request", valid: true };
      });
      const [requestIds, inboundIdsEarly] = await Promise.all([
        sendAll(QUEUES.requests, shuffleIn(requestBodies, validRequests, random)),
        sendAll(QUEUES.inbound, inboundBodies.slice(0, JUNK_PER_QUEUE / 2)),
      ]);

      const questions = await Promise.all(
        requests.map((request) => h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId, 60_000)),
      );

      // Each valid request gets a YES or NO reply to its question, some sent twice (SQS duplicates).
      const expected = new Map<string, "APPROVED" | "DENIED">();
      const replies: Outgoing[] = requests.flatMap((request, i) => {
        const yes = i % 2 === 0;
        expected.set(String(request.transactionId), yes ? "APPROVED" : "DENIED");
        const payload = JSON.stringify(
          inboundSms({
            originationNumber: request.phoneNumber,
            messageBody: yes ? "Yes" : "no",
            previousPublishedMessageId: questions[i]!.messageId,
          }),
        );
        const body = i % 3 === 0 ? envelope(payload) : payload;
        const reply = { body, kind: "valid reply", valid: true };
        return i % 4 === 0 ? [reply, reply] : [reply];
      });
      const inboundIdsLate = await sendAll(QUEUES.inbound, shuffleIn(inboundBodies.slice(JUNK_PER_QUEUE / 2), replies, random));
      const inboundIds = [...inboundIdsEarly, ...inboundIdsLate];

      // 1. Never blocks a queue: every message acknowledged, and deleted from the emulator.
      await waitUntilAcknowledged([...requestIds, ...inboundIds]);
      await Promise.all([waitUntilDeleted(QUEUES.requests, requestIds), waitUntilDeleted(QUEUES.inbound, inboundIds)]);
      const context = `(seed ${SEED})`;
      const spied = h.aws.server.spy.getAllMessages();
      const redriven = spied.filter((m) => m.service === "sqs" && m.status === "dlq");
      expect(redriven.map((m) => (m as { body: string }).body.slice(0, 200)), `messages the emulator redrove after repeated failures ${context}`).toEqual([]);
      // Junk must never be left for redelivery. (A duplicate valid reply may be: it waits while the
      // first delivery is still publishing the decision.)
      const failed = h.handled.filter((m) => !m.acknowledged && sentBodies.get(m.messageId ?? "")?.valid !== true);
      expect(
        failed.map((m) => `${m.outcome} ${sentBodies.get(m.messageId ?? "")?.kind}: ${sentBodies.get(m.messageId ?? "")?.body.slice(0, 300)}`),
        `messages left for redelivery ${context}`,
      ).toEqual([]);
      for (const queue of [QUEUES.requests, QUEUES.inbound]) {
        const { ready, delayed, inflight } = h.aws.server.inspectQueue(queue)!.messages;
        expect({ queue, ready: ready.length, delayed: delayed.length, inflight: inflight.length }).toEqual({ queue, ready: 0, delayed: 0, inflight: 0 });
      }
      // Each rejected message was copied to its DLQ, named by its MessageId.
      const dlqSources = new Set(
        spied
          .filter((m) => m.service === "sqs" && m.status === "published" && (m.queueName === QUEUES.requestsDlq || m.queueName === QUEUES.inboundDlq))
          .map((m) => (m as { messageAttributes: Record<string, { StringValue?: string }> }).messageAttributes.sourceMessageId?.StringValue),
      );
      const rejected = h.handled.filter((m) => m.outcome.startsWith("rejected:"));
      // Exactly the junk the contract refuses is rejected; what it accepts after all is handled.
      const misjudged = h.handled.flatMap((m) => {
        const sent = sentBodies.get(m.messageId ?? "");
        if (sent?.contractAccepts === undefined || m.outcome.startsWith("rejected:") !== sent.contractAccepts) return [];
        return [`${m.outcome} for ${sent.kind} the contract ${sent.contractAccepts ? "accepts" : "refuses"}: ${sent.body.slice(0, 300)}`];
      });
      expect(misjudged, `junk judged against the contract ${context}`).toEqual([]);
      expect(rejected.length).toBeGreaterThan(JUNK_PER_QUEUE); // most junk is junk
      for (const m of rejected) expect(dlqSources.has(m.messageId), `rejected ${m.messageId} not dead-lettered`).toBe(true);
      for (const m of rejected) expect(sentBodies.get(m.messageId ?? "")?.valid, `a valid message was rejected ${context}`).toBe(false);

      // 2. Valid traffic: each request texted once, each verification decided once, as its reply said.
      for (const request of requests) {
        const transactionId = String(request.transactionId);
        const decision = await h.waitForDecision(transactionId);
        expect(decision.decision, `${transactionId} ${context}`).toBe(expected.get(transactionId));
        const events = h.decisionsFor(transactionId);
        expect(new Set(events.map((e) => e.eventId)).size, `${transactionId} decided more than once`).toBe(1);
        const questionsSent = h.sandbox.sent.filter((m) => m.context?.transactionId === transactionId && m.messageBody.includes("Did you attempt"));
        expect(questionsSent, `${transactionId} texted ${questionsSent.length} times`).toHaveLength(1);
      }

      if (process.env.FUZZ_STATS) {
        const outcomes = new Map<string, number>();
        for (const m of h.handled) outcomes.set(`${m.queue} ${m.outcome}`, (outcomes.get(`${m.queue} ${m.outcome}`) ?? 0) + 1);
        console.log(outcomes, h.logLines.filter((l) => /"level":(50|60)/.test(l)).slice(0, 20));
      }
      // 3. Still healthy and ready.
      const ops = `http://127.0.0.1:${h.service.opsPort}`;
      expect((await fetch(`${ops}/healthz`)).status).toBe(200);
      expect((await fetch(`${ops}/readyz`)).status).toBe(200);
      const fatal = h.logLines.filter((line) => /"level":60/.test(line));
      expect(fatal).toEqual([]);

      // 4. No phone number from any input in any log line or metric.
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      const numbers = new Set<string>();
      for (const { body } of sentBodies.values()) for (const n of phoneNumbersIn(body)) numbers.add(n);
      expect(numbers.size).toBeGreaterThan(500);
      const logs = h.logLines.join("\n");
      const leaks = [...numbers].filter((n) => logs.includes(n) || metrics.includes(n) || (n.length >= 11 && logs.includes(n.slice(1))));
      expect(leaks, `phone numbers in the logs ${context}`).toEqual([]);
      expect(h.logLines.filter((line) => /\+\d{8,15}/.test(line)).map((line) => line.slice(0, 400))).toEqual([]);
    },
    150_000,
  );
});
