/**
 * Summarises what bench/gc-observer.ts and bench/http-counter.ts wrote:
 *   node bench/preload-summary.ts $TMPDIR/fv-gc-<pid>.json     GC pauses by kind
 *   node bench/preload-summary.ts $TMPDIR/fv-http-<pid>.json   AWS calls per second, by operation
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const GC_KINDS: Record<number, string> = { 1: "scavenge", 2: "minor mark-sweep", 4: "mark-compact", 8: "incremental marking", 16: "weak callbacks" };

function summariseGc(pauses: Array<[number, number, number]>): void {
  const first = pauses[0];
  const last = pauses[pauses.length - 1];
  if (!first || !last) return void console.log("no GC recorded");
  const spanSeconds = Math.max(0.001, (last[0] - first[0]) / 1000);
  console.log(`${pauses.length} pauses over ${spanSeconds.toFixed(1)} s`);
  const byKind = new Map<number, number[]>();
  for (const [, ms, kind] of pauses) byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  for (const [kind, all] of byKind) {
    const sorted = [...all].sort((a, b) => a - b);
    const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
    const total = sorted.reduce((sum, ms) => sum + ms, 0);
    console.log(
      `  ${GC_KINDS[kind] ?? `kind ${kind}`}: ${sorted.length} (${(sorted.length / spanSeconds).toFixed(1)}/s), p50 ${at(0.5)} ms, ` +
        `p99 ${at(0.99)} ms, max ${at(1)} ms, total ${total.toFixed(0)} ms (${((total / 10 / spanSeconds)).toFixed(1)} % of the span)`,
    );
  }
}

function summariseHttp(counts: Record<string, Record<string, number>>): void {
  const seconds = Object.keys(counts).sort();
  const start = Number(seconds[0] ?? 0);
  for (const second of seconds) {
    const calls = Object.entries(counts[second] ?? {}).sort((a, b) => b[1] - a[1]);
    const total = calls.reduce((sum, [, n]) => sum + n, 0);
    console.log(`${String(Number(second) - start).padStart(4)} s ${String(total).padStart(5)}  ${calls.map(([op, n]) => `${op}=${n}`).join("  ")}`);
  }
}

for (const file of process.argv.slice(2)) {
  console.log(`== ${basename(file)}`);
  const data: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (Array.isArray(data)) summariseGc(data as Array<[number, number, number]>);
  else summariseHttp(data as Record<string, Record<string, number>>);
}
