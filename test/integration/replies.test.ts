import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { conversation } from "../support/conversation.ts";
import { inboundSms, startHarness, uniquePhone, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const { openVerification, reply, textAfter: smsAfter } = conversation(() => h);

describe("replies", () => {
  it("denies on NO and sends a confirmation saying what happens next", async () => {
    const { phone, question, transactionId } = await openVerification();
    await reply({ originationNumber: phone, messageBody: "no.", previousPublishedMessageId: question.messageId });
    const event = await h.waitForDecision(transactionId);
    expect(event).toMatchObject({ decision: "DENIED", reply: { answer: "NO", correlatedBy: "previousPublishedMessageId" } });
    const confirmation = await smsAfter(phone, question);
    expect(confirmation.messageBody).toMatch(/declined/i);
  });

  it("decides from an SNS envelope delivery and from a RawMessageDelivery subscription", async () => {
    const enveloped = await openVerification();
    await h.publishToTopic(
      TOPICS.inbound,
      JSON.stringify(inboundSms({ originationNumber: enveloped.phone, previousPublishedMessageId: enveloped.question.messageId })),
    );
    expect((await h.waitForDecision(enveloped.transactionId)).decision).toBe("APPROVED");

    const raw = await openVerification();
    await h.publishToTopic(
      TOPICS.inboundRaw,
      JSON.stringify(inboundSms({ originationNumber: raw.phone, messageBody: "NON", previousPublishedMessageId: raw.question.messageId })),
    );
    expect((await h.waitForDecision(raw.transactionId)).decision).toBe("DENIED");
  });

  it("tolerates an envelope without Subject and MessageAttributes", async () => {
    const { phone, transactionId } = await openVerification();
    const envelope = {
      Type: "Notification",
      MessageId: randomUUID(),
      TopicArn: h.aws.topicArn(TOPICS.inbound),
      Message: JSON.stringify(inboundSms({ originationNumber: phone, messageBody: "Oui" })),
      Timestamp: new Date().toISOString(),
    };
    await h.sendToQueue(QUEUES.inbound, JSON.stringify(envelope));
    expect((await h.waitForDecision(transactionId)).decision).toBe("APPROVED");
  });

  it("correlates by phone number when previousPublishedMessageId is missing", async () => {
    const { phone, transactionId } = await openVerification();
    const payload = inboundSms({ originationNumber: phone, messageBody: "yes 👍" });
    delete payload.previousPublishedMessageId;
    // The emulator refuses raw astral-plane characters in SQS bodies; JSON escapes carry the emoji.
    const asciiJson = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    await h.sendToQueue(QUEUES.inbound, asciiJson);
    const event = await h.waitForDecision(transactionId);
    expect(event.reply).toMatchObject({ answer: "YES", correlatedBy: "phoneNumber" });
  });

  it("asks which one when two are open and the reply has no code, then decides by reference code", async () => {
    const phone = uniquePhone();
    const first = await openVerification({ phoneNumber: phone, merchant: "FIRST SHOP" });
    const second = await openVerification({ phoneNumber: phone, merchant: "SECOND SHOP" });
    const code = /YES (\d{3})/.exec(second.question.messageBody)?.[1];
    expect(code).toMatch(/^\d{3}$/);

    const handled = await reply({ originationNumber: phone, messageBody: "yes" });
    expect(handled.outcome).toBe("ambiguous");
    const list = await smsAfter(phone, second.question);
    expect(list.messageBody).toContain("FIRST SHOP");
    expect(list.messageBody).toContain("SECOND SHOP");
    expect(list.messageBody).toContain(code);

    await reply({ originationNumber: phone, messageBody: `No ${code}` });
    const event = await h.waitForDecision(second.transactionId);
    expect(event).toMatchObject({ decision: "DENIED", reply: { correlatedBy: "referenceCode" } });
    expect(h.decisionsFor(first.transactionId)).toHaveLength(0);
  });

  it("decides nothing for a reply from another number, even one naming the verification's message", async () => {
    const { question, transactionId } = await openVerification();
    const handled = await reply({ originationNumber: uniquePhone(), previousPublishedMessageId: question.messageId });
    expect(handled.outcome).toBe("no_verification");
    expect(h.decisionsFor(transactionId)).toHaveLength(0);
  });

  it("decides nothing for a reply addressed to another of our numbers", async () => {
    const { phone, question, transactionId } = await openVerification();
    const handled = await reply({ originationNumber: phone, destinationNumber: "+18885550199", previousPublishedMessageId: question.messageId });
    expect(handled.outcome).toBe("wrong_destination");
    expect(h.decisionsFor(transactionId)).toHaveLength(0);
  });

  it("yields one decision when the same inbound message is delivered twice", async () => {
    const { phone, question, transactionId } = await openVerification();
    const payload = JSON.stringify(inboundSms({ originationNumber: phone, previousPublishedMessageId: question.messageId }));
    const ids = await Promise.all([h.sendToQueue(QUEUES.inbound, payload), h.sendToQueue(QUEUES.inbound, payload)]);
    const outcomes = await Promise.all(ids.map((id) => h.waitForHandled((m) => m.messageId === id && m.acknowledged)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["decided", "duplicate"]);
    expect(h.decisionsFor(transactionId)).toHaveLength(1);
  });

  it("answers HELP without deciding, and a reply to the HELP text correlates to the verification", async () => {
    const { phone, question, transactionId } = await openVerification();
    const handled = await reply({ originationNumber: phone, messageBody: "help", previousPublishedMessageId: question.messageId });
    expect(handled.outcome).toBe("help");
    const help = await smsAfter(phone, question);
    expect(help.messageBody).toMatch(/YES/);
    expect(h.decisionsFor(transactionId)).toHaveLength(0);
    await reply({ originationNumber: phone, messageBody: "Y", previousPublishedMessageId: help.messageId });
    expect((await h.waitForDecision(transactionId)).reply?.correlatedBy).toBe("previousPublishedMessageId");
  });

  it("re-prompts an unclear reply at most twice", async () => {
    const { phone, question, transactionId } = await openVerification();
    const outcomes = [];
    for (const body of ["maybe?", "what is this", "hmm"]) {
      outcomes.push((await reply({ originationNumber: phone, messageBody: body, previousPublishedMessageId: question.messageId })).outcome);
    }
    expect(outcomes).toEqual(["reprompt", "reprompt", "ignored_unknown"]);
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone)).toHaveLength(3);
    expect(h.decisionsFor(transactionId)).toHaveLength(0);
  });

  it("tells a late reply once that the verification was already handled", async () => {
    const { phone, question, transactionId } = await openVerification();
    await reply({ originationNumber: phone, previousPublishedMessageId: question.messageId });
    await h.waitForDecision(transactionId);
    await smsAfter(phone, question);
    const sentBefore = h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone).length;
    const late = await reply({ originationNumber: phone, messageBody: "NO", previousPublishedMessageId: question.messageId });
    const later = await reply({ originationNumber: phone, messageBody: "NO" });
    expect([late.outcome, later.outcome]).toEqual(["late", "ignored_late"]);
    const sent = h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone);
    expect(sent).toHaveLength(sentBefore + 1);
    expect(sent.at(-1)?.messageBody).toMatch(/already/i);
    expect(h.decisionsFor(transactionId)).toHaveLength(1);
  });

  it("sends nothing for a reply with nothing open and nothing recent", async () => {
    const phone = uniquePhone();
    const handled = await reply({ originationNumber: phone });
    expect(handled.outcome).toBe("no_verification");
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone)).toHaveLength(0);
  });

  it("STOP decides every open verification OPTED_OUT, texts nothing, and START lifts it", async () => {
    const phone = uniquePhone();
    const first = await openVerification({ phoneNumber: phone });
    const second = await openVerification({ phoneNumber: phone });
    const sentBefore = h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone).length;
    await reply({ originationNumber: phone, messageBody: "Stop", previousPublishedMessageId: second.question.messageId });
    const [a, b] = await Promise.all([h.waitForDecision(first.transactionId), h.waitForDecision(second.transactionId)]);
    expect(a).toMatchObject({ decision: "OPTED_OUT", reply: { answer: "STOP", correlatedBy: "phoneNumber" } });
    expect(b).toMatchObject({ decision: "OPTED_OUT", reply: { answer: "STOP", correlatedBy: "previousPublishedMessageId" } });
    expect(a.eventId).not.toBe(b.eventId);
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone)).toHaveLength(sentBefore);

    const ignored = await reply({ originationNumber: phone, messageBody: "yes" });
    expect(ignored.outcome).toBe("ignored_opted_out");
    expect(h.sandbox.sent.filter((m) => m.destinationPhoneNumber === phone)).toHaveLength(sentBefore);

    const optedIn = await reply({ originationNumber: phone, messageBody: "START" });
    expect(optedIn.outcome).toBe("opted_in");
    const confirmation = await h.sandbox.waitForSms((m) => m.destinationPhoneNumber === phone && /START|again|back/i.test(m.messageBody) && m.at >= second.question.at && m.messageId !== second.question.messageId);
    expect(confirmation).toBeDefined();
    const after = await openVerification({ phoneNumber: phone });
    expect(after.question.messageBody).toContain("Reply YES");
  });
});
