/**
 * Preload for the service (`--service-node-options="--import=./bench/gc-observer.ts"`): records every
 * GC pause of the process and writes them, as [epoch ms, pause ms, kind], to
 * $TMPDIR/fv-gc-<pid>.json at exit. `node bench/preload-summary.ts` summarises them.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { PerformanceObserver, performance, type PerformanceEntry } from "node:perf_hooks";

const pauses: Array<[number, number, number]> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
    pauses.push([Math.round(performance.timeOrigin + entry.startTime), Math.round(entry.duration * 1000) / 1000, kind]);
  }
}).observe({ entryTypes: ["gc"] });
process.on("exit", () => writeFileSync(`${tmpdir()}/fv-gc-${process.pid}.json`, JSON.stringify(pauses)));
