/**
 * The phone's index (lua/include/phone-index.lua): one hash per phone holds its open verifications
 * and the texts sent about them. Entries of verifications that are gone are dropped, and the layout
 * of the release before it (an `open` hash and one `m:<messageId>` key per text) is still answered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SentSms } from "../../dev/sms-sandbox/sms-sandbox.ts";
import { QUEUES } from "../support/aws-environment.ts";
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

async function phoneIndexKey(phone: string): Promise<string> {
  const [key, ...more] = (await phoneKeys(phone)).filter((k) => k.endsWith(`:${phone}:ix`));
  if (!key || more.length > 0) throw new Error(`expected one phone index for ${phone}`);
  return key;
}

const TEXT_INDEX_MS = 2 * 86_400_000;

/** The index's entries, each text's value reduced to its transactionId (its end checked apart). */
async function indexEntries(phone: string): Promise<Record<string, string>> {
  const entries = await h.service.redis.hgetall(await phoneIndexKey(phone));
  return Object.fromEntries(Object.entries(entries).map(([field, value]) => [field, field.startsWith("m:") ? value.split("|")[0] ?? "" : value]));
}

/** When a text's entry ends (ms, Redis's clock). */
async function textEntryEnd(phone: string, messageId: string): Promise<number> {
  return Number((await h.service.redis.hget(await phoneIndexKey(phone), `m:${messageId}`))?.split("|")[1]);
}

/** Moves a phone's index entries into the keys the release before the phone index wrote. */
async function toLayoutBeforeTheIndex(phone: string): Promise<void> {
  const ix = await phoneIndexKey(phone);
  const prefix = ix.slice(0, -"ix".length);
  for (const [field, value] of Object.entries(await h.service.redis.hgetall(ix))) {
    if (field.startsWith("o:")) await h.service.redis.hset(`${prefix}open`, field.slice(2), value);
    else await h.service.redis.set(`${prefix}${field}`, value.split("|")[0] ?? "", "EX", 172_800);
    await h.service.redis.hdel(ix, field);
  }
}

describe("the phone's index", () => {
  it("keeps a phone's open verifications and the texts about them in one hash, and takes a decided one out", async () => {
    const phone = uniquePhone();
    const { transactionId, question } = await openVerification(phone);

    expect(await indexEntries(phone)).toEqual({
      [`o:${transactionId}`]: await referenceCodeOf(transactionId),
      [`m:${question.messageId}`]: transactionId,
    });
    expect((await phoneKeys(phone)).map((key) => key.slice(key.indexOf(`:${phone}:`) + phone.length + 2))).toEqual([
      "ix",
      `v:${transactionId}`,
    ]);

    await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: question.messageId });
    const event = await h.waitForDecision(transactionId);
    expect(event).toMatchObject({ decision: "APPROVED", reply: { correlatedBy: "previousPublishedMessageId" } });
    const confirmation = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === phone && m.messageId !== question.messageId);

    // Still indexed after the decision: a late reply to either text names this verification.
    const entries = await indexEntries(phone);
    expect(entries[`o:${transactionId}`]).toBeUndefined();
    expect(entries[`m:${question.messageId}`]).toBe(transactionId);
    await expect.poll(async () => (await indexEntries(phone))[`m:${confirmation.messageId}`]).toBe(transactionId);
    // A text's entry counts for two days (a day past the longest reply window), and the hash lives that long.
    const [redisSeconds = "0"] = await h.service.redis.time();
    const ends = await textEntryEnd(phone, confirmation.messageId);
    expect(ends - Number(redisSeconds) * 1000).toBeGreaterThan(TEXT_INDEX_MS - 60_000);
    expect(ends - Number(redisSeconds) * 1000).toBeLessThanOrEqual(TEXT_INDEX_MS + 1_000);
    expect(await h.service.redis.pttl(await phoneIndexKey(phone))).toBeGreaterThan(TEXT_INDEX_MS - 60_000);
  });

  it("drops an open entry whose verification is gone, and a text entry that ended, when the phone's next one is indexed", async () => {
    const phone = uniquePhone();
    const gone = await openVerification(phone);
    // Its question's entry as it will be two days on: ended.
    await h.service.redis.hset(await phoneIndexKey(phone), `m:${gone.question.messageId}`, `${gone.transactionId}|${Date.now() - 1}`);
    // Never decided within its retention (no sweep ran): Redis expires the verification on its own.
    const goneKey = (await phoneKeys(phone)).find((key) => key.endsWith(`:v:${gone.transactionId}`)) ?? "";
    await runDownTtls(h.service.redis, [goneKey], await h.service.redis.pttl(goneKey));
    expect(await h.service.redis.exists(goneKey)).toBe(0);

    const next = await openVerification(phone);

    expect(await indexEntries(phone)).toEqual({
      [`o:${next.transactionId}`]: await referenceCodeOf(next.transactionId),
      [`m:${next.question.messageId}`]: next.transactionId,
    });
  });
});

describe("an upgrade from the layout before the phone index", () => {
  it("answers a reply to a verification opened before the upgrade, by its question's MessageId", async () => {
    const phone = uniquePhone();
    const { transactionId, question } = await openVerification(phone);
    await toLayoutBeforeTheIndex(phone);
    expect((await phoneKeys(phone)).filter((key) => key.endsWith(":ix"))).toEqual([]);

    await reply({ originationNumber: phone, messageBody: "YES", previousPublishedMessageId: question.messageId });

    const event = await h.waitForDecision(transactionId);
    expect(event).toMatchObject({ decision: "APPROVED", reply: { correlatedBy: "previousPublishedMessageId" } });
    // Taken out of the earlier layout's open verifications too (its only one: the hash is gone).
    expect((await phoneKeys(phone)).filter((key) => key.endsWith(`:${phone}:open`))).toEqual([]);
  });

  it("keeps a reference code of a verification opened before the upgrade from being given again, and reads its delivery events", async () => {
    const phone = uniquePhone();
    const before = await openVerification(phone);
    const codeBefore = await referenceCodeOf(before.transactionId);
    await toLayoutBeforeTheIndex(phone);

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
