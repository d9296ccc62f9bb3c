/**
 * In-memory stand-ins for the outside world of the use cases: a clock the test moves, an SMS
 * provider that records every attempt and refuses numbers it has on its own opt-out list, and a topic
 * that records every delivered event and can be told to fail.
 */
import type { BackgroundTasks } from "../../src/app/background-tasks.ts";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";
import { DestinationRefusedError } from "../../src/errors.ts";
import type { Clock, DecisionPublisher, OutboundSms, SmsKind, SmsSender } from "../../src/ports.ts";

export class FakeClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(at: number): void {
    if (at < this.#now) throw new Error("the clock never goes back");
    this.#now = at;
  }
}

export interface SmsAttempt extends OutboundSms {
  /** Position in the whole run, from 0. */
  seq: number;
  at: number;
  /** sent; refused for good (DestinationRefusedError); failed for now (throttled beyond the SDK's retries). */
  result: "sent" | "refused" | "failed";
  /** null unless sent. */
  messageId: string | null;
}

export class FakeSms implements SmsSender {
  readonly attempts: SmsAttempt[] = [];
  /** Numbers the provider itself refuses (its opt-out list, or numbers that cannot take SMS). */
  readonly refusing = new Set<string>();
  /** The next attempt of each of these kinds fails with a transient error. */
  readonly failNext = new Set<SmsKind>();
  faults = 0;
  readonly #clock: Clock;
  #nextId = 1;
  #duringQuestion: { transactionId: string; run: () => Promise<void> } | null = null;
  /** Runs once the next question is accepted, before the service hears its MessageId. */
  #afterNextQuestion: ((accepted: SmsAttempt) => Promise<void>) | null = null;
  /** Kinds whose next attempt hangs at the provider until releaseHung(). */
  readonly #hangNext = new Set<SmsKind>();
  readonly #hung: Array<() => void> = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `run` while the question SMS of `transactionId` is on its way (after the call, before it lands). */
  interleave(transactionId: string, run: () => Promise<void>): void {
    this.#duringQuestion = { transactionId, run };
  }

  clearInterleave(): void {
    this.#duringQuestion = null;
  }

  /** While a step's own work runs (set by the world): only then does an armed hang hold a send. */
  stepWorkRunning = false;

  /**
   * The next attempt of this kind made while a step's own work runs hangs at the provider until
   * releaseHung() (a slow provider); one made after that work returned cannot hold it back.
   */
  hangNext(kind: SmsKind): void {
    this.#hangNext.add(kind);
  }

  get hangArmed(): boolean {
    return this.#hangNext.size > 0 || this.#hung.length > 0;
  }

  get hanging(): number {
    return this.#hung.length;
  }

  releaseHung(): void {
    for (const release of this.#hung.splice(0)) release();
  }

  /** Runs `run` once the provider accepted the next question, before send() returns its MessageId. */
  afterNextQuestion(run: ((accepted: SmsAttempt) => Promise<void>) | null): void {
    this.#afterNextQuestion = run;
  }

  async send(sms: OutboundSms): Promise<string> {
    const attempt: SmsAttempt = { ...sms, seq: this.attempts.length, at: this.#clock.now(), result: "failed", messageId: null };
    this.attempts.push(attempt);
    if (this.stepWorkRunning && this.#hangNext.delete(sms.kind)) await new Promise<void>((resolve) => this.#hung.push(resolve));
    const during = this.#duringQuestion;
    if (during && sms.kind === "question" && sms.transactionId === during.transactionId) {
      this.#duringQuestion = null;
      await during.run();
    }
    if (this.failNext.delete(sms.kind)) {
      this.faults += 1;
      throw new Error(`injected fault: ${sms.kind} SMS throttled`);
    }
    if (this.refusing.has(sms.destinationPhoneNumber)) {
      attempt.result = "refused";
      throw new DestinationRefusedError("OPTED_OUT", "destination opted out (fake provider)");
    }
    attempt.result = "sent";
    attempt.messageId = `sms-${this.#nextId++}`;
    const after = this.#afterNextQuestion;
    if (after && sms.kind === "question") {
      this.#afterNextQuestion = null;
      await after(attempt);
    }
    return attempt.messageId;
  }
}

/** "before": the topic is down; "after": the topic took the event but the answer was lost. */
export type PublishFault = "before" | "after";

export class FakePublisher implements DecisionPublisher {
  readonly delivered: DecisionEvent[] = [];
  failNext: PublishFault | null = null;
  faults = 0;
  /** Runs while the next publish is on its way (a slow topic), before it lands. */
  during: (() => Promise<void>) | null = null;

  async publish(event: DecisionEvent): Promise<void> {
    await Promise.resolve();
    const during = this.during;
    this.during = null;
    if (during) await during();
    const fault = this.failNext;
    this.failNext = null;
    if (fault === "before") {
      this.faults += 1;
      throw new Error("injected fault: topic unavailable");
    }
    this.delivered.push(structuredClone(event));
    if (fault === "after") {
      this.faults += 1;
      throw new Error("injected fault: publish acknowledgement lost");
    }
  }
}

/** Background work, run at once and awaited by the test at the end of each step (deterministic). */
export class FakeBackground implements BackgroundTasks {
  readonly errors: unknown[] = [];
  #running: Array<Promise<void>> = [];

  run(name: string, task: () => Promise<void>): Promise<void> {
    this.tryRun(name, task);
    return Promise.resolve();
  }

  tryRun(_name: string, task: () => Promise<void>): boolean {
    this.#running.push(task().catch((error: unknown) => void this.errors.push(error)));
    return true;
  }

  async drain(): Promise<void> {
    while (this.#running.length > 0) {
      const batch = this.#running;
      this.#running = [];
      await Promise.all(batch);
    }
  }

  get size(): number {
    return this.#running.length;
  }
}
