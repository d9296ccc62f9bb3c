import { describe, expect, it } from "vitest";
import {
  counterDeltas,
  percentile,
  percentileOfSorted,
  perThousand,
  ratePerSecond,
  ratio,
  summarize,
} from "../../bench/statistics.ts";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1 … 100

  it("is null for no samples, at every p", () => {
    expect(percentile([], 0)).toBeNull();
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 100)).toBeNull();
  });

  it("is the only sample for one sample, at every p", () => {
    for (const p of [0, 1, 50, 99, 100]) expect(percentile([42], p)).toBe(42);
  });

  it("gives min at p0 and max at p100", () => {
    expect(percentile([5, 1, 9, 3], 0)).toBe(1);
    expect(percentile([5, 1, 9, 3], 100)).toBe(9);
  });

  it("takes the smallest sample with at least p % of the samples at or below it", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.5)).toBe(100);
    expect(percentile(hundred, 1)).toBe(1);
    expect(percentile(hundred, 0.5)).toBe(1);
  });

  it("never interpolates: always one of the samples", () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([1, 2, 3, 4], 75)).toBe(3);
  });

  it("makes p99 of fewer than 100 samples their maximum", () => {
    const fifty = Array.from({ length: 50 }, (_, i) => i);
    expect(percentile(fifty, 99)).toBe(49);
  });

  it("sorts numerically, not as strings, and leaves the input alone", () => {
    const values = [100, 9, 20, 3];
    expect(percentile(values, 50)).toBe(9);
    expect(percentile(values, 100)).toBe(100);
    expect(values).toEqual([100, 9, 20, 3]);
  });

  it("counts ties and negative values like any others", () => {
    expect(percentile([7, 7, 7, 7], 50)).toBe(7);
    expect(percentile([-5, -1, 0, 3], 25)).toBe(-5);
    expect(percentile([-5, -1, 0, 3], 50)).toBe(-1);
  });

  it("refuses p outside 0…100 and samples that are not finite", () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 100.1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(RangeError);
    expect(() => percentile([1, Number.POSITIVE_INFINITY], 50)).toThrow(RangeError);
  });

  it("reads presorted samples as they are", () => {
    expect(percentileOfSorted([1, 2, 3, 4, 5], 60)).toBe(3);
    expect(percentileOfSorted([], 60)).toBeNull();
  });
});

describe("summarize", () => {
  it("gives count, min, mean, p50, p90, p99 and max", () => {
    const summary = summarize(Array.from({ length: 1000 }, (_, i) => 1000 - i)); // 1000 … 1
    expect(summary).toEqual({ count: 1000, min: 1, mean: 500.5, p50: 500, p90: 900, p99: 990, max: 1000 });
  });

  it("is all null but the count for no samples", () => {
    expect(summarize([])).toEqual({ count: 0, min: null, mean: null, p50: null, p90: null, p99: null, max: null });
  });

  it("summarizes one sample as that sample", () => {
    expect(summarize([3.5])).toEqual({ count: 1, min: 3.5, mean: 3.5, p50: 3.5, p90: 3.5, p99: 3.5, max: 3.5 });
  });
});

describe("ratio", () => {
  it("divides", () => {
    expect(ratio(573, 3160)).toBeCloseTo(0.1813, 4);
    expect(ratio(0, 5)).toBe(0);
  });

  it("is null for a zero, missing or non-finite denominator or numerator", () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(null, 5)).toBeNull();
    expect(ratio(5, null)).toBeNull();
    expect(ratio(undefined, 5)).toBeNull();
    expect(ratio(5, Number.NaN)).toBeNull();
    expect(ratio(Number.POSITIVE_INFINITY, 5)).toBeNull();
  });
});

describe("ratePerSecond", () => {
  it("turns a count over milliseconds into a rate per second", () => {
    expect(ratePerSecond(2000, 3500)).toBeCloseTo(571.43, 2);
    expect(ratePerSecond(0, 1000)).toBe(0);
  });

  it("is null for a span that is zero, negative, missing or not finite", () => {
    expect(ratePerSecond(10, 0)).toBeNull();
    expect(ratePerSecond(10, -5)).toBeNull();
    expect(ratePerSecond(10, null)).toBeNull();
    expect(ratePerSecond(10, Number.NaN)).toBeNull();
    expect(ratePerSecond(10, Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("refuses a negative count", () => {
    expect(() => ratePerSecond(-1, 1000)).toThrow(RangeError);
  });
});

describe("perThousand", () => {
  it("scales a quantity per event to 1,000 events", () => {
    expect(perThousand(1.88, 2000)).toBeCloseTo(0.94, 10);
  });

  it("is null without events", () => {
    expect(perThousand(1, 0)).toBeNull();
  });
});

describe("counterDeltas", () => {
  it("subtracts, counts new counters from 0 and leaves out those that did not move", () => {
    expect(counterDeltas({ evalsha: 10, get: 4, info: 1 }, { evalsha: 310, get: 4, info: 2, zrem: 100 })).toEqual({
      evalsha: 300,
      info: 1,
      zrem: 100,
    });
  });
});
