/**
 * The bench's arithmetic, kept pure so it can be unit-tested: percentiles, summaries, rates and
 * ratios. Every function answers `null` (never NaN or Infinity) where a figure does not exist
 * (no samples, a zero denominator), so the JSON output stays valid and honest.
 */

export interface Summary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

function assertFinite(values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`samples must be finite numbers, got ${value}`);
  }
}

/**
 * Nearest-rank percentile of samples sorted ascending: the smallest sample such that at least
 * p % of the samples are ≤ it. p = 0 gives the minimum, p = 100 the maximum; always a sample
 * (no interpolation), so p99 of 50 samples is their maximum. `null` for no samples.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Nearest-rank percentile of samples in any order (the input is not modified). */
export function percentile(values: readonly number[], p: number): number | null {
  assertFinite(values);
  return percentileOfSorted(sortAscending(values), p);
}

function sortAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function summarize(values: readonly number[]): Summary {
  assertFinite(values);
  const sorted = sortAscending(values);
  const count = sorted.length;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count,
    min: sorted[0] ?? null,
    mean: count === 0 ? null : total / count,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[count - 1] ?? null,
  };
}

/** numerator / denominator; `null` when either is missing or the denominator is 0. */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return null;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return null;
  return numerator / denominator;
}

/** Events per second over a span in milliseconds; `null` for a span that is not positive. */
export function ratePerSecond(count: number, elapsedMs: number | null | undefined): number | null {
  if (elapsedMs === null || elapsedMs === undefined || !(elapsedMs > 0) || !Number.isFinite(elapsedMs)) return null;
  if (!Number.isFinite(count) || count < 0) throw new RangeError(`count must be a finite number ≥ 0, got ${count}`);
  return count / (elapsedMs / 1000);
}

/** A quantity per 1,000 events (CPU seconds per 1,000 decisions); `null` for no events. */
export function perThousand(quantity: number, events: number): number | null {
  const per = ratio(quantity, events);
  return per === null ? null : per * 1000;
}

/**
 * after − before for every counter present after (a counter absent before counts from 0);
 * counters that did not move are left out.
 */
export function counterDeltas(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0);
    if (delta !== 0) deltas[name] = delta;
  }
  return deltas;
}
