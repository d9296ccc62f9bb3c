// The edge's classification, fuzzed without I/O (fast, shrinking): every body that reaches a queue
// either parses to a valid payload or is refused with a PoisonMessageError whose text (logged as the
// rejection reason) is short and names no phone number from the input.
// Seed: FUZZ_SEED=<n> to replay a failure; fast-check prints the seed and the shrunk body.
import fc from "fast-check";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { parseMessage } from "../../src/app/parse-message.ts";
import { unwrapBody } from "../../src/adapters/sqs/unwrap-body.ts";
import { inboundSmsSchema, requestQueueMessageSchema } from "../../src/domain/messages.ts";
import { PoisonMessageError } from "../../src/errors.ts";
import { inboundJunk, phoneNumbersIn, requestJunk, toBody, validReplyArb, validRequestArb, type Junk } from "./arbitraries.ts";
import { contractAccepts, type QueueKind } from "./contract-oracle.ts";

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = (n: number) => ({ numRuns: n, ...(seed === undefined ? {} : { seed }) });

const REASONS = new Set(["empty_body", "body_too_large", "invalid_json", "invalid_message"]);
/** A rejection reason is one log field; a 60 KB key must not become a 60 KB log line. */
const MAX_REASON_CHARS = 1_000;

type Schema = z.ZodType<unknown>;

/** What the queue handlers do before any I/O. Returns the refusal, or null when the payload is valid. */
function classify(schema: Schema, body: string): PoisonMessageError | null {
  try {
    parseMessage(schema, unwrapBody(body).payload);
    return null;
  } catch (error) {
    if (error instanceof PoisonMessageError) return error;
    throw error;
  }
}

const SCHEMAS: Readonly<Record<QueueKind, Schema>> = { requests: requestQueueMessageSchema, inbound: inboundSmsSchema };

/**
 * Accepted exactly when the contract makes the body valid (test/fuzz/contract-oracle.ts), and a
 * refusal is a known reason, short, and names no phone number of the input.
 */
function classifiedAsContractSays(queue: QueueKind, junk: Junk): void {
  const refusal = classify(SCHEMAS[queue], junk.body);
  const shown = `${junk.kind}: ${junk.body.slice(0, 300)}`;
  if (contractAccepts(queue, junk.body)) {
    expect(refusal?.message ?? "accepted", `the contract accepts ${shown}`).toBe("accepted");
    return;
  }
  expect(refusal, `the contract refuses ${shown}`).not.toBeNull();
  if (refusal === null) return; // unreachable: narrows the type
  expect(REASONS.has(refusal.reason), refusal.reason).toBe(true);
  expect(refusal.message.length, `reason is ${refusal.message.length} chars`).toBeLessThanOrEqual(MAX_REASON_CHARS);
  for (const number of phoneNumbersIn(junk.body)) expect(refusal.message).not.toContain(number);
  expect(refusal.message).not.toMatch(/\+\d{8,15}/);
}

/** An example the contract refuses: refused, safely. */
function refusedSafely(queue: QueueKind, body: string): void {
  expect(contractAccepts(queue, body)).toBe(false);
  classifiedAsContractSays(queue, { kind: "example", body });
}

describe("edge classification fuzz (no I/O)", () => {
  it("valid payloads pass, raw and enveloped", () => {
    fc.assert(
      fc.property(validRequestArb, fc.boolean(), (request, enveloped) => {
        const body = toBody(request);
        const wrapped = enveloped ? toBody({ Type: "Notification", MessageId: "m", Message: body, Timestamp: new Date().toISOString() }) : body;
        expect(classify(requestQueueMessageSchema, wrapped)).toBeNull();
        const parsed = parseMessage(requestQueueMessageSchema, unwrapBody(wrapped).payload);
        if (request.metadata !== undefined) {
          expect(parsed.type === "verification.requested" && Object.entries(parsed.metadata ?? {})).toEqual(Object.entries(request.metadata));
        }
      }),
      runs(500),
    );
    fc.assert(
      fc.property(validReplyArb, (reply) => {
        expect(classify(inboundSmsSchema, toBody(reply))).toBeNull();
      }),
      runs(500),
    );
  });

  it("request-queue junk is accepted or refused as poison, with a short reason naming no phone number", () => {
    fc.assert(fc.property(requestJunk(), (junk) => classifiedAsContractSays("requests", junk)), runs(3_000));
  });

  it("inbound-queue junk is accepted or refused as poison, with a short reason naming no phone number", () => {
    fc.assert(fc.property(inboundJunk(), (junk) => classifiedAsContractSays("inbound", junk)), runs(3_000));
  });

  // ISO 4217, not ICU's currency list: VED (2021) and the fund codes are valid though ICU lacks them.
  it("a request in VED, an active ISO 4217 currency, is accepted", () => {
    const request = { type: "verification.requested", transactionId: "txn-ved", phoneNumber: "+14255550182", amountMinor: 1, currency: "VED", merchant: "ACME", cardLast4: "4242" };
    expect(classify(requestQueueMessageSchema, JSON.stringify(request))).toBeNull();
  });

  // BUG (reported; fix not in yet): src/app/parse-message.ts writes the names of unknown fields
  // (`unrecognized_keys`) and record keys (`issue.path`, e.g. `metadata.<key>`) into the rejection
  // reason, which queue-worker.ts logs as `reason`. Keys come from the sender: a key shaped like a
  // phone number is logged in clear, and a 60 KB key makes a 300 KB log line (5 keys are listed).
  // Expected: the reason names schema fields only (e.g. "unknown field(s): 1", "metadata.<key>: ...").
  // Fixed: reasons name schema fields only (count of unknown fields, metadata.<key>), capped in length.
  describe("sender-chosen keys never reach the logged reason", () => {
    const request = {
      type: "verification.requested",
      transactionId: "txn-keys",
      phoneNumber: "+14255550182",
      amountMinor: 1,
      currency: "USD",
      merchant: "ACME",
      cardLast4: "4242",
    };
    it("an unknown field named like a phone number is not logged", () => {
      refusedSafely("requests", JSON.stringify({ ...request, "+14255550183": "x" }));
    });
    it("a metadata key named like a phone number is not logged", () => {
      refusedSafely("requests", JSON.stringify({ ...request, metadata: { "+14255550184": 1 } }));
    });
    it("a 60 KB unknown field name does not make a 60 KB reason", () => {
      refusedSafely("requests", JSON.stringify({ ...request, ["k".repeat(60_000)]: 1 }));
    });
    it("fuzzed: keys shaped like phone numbers never reach the reason", () => {
      fc.assert(fc.property(requestJunk({ phoneShapedKeys: true }), (junk) => classifiedAsContractSays("requests", junk)), runs(3_000));
    });
  });
});
