/**
 * The phone's index (lua/include/phone-index.lua): its part of the bucket's index holds the phone's
 * open verifications and the texts sent about them. Entries of verifications that are gone are
 * dropped, ended ones count for nothing, and the layouts of earlier releases (a hash per phone; before
 * it an `open` hash and one `m:<messageId>` key per text) are still answered.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES } from "../support/aws-environment.ts";
import { RedisKeys } from "../../src/adapters/redis/redis-keys.ts";
import { redisNowMs } from "../support/redis-clock.ts";
import { runDownTtls } from "../support/run-down-ttls.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smsEvents: "manual" });
});
afterEach(() => h.sandbox.reset());
afterAll(async () => {
  await h?.stop();
});

/** A verification whose question was sent and recorded (its request's message is handled). */
async function openVerification(phoneNumber: string): Promise<{ transactionId: string; question: SentSms }> {
  const request = verificationRequest({ phoneNumber });
  const transactionId = String(request.transactionId);
  const messageId = await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === transactionId);
  await h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
  return { transactionId, question };
}

async function reply(fields: Record<string, unknown>) {
  const messageId = await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms(fields)));
  return h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
}

async function deliver(question: SentSms, eventType: string) {
  const event = {
    eventType,
    eventVersion: "1.0",
    eventTimestamp: Date.now(),
    isFinal: true,
    originationPhoneNumber: question.originationIdentity,
    destinationPhoneNumber: question.destinationPhoneNumber,
    messageId: question.messageId,
    messageRequestTimestamp: question.at.getTime(),
    messageStatus: eventType.replace(/^TEXT_/, ""),
    totalMessageParts: 1,
  };
  const messageId = await h.sendToQueue(QUEUES.smsEvents, JSON.stringify(event));
  return h.waitForHandled((m) => m.messageId === messageId && m.acknowledged);
}

async function referenceCodeOf(transactionId: string): Promise<string> {
  return (await h.service.context.store.get(transactionId))?.referenceCode ?? "";
}

async function phoneKeys(phone: string): Promise<string[]> {
  return (await h.service.redis.keys(`${h.namespace}:*:${phone}:*`)).sort();
}

/** The part of its bucket's phone index that holds the phone's entries. */
function phoneIndexKey(phone: string): string {
  return new RedisKeys(h.namespace).phoneIndex(phone);
}

const TEXT_INDEX_MS = 2 * 86_400_000;

/** The phone's entries that count (not ended), as 'o:<transactionId>' → code and 'm:<messageId>' → transactionId. */
async function indexEntries(phone: string): Promise<Record<string, string>> {
  const now = await redisNowMs(h.service.redis);
  const entries: Record<string, string> = {};
  for (const [field, entry] of Object.entries(await h.service.redis.hgetall(phoneIndexKey(phone)))) {
    const [, value = "", ends = "0"] = /^(.*)\|(\d+)$/.exec(entry) ?? [];
    if (!field.startsWith(phone) || Number(ends) <= now) continue;
    entries[`${field.slice(phone.length, phone.length + 1)}:${field.slice(phone.length + 1)}`] = value;
  }
  return entries;
}

/** When a text's entry ends (ms, Redis's clock). */
async function textEntryEnd(phone: string, messageId: string): Promise<number> {
  return Number((await h.service.redis.hget(phoneIndexKey(phone), `${phone}m${messageId}`))?.split("|")[1]);
}

/** An earlier release's layout of the phone's index: how to move the phone's entries into it, and whether it still lists a verification as open. */
interface EarlierLayout {
  moveInto(phone: string): Promise<void>;
  listsOpen(phone: string, transactionId: string): Promise<boolean>;
}

async function takeEntries(phone: string): Promise<Record<string, string>> {
  const entries = await indexEntries(phone);
  const fields = Object.keys(entries).map((field) => `${phone}${field.slice(0, 1)}${field.slice(2)}`);
  if (fields.length > 0) await h.service.redis.hdel(phoneIndexKey(phone), ...fields);
  return entries;
}

const prefixOf = (phone: string) => new RedisKeys(h.namespace).phonePrefix(phone);

/** The release before the phone index: an `open` hash and one `m:<messageId>` key per text. */
const BEFORE_THE_INDEX: EarlierLayout = {
  async moveInto(phone) {
    const prefix = prefixOf(phone);
    for (const [field, value] of Object.entries(await takeEntries(phone))) {
      if (field.startsWith("o:")) await h.service.redis.hset(`${prefix}open`, field.slice(2), value);
      else await h.service.redis.set(`${prefix}${field}`, value, "EX", 172_800);
    }
  },
  async listsOpen(phone, transactionId) {
    return (await h.service.redis.hexists(`${prefixOf(phone)}open`, transactionId)) === 1;
  },
};

/** The release before the parts: a hash per phone, `<phone>:ix`. */
const HASH_PER_PHONE: EarlierLayout = {
  async moveInto(phone) {
    const ix = `${prefixOf(phone)}ix`;
    const now = await redisNowMs(h.service.redis);
    for (const [field, value] of Object.entries(await takeEntries(phone))) {
      await h.service.redis.hset(ix, field, field.startsWith("m:") ? `${value}|${now + TEXT_INDEX_MS}` : value);
    }
    await h.service.redis.pexpire(ix, TEXT_INDEX_MS);
  },
  async listsOpen(phone, transactionId) {
    return (await h.service.redis.hexists(`${prefixOf(phone)}ix`, `o:${transactionId}`)) === 1;
  },
};

