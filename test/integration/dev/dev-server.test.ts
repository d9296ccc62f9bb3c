import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageDelivery, PageSnapshot } from "../../../dev/dev-feed.ts";
import { startLocalSystem, type LocalSystem } from "../../../dev/local-system.ts";
import { publishedDecisionEvent } from "../../support/decision-event-contract.ts";

let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({ port: 0, logLevel: "silent" });
});

afterAll(async () => {
  await system?.stop();
});

function post(path: string, body: unknown, contentType = "application/json"): Promise<Response> {
  return fetch(new URL(path, system.url), { method: "POST", headers: { "content-type": contentType }, body: JSON.stringify(body) });
}

const validRequest = { phoneNumber: "+14255550161", amount: "42.00", currency: "USD", merchant: "BOOK NOOK", cardLast4: "4242" };

/** Reads the event stream until `until` holds for the text received so far. */
async function readEvents(until: (text: string) => boolean, action: () => Promise<unknown>): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(new URL("api/events", system.url), { signal: controller.signal });
  expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  await action();
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before the expected events:\n${text}`);
    text += value;
  }
  controller.abort();
  return text;
}

describe("the dev page's API", () => {
  it("queues a request and streams the SMS, the reply, the pending list and the decision as they happen", async () => {
    let transactionId = "";
    const phone = "+14255550162";
    const stream = await readEvents(
      (text) => text.includes('"decision":"DENIED"'),
      async () => {
        const accepted = await post("api/verifications", { ...validRequest, phoneNumber: phone });
        expect(accepted.status).toBe(202);
        ({ transactionId } = (await accepted.json()) as { transactionId: string });
        await system.handled.waitFor((h) => h.transactionId === transactionId, 10_000);
        const replied = await post("api/handset-messages", { from: phone, body: "no" });
        expect(replied.status).toBe(202);
        expect(await replied.json()).toMatchObject({ direction: "in", handset: phone, payload: { messageBody: "no" } });
      },
    );

    expect(stream).toMatch(new RegExp(`event: message\\ndata: \\{"direction":"out"[^\\n]*"transactionId":"${transactionId}"`));
    expect(stream).toMatch(/event: message\ndata: \{"direction":"in"[^\n]*"messageBody":"no"/);
    expect(stream).toMatch(new RegExp(`event: pending\\ndata: \\[[^\\n]*"transactionId":"${transactionId}"[^\\n]*"state":"OPEN"`));
    expect(stream).toMatch(new RegExp(`event: decision\\ndata: [^\\n]*"transactionId":"${transactionId}"`));

    const [question] = system.sandbox.sent.filter((sms) => sms.destinationPhoneNumber === phone);
    await system.sandbox.waitForSms((sms) => sms.destinationPhoneNumber === phone && sms.messageId !== question?.messageId);
    const snapshot = (await (await fetch(new URL("api/snapshot", system.url))).json()) as PageSnapshot;
    expect(snapshot.decisions.find((d) => d.event.transactionId === transactionId)).toMatchObject({
      event: { decision: "DENIED", reply: { answer: "NO" } },
      attributes: { eventType: "verification.decided", decision: "DENIED" },
    });
    for (const received of snapshot.decisions) publishedDecisionEvent(received.event, received.attributes);
    expect(snapshot.messages.filter((m) => m.handset === phone).map((m) => m.direction)).toEqual(["out", "in", "out"]);
    expect(snapshot.pending.map((p) => p.transactionId)).not.toContain(transactionId);
    expect(snapshot.queues.map((q) => q.name)).toContain("verification-decisions-consumer-dlq");
  });

  it("switches a handset's carrier to blocked: the stream carries its text's delivery events and the UNDELIVERABLE decision", async () => {
    let transactionId = "";
    const phone = "+14255550163";
    const stream = await readEvents(
      (text) => transactionId !== "" && new RegExp(`event: decision\\ndata: [^\\n]*"transactionId":"${transactionId}"`).test(text),
      async () => {
        const switched = await post("api/handset-reachability", { handset: "+1 (425) 555-0163", reachability: "blocked" });
        expect(switched.status).toBe(200);
        expect(await switched.json()).toEqual({ handset: phone, reachability: "blocked" });
        const accepted = await post("api/verifications", { ...validRequest, phoneNumber: phone });
        ({ transactionId } = (await accepted.json()) as { transactionId: string });
      },
    );

    const question = system.sandbox.sent.find((sms) => sms.context?.["transactionId"] === transactionId);
    expect(question).toBeDefined();
    expect(stream).toMatch(new RegExp(`event: status\\ndata: [^\\n]*"notReachable":\\{"\\${phone}":"blocked"\\}`));
    const deliveries = [...stream.matchAll(/event: delivery\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1] ?? "") as PageDelivery);
    expect(deliveries.filter((d) => d.messageId === question?.messageId)).toEqual([
      expect.objectContaining({ handset: phone, eventType: "TEXT_QUEUED", status: "PENDING", isFinal: false }),
      expect.objectContaining({ handset: phone, eventType: "TEXT_BLOCKED", status: "FAILED", isFinal: true }),
    ]);

    const snapshot = (await (await fetch(new URL("api/snapshot", system.url))).json()) as PageSnapshot;
    expect(snapshot.notReachable).toEqual({ [phone]: "blocked" });
    expect(snapshot.messages.find((m) => m.id === question?.messageId)).toMatchObject({ direction: "out", delivery: { eventType: "TEXT_BLOCKED", status: "FAILED" } });
    expect(snapshot.decisions.find((d) => d.event.transactionId === transactionId)?.event).toMatchObject({
      decision: "UNDELIVERABLE",
      undeliverableReason: "TEXT_BLOCKED",
      delivery: { status: "FAILED" },
    });

    const back = await post("api/handset-reachability", { handset: phone, reachability: "reachable" });
    expect(back.status).toBe(200);
    expect(system.sandbox.handsetReachability(phone)).toBe("reachable");
    const after = (await (await fetch(new URL("api/snapshot", system.url))).json()) as PageSnapshot;
    expect(after.notReachable).toEqual({});
  });

  it("refuses a carrier switch for a number that is not E.164 or to a state the sandbox does not have", async () => {
    const badNumber = await post("api/handset-reachability", { handset: "12345", reachability: "blocked" });
    expect(badNumber.status).toBe(400);
    expect(await badNumber.json()).toEqual({ error: "handset must be an E.164 phone number" });
    const badState = await post("api/handset-reachability", { handset: "+14255550164", reachability: "offline" });
    expect(badState.status).toBe(400);
    expect(await badState.json()).toEqual({ error: "reachability must be one of reachable, unreachable, blocked" });
    expect(system.sandbox.handsetsNotReachable().has("+14255550164")).toBe(false);
  });

  it("refuses a request the service would dead-letter, naming the field", async () => {
    const response = await post("api/verifications", { ...validRequest, cardLast4: "42x" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^cardLast4: /) as string });
  });

  it("refuses a handset message no handset could send", async () => {
    const response = await post("api/handset-messages", { from: "12345", body: "YES" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "from must be an E.164 phone number" });
  });

  it("takes JSON only, so a cross-site form cannot post to it", async () => {
    const response = await post("api/verifications", validRequest, "text/plain");
    expect(response.status).toBe(415);
  });

  it("answers only to loopback host names (no DNS rebinding)", async () => {
    const url = new URL(system.url);
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: "/api/snapshot", headers: { host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it("serves the page's own files and nothing else", async () => {
    const script = await fetch(new URL("app.js", system.url));
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const path of ["package.json", "..%2Fdev-server.ts", "%2e%2e/dev-server.ts", "dev-server.ts"]) {
      expect((await fetch(new URL(path, system.url))).status, path).toBe(404);
    }
  });
});
