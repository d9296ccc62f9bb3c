import { describe, expect, it } from "vitest";
import { SendRateLimit } from "../../../dev/sms-sandbox/send-rate-limit.ts";

const ONE_PART = "Reply YES or NO";
const TWO_PARTS = "x".repeat(200);

function limitAt(partsPerSecond: number) {
  const clock = { ms: 0 };
  const limit = new SendRateLimit(partsPerSecond, () => clock.ms);
  const accepts = (body: string) => {
    try {
      limit.take(body);
      return true;
    } catch (error) {
      expect(error).toMatchObject({ name: "ThrottlingException", status: 400 });
      return false;
    }
  };
  return { clock, limit, accepts };
}

describe("the SMS sandbox's send rate (a carrier's message parts per second)", () => {
  it("takes a second's worth of parts at once, then one part per 1 s / rate, and counts what it throttled", () => {
    const { clock, limit, accepts } = limitAt(3);
    expect([accepts(ONE_PART), accepts(ONE_PART), accepts(ONE_PART), accepts(ONE_PART)]).toEqual([true, true, true, false]);
    clock.ms += 300;
    expect(accepts(ONE_PART)).toBe(false);
    clock.ms += 34;
    expect(accepts(ONE_PART)).toBe(true);
    expect(limit.throttled).toBe(2);
  });

  it("counts message parts, not calls", () => {
    const { clock, accepts } = limitAt(3);
    expect([accepts(TWO_PARTS), accepts(TWO_PARTS)]).toEqual([true, false]);
    clock.ms += 334;
    expect(accepts(TWO_PARTS)).toBe(true);
  });

  it("takes a message longer than the bucket when the bucket is full, and is then in debt", () => {
    const { clock, accepts } = limitAt(1);
    expect(accepts(TWO_PARTS)).toBe(true);
    clock.ms += 1_000;
    expect(accepts(ONE_PART)).toBe(false);
    clock.ms += 1_000;
    expect(accepts(ONE_PART)).toBe(true);
  });
});
