import { afterEach, describe, expect, it, vi } from "vitest";
import { withAbortAfter } from "../../src/app/abort-after.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("withAbortAfter", () => {
  it("aborts the work's signal with a TimeoutError once the time is up", async () => {
    vi.useFakeTimers();
    const work = withAbortAfter(
      25_000,
      (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true })),
    );
    const settled = expect(work).rejects.toMatchObject({ name: "TimeoutError" });
    await vi.advanceTimersByTimeAsync(24_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
  });

  it("drops its timer as soon as the work settles, so nothing it closes over outlives the work", async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    await expect(
      withAbortAfter(25_000, (signal) => {
        seen = signal;
        return Promise.resolve("sms-1");
      }),
    ).resolves.toBe("sms-1");
    expect(vi.getTimerCount()).toBe(0);
    await expect(withAbortAfter(25_000, () => Promise.reject(new Error("throttled")))).rejects.toThrow("throttled");
    expect(vi.getTimerCount()).toBe(0);
    expect(seen?.aborted).toBe(false);
  });
});
