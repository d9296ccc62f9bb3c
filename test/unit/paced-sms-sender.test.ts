import { describe, expect, it } from "vitest";
import { PacedSmsSender } from "../../src/adapters/sms-pacing/paced-sms-sender.ts";
import type { SendRateLimiter, TakeRequest, TakeResult } from "../../src/adapters/sms-pacing/send-rate-limiter.ts";
import { sendRank } from "../../src/domain/send-priority.ts";
import { NotSentInTimeError, TransientError } from "../../src/errors.ts";
import type { OutboundSms, SmsKind, SmsSender } from "../../src/ports.ts";

class ManualClock {
  nowMs = 1_800_000_000_000;
  now(): number {
    return this.nowMs;
  }
}

/**
 * Refuses (wait 1 ms) until opened, then grants every call; records what it was asked. Its answer
 * is decided when it is asked, so texts queued in the same tick all wait for the next attempt.
 */
class GateLimiter implements SendRateLimiter {
  readonly requests: TakeRequest[] = [];
  leaves = 0;
  open = false;
  failNext: Error | undefined;
  async take(request: TakeRequest): Promise<TakeResult> {
    this.requests.push(request);
    const failure = this.failNext;
    this.failNext = undefined;
    const result: TakeResult = this.open ? { kind: "granted", delayMs: 0, at: 0 } : { kind: "wait", waitMs: 1 };
    await Promise.resolve();
    if (failure) throw failure;
    return result;
  }
  async leave(): Promise<void> {
    this.leaves += 1;
    await Promise.resolve();
  }
}

class RecordingSender implements SmsSender {
  readonly sent: OutboundSms[] = [];
  async send(sms: OutboundSms): Promise<string> {
    this.sent.push(sms);
    await Promise.resolve();
    return `msg-${sms.transactionId}`;
  }
}

function sms(kind: SmsKind, transactionId: string, extra: Partial<OutboundSms> = {}): OutboundSms {
  return { kind, transactionId, destinationPhoneNumber: "+14255550100", body: "Your bank: reply YES or NO", ...extra };
}

function setUp() {
  const clock = new ManualClock();
  const limiter = new GateLimiter();
  const inner = new RecordingSender();
  const paced = new PacedSmsSender(inner, limiter, clock);
  return { clock, limiter, inner, paced };
}

describe("paced SMS sender", () => {
  it("sends questions first by deadline, then texts owed to a reply, then confirmations and late texts", async () => {
    const { clock, limiter, inner, paced } = setUp();
    const now = clock.now();
    // Queued in this order while no slot is free.
    const queued = [
      sms("confirmation", "confirm-1"),
      sms("late", "late-1"),
      sms("help", "help-1"),
      sms("question", "question-later", { deadline: now + 30_000 }),
      sms("reprompt", "reprompt-1"),
      sms("question", "question-sooner", { deadline: now + 10_000 }),
      sms("choose", "choose-1"),
      sms("opt_in", "opt-in-1"),
      sms("confirmation", "confirm-2"),
    ];
    const sent = queued.map((text) => paced.send(text));
    limiter.open = true;
    await Promise.all(sent);

    expect(inner.sent.map((text) => text.transactionId)).toEqual([
      "question-sooner",
      "question-later",
      "help-1",
      "reprompt-1",
      "choose-1",
      "opt-in-1",
      "confirm-1",
      "late-1",
      "confirm-2",
    ]);
    expect(paced.waiting).toBe(0);
  });

  it("asks the limiter for the head's parts and rank, and says what is left waiting", async () => {
    const { clock, limiter, paced } = setUp();
    const deadline = clock.now() + 60_000;
    const long = "Your bank: ".padEnd(200, "x");
    const sent = [paced.send(sms("confirmation", "c", { body: long })), paced.send(sms("question", "q", { deadline }))];
    limiter.open = true;
    await Promise.all(sent);

    const granted = limiter.requests.slice(-2);
    expect(granted).toEqual([
      { parts: 1, rank: sendRank("question", deadline), nextRank: sendRank("confirmation", undefined) },
      { parts: 2, rank: sendRank("confirmation", undefined), nextRank: null },
    ]);
    expect(sendRank("question", deadline)).toBeLessThan(sendRank("help", undefined));
    expect(sendRank("help", undefined)).toBeLessThan(sendRank("late", undefined));
  });

  it("drops a question whose deadline comes while it waits, without sending it", async () => {
    const { clock, limiter, inner, paced } = setUp();
    const question = paced.send(sms("question", "q-late", { deadline: clock.now() + 5_000 }));
    const confirmation = paced.send(sms("confirmation", "c-1"));
    clock.nowMs += 5_000;
    await expect(question).rejects.toBeInstanceOf(NotSentInTimeError);
    limiter.open = true;
    await confirmation;
    expect(inner.sent.map((text) => text.transactionId)).toEqual(["c-1"]);
  });

  it("refuses at once a question already past its deadline", async () => {
    const { clock, inner, paced } = setUp();
    await expect(paced.send(sms("question", "q", { deadline: clock.now() }))).rejects.toBeInstanceOf(NotSentInTimeError);
    expect(inner.sent).toHaveLength(0);
  });

  it("drops a text whose signal aborts while it waits, with the signal's reason", async () => {
    const { limiter, inner, paced } = setUp();
    const controller = new AbortController();
    const waiting = paced.send(sms("confirmation", "c-aborted", { signal: controller.signal }));
    const other = paced.send(sms("confirmation", "c-kept"));
    controller.abort(new DOMException("the lease ran out", "TimeoutError"));
    await expect(waiting).rejects.toMatchObject({ name: "TimeoutError" });
    limiter.open = true;
    await other;
    expect(inner.sent.map((text) => text.transactionId)).toEqual(["c-kept"]);
  });

  it("sends a question with what is left of its window as TimeToLive", async () => {
    const { clock, limiter, inner, paced } = setUp();
    const sent = paced.send(sms("question", "q", { deadline: clock.now() + 100_000, timeToLiveSeconds: 100 }));
    clock.nowMs += 40_000;
    limiter.open = true;
    await sent;
    expect(inner.sent[0]?.timeToLiveSeconds).toBe(60);
  });

  it("fails only the head when the limiter fails, and goes on with the rest", async () => {
    const { limiter, inner, paced } = setUp();
    limiter.failNext = new Error("redis is away");
    limiter.open = true;
    const first = paced.send(sms("help", "h-1"));
    const second = paced.send(sms("help", "h-2"));
    await expect(first).rejects.toThrow("redis is away");
    await second;
    expect(inner.sent.map((text) => text.transactionId)).toEqual(["h-2"]);
  });

  it("hands back what still waits when closed, and leaves the registry", async () => {
    const { limiter, inner, paced } = setUp();
    const waiting = paced.send(sms("confirmation", "c"));
    await paced.close();
    await expect(waiting).rejects.toBeInstanceOf(TransientError);
    await expect(paced.send(sms("help", "h"))).rejects.toBeInstanceOf(TransientError);
    expect(inner.sent).toHaveLength(0);
    expect(limiter.leaves).toBeGreaterThan(0);
  });
});
