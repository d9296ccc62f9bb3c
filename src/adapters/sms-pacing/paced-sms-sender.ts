import { sendRank } from "../../domain/send-priority.ts";
import { countSegments } from "../../domain/sms-segments.ts";
import { NotSentInTimeError, TransientError } from "../../errors.ts";
import type { Clock, OutboundSms, SmsSender } from "../../ports.ts";
import type { SendRateLimiter } from "./send-rate-limiter.ts";

/** The least TimeToLive SendTextMessage takes. */
const MIN_TIME_TO_LIVE_SECONDS = 5;
/** The limiter asks for a call at least this often anyway; a bound for timers. */
const MAX_SLEEP_MS = 60_000;

interface Waiting {
  sms: OutboundSms;
  parts: number;
  rank: number;
  /** Arrival order: equal ranks go first come, first served. */
  seq: number;
  settled: boolean;
  resolve: (messageId: string) => void;
  reject: (error: unknown) => void;
  detach: () => void;
}

/**
 * Sends through `inner` no faster than the shared send rate allows, most urgent first (see
 * domain/send-priority.ts): each worker keeps its waiting texts in order and takes one slot at a
 * time from the limiter, which every worker shares. A question whose deadline comes before its turn
 * is dropped with NotSentInTimeError; a text whose signal aborts while it waits is dropped with the
 * signal's reason. Neither reached the provider. Throttling that still happens is the inner
 * sender's to retry (the SDK's backoff), as without pacing.
 */
export class PacedSmsSender implements SmsSender {
  readonly #inner: SmsSender;
  readonly #limiter: SendRateLimiter;
  readonly #clock: Clock;
  /** Sorted by (rank, seq): the head goes next. Short (a worker's in-flight messages), so an array. */
  readonly #queue: Waiting[] = [];
  #seq = 0;
  #pumping = false;
  #closed = false;
  /** The limiter's registry holds an entry of this worker's (it waits, or has more after a grant). */
  #registered = false;
  #wakeUp: (() => void) | undefined;

  constructor(inner: SmsSender, limiter: SendRateLimiter, clock: Clock) {
    this.#inner = inner;
    this.#limiter = limiter;
    this.#clock = clock;
  }

  /** Texts waiting for their turn in this worker. */
  get waiting(): number {
    return this.#queue.length;
  }

  send(sms: OutboundSms): Promise<string> {
    if (this.#closed) return Promise.reject(new TransientError("the service is stopping; the SMS was not sent"));
    if (sms.signal?.aborted) return Promise.reject(abortError(sms.signal));
    if (this.#isLate(sms)) return Promise.reject(notSentInTime());
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => this.#settle(item, { error: sms.signal ? abortError(sms.signal) : new Error("aborted") });
      const item: Waiting = {
        sms,
        parts: countSegments(sms.body).segments,
        rank: sendRank(sms.kind, sms.deadline),
        seq: this.#seq++,
        settled: false,
        resolve,
        reject,
        detach: () => sms.signal?.removeEventListener("abort", onAbort),
      };
      sms.signal?.addEventListener("abort", onAbort, { once: true });
      this.#insert(item);
      if (this.#queue[0] === item) this.#wakeUp?.();
      void this.#pump();
    });
  }

  /** Refuses what still waits (its callers treat it as not sent) and stops asking for slots. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const item of [...this.#queue]) {
      this.#settle(item, { error: new TransientError("the service is stopping; the SMS was not sent") });
    }
    this.#wakeUp?.();
    await this.#limiter.leave().catch(() => undefined);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#closed) {
        this.#dropLate();
        const top = this.#queue[0];
        if (!top) {
          // Texts dropped while waiting leave this worker's entry in the registry: take it out.
          if (this.#registered) {
            this.#registered = false;
            await this.#limiter.leave().catch(() => undefined);
          }
          if (this.#queue.length === 0) return;
          continue;
        }
        const nextRank = this.#queue[1]?.rank ?? null;
        let result;
        try {
          result = await this.#limiter.take({ parts: top.parts, rank: top.rank, nextRank });
        } catch (error) {
          // The limiter (Redis) failed: this text is not sent, and its caller's retry covers it.
          this.#settle(top, { error });
          continue;
        }
        this.#registered = result.kind !== "granted" || nextRank !== null;
        if (result.kind === "granted") {
          // A slot for `top`'s parts. A text queued meanwhile ahead of it is more urgent: it takes
          // the slot when its parts fit, else `top` does (when it still waits).
          const head = this.#queue[0];
          const taker = head && head.parts <= top.parts ? head : top.settled ? undefined : top;
          if (taker) this.#dispatch(taker, result.delayMs);
          continue;
        }
        await this.#sleep(Math.min(result.waitMs, this.#untilDeadline(top)));
      }
    } finally {
      this.#pumping = false;
    }
  }

  #dispatch(item: Waiting, delayMs: number): void {
    this.#remove(item);
    const go = () => {
      if (item.settled) return;
      if (this.#isLate(item.sms)) {
        this.#settle(item, { error: notSentInTime() });
        return;
      }
      item.settled = true;
      item.detach();
      this.#inner.send(this.#withFreshTimeToLive(item.sms)).then(item.resolve, item.reject);
    };
    if (delayMs < 1) go();
    else setTimeout(go, delayMs);
  }

  /** A question's TimeToLive was counted when it was queued: what is left of its window now. */
  #withFreshTimeToLive(sms: OutboundSms): OutboundSms {
    if (sms.deadline === undefined || sms.timeToLiveSeconds === undefined) return sms;
    const secondsLeft = Math.floor((sms.deadline - this.#clock.now()) / 1000);
    return { ...sms, timeToLiveSeconds: Math.min(sms.timeToLiveSeconds, Math.max(MIN_TIME_TO_LIVE_SECONDS, secondsLeft)) };
  }

  #isLate(sms: OutboundSms): boolean {
    return sms.deadline !== undefined && sms.deadline <= this.#clock.now();
  }

  #dropLate(): void {
    for (const item of [...this.#queue]) if (this.#isLate(item.sms)) this.#settle(item, { error: notSentInTime() });
  }

  #untilDeadline(item: Waiting): number {
    return item.sms.deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, item.sms.deadline - this.#clock.now());
  }

  #settle(item: Waiting, outcome: { error: unknown }): void {
    if (item.settled) return;
    item.settled = true;
    item.detach();
    this.#remove(item);
    item.reject(outcome.error);
  }

  #insert(item: Waiting): void {
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.#queue[middle] as Waiting;
      if (other.rank < item.rank || (other.rank === item.rank && other.seq < item.seq)) low = middle + 1;
      else high = middle;
    }
    this.#queue.splice(low, 0, item);
  }

  #remove(item: Waiting): void {
    const index = this.#queue.indexOf(item);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  /** Waits `ms`, or less when a more urgent text arrives or the sender closes (one pump, one sleeper). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, MAX_SLEEP_MS));
      this.#wakeUp = done;
    });
  }
}

/** The signal's own reason (a TimeoutError or AbortError), as the SDK would reject with it. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error("the send was aborted");
}

function notSentInTime(): NotSentInTimeError {
  return new NotSentInTimeError("the question's deadline came before its turn to be sent");
}
