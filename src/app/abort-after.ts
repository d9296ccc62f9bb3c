/**
 * Runs `work` with a signal that aborts (TimeoutError, as AbortSignal.timeout would) after `ms`, and
 * drops the timer as soon as the work settles. AbortSignal.timeout keeps its signal, its timer and
 * every listener the AWS SDK attached to it, with the request they close over, alive until the time
 * is up: 25 to 55 s per text.
 */
export async function withAbortAfter<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