describe("the phone's index", () => {
  it("keeps a phone's open verifications and the texts about them as entries of its part, and takes a decided one out", async () => {
    const phone = uniquePhone();
    const { transactionId, question } = await openVerification(phone);

    expect(await indexEntries(phone)).toEqual({
      [`o:${transactionId}`]: await referenceCodeOf(transactionId),
      [`m:${question.messageId}`]: transactionId,
    });
    // No key of the phone's own but its verification.
    expect((await phoneKeys(phone)).map((key) => key.slice(key.indexOf(`:${phone}:`) + phone.length + 2))).toEqual([`v:${transactionId}`]);

    await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: question.messageId });
    const event = await h.waitForDecision(transactionId);
    expect(event).toMatchObject({ decision: "APPROVED", reply: { correlatedBy: "previousPublishedMessageId" } });
    const confirmation = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === phone && m.messageId !== question.messageId);

    // Still indexed after the decision: a late reply to either text names this verification.
    const entries = await indexEntries(phone);
    expect(entries[`o:${transactionId}`]).toBeUndefined();
    expect(entries[`m:${question.messageId}`]).toBe(transactionId);
    await expect.poll(async () => (await indexEntries(phone))[`m:${confirmation.messageId}`]).toBe(transactionId);
    // A text's entry counts for two days (a day past the longest reply window), and the part lives that long.
    const now = await redisNowMs(h.service.redis);
    const ends = await textEntryEnd(phone, confirmation.messageId);
    expect(ends - now).toBeGreaterThan(TEXT_INDEX_MS - 60_000);
    expect(ends - now).toBeLessThanOrEqual(TEXT_INDEX_MS + 1_000);
    expect(await h.service.redis.pttl(phoneIndexKey(phone))).toBeGreaterThan(TEXT_INDEX_MS - 60_000);
  });

  it("drops an open entry whose verification is gone when the phone's next one is created, and counts an ended text for nothing", async () => {
    const phone = uniquePhone();
    const gone = await openVerification(phone);
    // Its question's entry as it will be two days on: ended. A reply naming it is then about nothing.
    await h.service.redis.hset(phoneIndexKey(phone), `${phone}m${gone.question.messageId}`, `${gone.transactionId}|${Date.now() - 1_000}`);
    // Never decided within its retention (no sweep ran): Redis expires the verification on its own.
    const goneKey = (await phoneKeys(phone)).find((key) => key.endsWith(`:v:${gone.transactionId}`)) ?? "";
    await runDownTtls(h.service.redis, [goneKey], await h.service.redis.pttl(goneKey));
    expect(await h.service.redis.exists(goneKey)).toBe(0);

    const next = await openVerification(phone);

    expect(await indexEntries(phone)).toEqual({
      [`o:${next.transactionId}`]: await referenceCodeOf(next.transactionId),
      [`m:${next.question.messageId}`]: next.transactionId,
    });
    expect(await h.service.redis.hexists(phoneIndexKey(phone), `${phone}o${gone.transactionId}`)).toBe(0);
    // A text about the open verification whose entry ended names nothing: the reply is matched by phone alone.
    const endedText = randomUUID();
    await h.service.redis.hset(phoneIndexKey(phone), `${phone}m${endedText}`, `${next.transactionId}|${Date.now() - 1_000}`);
    await reply({ originationNumber: phone, messageBody: "NO", previousPublishedMessageId: endedText });
    expect(await h.waitForDecision(next.transactionId)).toMatchObject({ decision: "DENIED", reply: { correlatedBy: "phoneNumber" } });
  });
});

describe.each([
  ["the layout before the phone index", BEFORE_THE_INDEX],
  ["the phone index as a hash per phone", HASH_PER_PHONE],
])("an upgrade from %s", (_name, layout) => {
  it("answers a reply to a verification opened before the upgrade, by its question's MessageId", async () => {
    const phone = uniquePhone();
    const { transactionId, question } = await openVerification(phone);
    await layout.moveInto(phone);
    expect(await indexEntries(phone)).toEqual({});
    expect(await layout.listsOpen(phone, transactionId)).toBe(true);

    await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: question.messageId });

    const event = await h.waitForDecision(transactionId);
    expect(event).toMatchObject({ decision: "APPROVED", reply: { correlatedBy: "previousPublishedMessageId" } });
    // Taken out of the earlier layout's open verifications too.
    expect(await layout.listsOpen(phone, transactionId)).toBe(false);
  });

  it("keeps a reference code of a verification opened before the upgrade from being given again, and reads its delivery events", async () => {
    const phone = uniquePhone();
    const before = await openVerification(phone);
    const codeBefore = await referenceCodeOf(before.transactionId);
    await layout.moveInto(phone);

    const after = await openVerification(phone);
    // Both open: the second question shows its reference code, which differs from the first's.
    const codeAfter = await referenceCodeOf(after.transactionId);
    expect(codeAfter).toMatch(/^\d{3}$/);
    expect(codeAfter).not.toBe(codeBefore);
    expect(after.question.messageBody).toContain(codeAfter);

    expect((await deliver(before.question, "TEXT_CARRIER_UNREACHABLE")).outcome).toBe("undeliverable");
    expect(await h.waitForDecision(before.transactionId)).toMatchObject({
      decision: "UNDELIVERABLE",
      undeliverableReason: "TEXT_CARRIER_UNREACHABLE",
    });
    expect(Object.keys(await indexEntries(phone))).toContain(`o:${after.transactionId}`);
  });
});
