import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadLuaScript } from "../../src/adapters/redis/lua-source.ts";
import { encodeVerification, FIELD, parseVerification } from "../../src/adapters/redis/verification-record.ts";
import type { Verification } from "../../src/domain/verification.ts";

const LUA_DIR = new URL("../../src/adapters/redis/lua/", import.meta.url);

/** A verification with every field the record can hold set to a value other than its default. */
const everyField: Verification = {
  transactionId: "txn-1",
  phoneNumber: "+14155550100",
  amountMinor: 12_540,
  currency: "HUF",
  merchant: "Café Zoë",
  cardLast4: "4242",
  locale: "hu-HU",
  metadata: { __proto__: "kept", constructor: "too" },
  requestedAt: 1_764_700_000_000,
  deadline: 1_764_700_600_000,
  referenceCode: "417",
  state: "DECIDED",
  outboundMessageId: "msg-1",
  reprompts: 2,
  sendLeaseUntil: 1_764_700_060_000,
  delivery: { status: "DELIVERED", at: 1_764_700_001_000 },
  decision: {
    decision: "APPROVED",
    decidedAt: 1_764_700_030_000,
    eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    reply: { inboundMessageId: "in-1", answer: "YES", correlatedBy: "referenceCode", receivedAt: 1_764_700_029_000 },
    undeliverableReason: null,
    delivery: { status: "DELIVERED", at: 1_764_700_001_000 },
    published: true,
    confirmation: "sending",
    publishLeaseReleased: true,
  },
};

function flat(hash: Record<string, string>): string[] {
  return Object.entries(hash).flat();
}

/** Every quoted field a script passes to a hash command (HSET/HGET/HMGET/HDEL/HINCRBY) after its key. */
function fieldsNamedIn(source: string): string[] {
  const names: string[] = [];
  const call = /redis\.call\('(HSET|HGET|HMGET|HDEL|HINCRBY)',/g;
  for (let match = call.exec(source); match; match = call.exec(source)) {
    let depth = 1;
    let end = match.index + match[0].length;
    while (depth > 0 && end < source.length) {
      const char = source[end];
      if (char === "(") depth += 1;
      if (char === ")") depth -= 1;
      end += 1;
    }
    const args = splitTopLevel(source.slice(match.index + match[0].length, end - 1));
    const fieldPositions = match[1] === "HSET" ? args.map((_, i) => i).filter((i) => i % 2 === 1) : args.map((_, i) => i).slice(1);
    const positions = match[1] === "HINCRBY" ? [1] : fieldPositions;
    for (const i of positions) {
      const literal = /^'([^']*)'$/.exec(args[i]?.trim() ?? "");
      if (literal?.[1] !== undefined) names.push(literal[1]);
    }
  }
  return names;
}

function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of args) {
    if (char === "(" || char === "{") depth += 1;
    if (char === ")" || char === "}") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

describe("the verification record's vocabulary", () => {
  it("round-trips every field", () => {
    const undeliverable: Verification = {
      ...everyField,
      decision: { ...(everyField.decision as NonNullable<Verification["decision"]>), decision: "UNDELIVERABLE", undeliverableReason: "TEXT_BLOCKED", reply: null, confirmation: "none" },
    };
    const records = [everyField, undeliverable];
    const written = new Set(records.flatMap((record) => Object.keys(encodeVerification(record))));
    const stored = Object.values(FIELD).filter((name) => name !== FIELD.transactionId);
    const internal: string[] = [FIELD.latestQuestionId, FIELD.confirmationLeaseUntil, FIELD.lateReplyTexted, FIELD.feedbackClaimed];
    // Every field the domain has is written by one of the two; only the scripts' own bookkeeping is not.
    expect([...written].sort()).toEqual(stored.filter((name) => !internal.includes(name)).sort());
    for (const record of records) {
      expect(parseVerification(flat(encodeVerification(record)), record.phoneNumber, record.transactionId)).toEqual(record);
    }
  });

  it("stores no default, and decodes an absent field as its default", () => {
    const fresh: Verification = {
      ...everyField,
      locale: undefined,
      metadata: undefined,
      referenceCode: null,
      state: "OPEN",
      reprompts: 0,
      sendLeaseUntil: 0,
      delivery: null,
      decision: null,
    };
    const encoded = encodeVerification(fresh);
    for (const name of [FIELD.reprompts, FIELD.sendLeaseUntil, FIELD.locale, FIELD.decision, FIELD.confirmation]) {
      expect(encoded).not.toHaveProperty(name);
    }
    expect(parseVerification(flat(encoded), fresh.phoneNumber, fresh.transactionId)).toEqual(fresh);
  });

  it("takes the transactionId a script appended when the caller does not know it", () => {
    const encoded = flat(encodeVerification(everyField));
    expect(parseVerification([...encoded, FIELD.transactionId, "txn-9"], everyField.phoneNumber)?.transactionId).toBe("txn-9");
  });

  it("has one short name per meaning", () => {
    const names = Object.values(FIELD);
    expect(new Set(names).size).toBe(names.length);
  });

  it("names every field the Lua scripts use", () => {
    const scripts = readdirSync(LUA_DIR).filter((name) => name.endsWith(".lua") && name !== "take-send-parts-2.lua");
    const used = new Set(scripts.flatMap((script) => fieldsNamedIn(loadLuaScript(script))));
    // The parser must see the scripts' fields at all (a guard against a regex that matches nothing).
    expect(used).toContain(FIELD.state);
    expect(used).toContain(FIELD.replyCorrelatedBy);
    const known = new Set<string>(Object.values(FIELD));
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });

  it("is the table documented beside the scripts", () => {
    const readme = readFileSync(new URL("README.md", LUA_DIR), "utf8");
    const [, section = ""] = readme.split(/^## The verification hash$/m);
    const [hashTable = ""] = section.split(/^## /m);
    const documented = [...hashTable.matchAll(/^\| `([^`]+)` \|/gm)].map((row) => row[1]);
    expect(documented.sort()).toEqual(Object.values(FIELD).sort());
  });
});
