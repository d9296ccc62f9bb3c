import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, TOPICS } from "../support/aws-environment.ts";
import { inboundSms, startHarness, uniquePhone, verificationRequest, type Harness } from "../support/service-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const phones: string[] = [];
const replyTexts: string[] = [];

async function open(overrides: Record<string, unknown> = {}) {
  const request = verificationRequest(overrides);
  phones.push(String(request.phoneNumber));
  await h.sendToQueue(QUEUES.requests, JSON.stringify(request));
  const question = await h.sandbox.waitForSms((m) => m.context?.transactionId === request.transactionId);
  return { request, question, transactionId: String(request.transactionId), phone: String(request.phoneNumber) };
}

async function reply(phone: string, text: string, extra: Record<string, unknown> = {}) {
  replyTexts.push(text);
  const id = await h.sendToQueue(QUEUES.inbound, JSON.stringify(inboundSms({ originationNumber: phone, messageBody: text, ...extra })));
  return h.waitForHandled((m) => m.messageId === id && m.acknowledged);
}

describe("privacy across a full scenario", () => {
  it("no log line, metric or event carries a full phone number or a reply's text", async () => {
    const approved = await open();
    await reply(approved.phone, "zebra help me please", { previousPublishedMessageId: approved.question.messageId });
    await reply(approved.phone, "HELP quokka");
    await reply(approved.phone, "yes it was me, narwhal", { previousPublishedMessageId: approved.question.messageId });
    await reply(approved.phone, "no wait axolotl");

    const phone = uniquePhone();
    const first = await open({ phoneNumber: phone });
    await open({ phoneNumber: phone });
    await reply(phone, "yes platypus");
    await reply(phone, "STOP sending pangolin");

    const stranger = uniquePhone();
    phones.push(stranger);
    await reply(stranger, "yes capybara", { previousPublishedMessageId: first.question.messageId });

    const expiring = await open({ expiresInSeconds: 30 });
    h.clock.advance(31_000);
    await h.waitForDecision(expiring.transactionId);

    const poisonPhone = "+14255550199";
    phones.push(poisonPhone);
    const poisonId = await h.sendToQueue(QUEUES.requests, JSON.stringify(verificationRequest({ phoneNumber: poisonPhone, amountMinor: -5 })));
    await h.waitForHandled((m) => m.messageId === poisonId);
    await h.publishToTopic(TOPICS.inbound, JSON.stringify({ ...inboundSms({ originationNumber: poisonPhone }), messageBody: 42 }));
    await h.waitForHandled((m) => m.queue === "inbound" && m.outcome === "rejected:invalid_message");

    const metrics = await (await fetch(`http://127.0.0.1:${h.service.opsPort}/metrics`)).text();
    const events = h.aws.server.spy
      .getAllMessages()
      .filter((m) => m.service === "sns" && m.topicName === TOPICS.decisions)
      .map((m) => (m as { body: string }).body);
    const surfaces = { logs: h.logLines.join("\n"), metrics, events: events.join("\n") };

    expect(h.logLines.length).toBeGreaterThan(12);
    expect(events.length).toBeGreaterThan(3);
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const number of phones) {
        expect(text, `${surface} shows ${number}`).not.toContain(number);
        expect(text, `${surface} shows ${number}'s digits`).not.toContain(number.slice(2));
      }
      for (const words of replyTexts) {
        const distinctive = words.split(" ").at(-1) ?? words;
        expect(text, `${surface} shows reply text`).not.toContain(distinctive);
      }
      expect(text).not.toMatch(/\+\d{8,15}/);
    }
  });
});
