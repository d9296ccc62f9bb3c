import { countSegments } from "../../src/domain/sms-segments.ts";
import { AwsJsonError } from "./protocol.ts";

/**
 * The origination identity's send rate as a carrier enforces it: message parts per second, a token
 * bucket holding one second's worth (at least one part), so a burst never goes over the rate. A
 * message longer than the bucket is taken when the bucket is full and leaves it in debt. Above the
 * rate SendTextMessage answers ThrottlingException, which the SDK retries with backoff.
 */
export class SendRateLimit {
  readonly #partsPerSecond: number;
  readonly #capacity: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #throttled = 0;

  constructor(partsPerSecond: number, now: () => number = () => performance.now()) {
    if (!(partsPerSecond > 0)) throw new Error("maxPartsPerSecond must be > 0");
    this.#partsPerSecond = partsPerSecond;
    this.#capacity = Math.max(1, partsPerSecond);
    this.#now = now;
    this.#tokens = this.#capacity;
    this.#updatedAt = now();
  }

  /** SendTextMessage calls refused for going over the rate. */
  get throttled(): number {
    return this.#throttled;
  }

  /** Takes the message's parts, or throws the ThrottlingException AWS answers with. */
  take(messageBody: string): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) * this.#partsPerSecond) / 1000);
    this.#updatedAt = now;
    const parts = countSegments(messageBody).segments;
    if (this.#tokens < Math.min(parts, this.#capacity)) {
      this.#throttled += 1;
      throw new AwsJsonError("ThrottlingException", "Rate exceeded: message parts per second of the origination identity", 400);
    }
    this.#tokens -= parts;
  }
}
