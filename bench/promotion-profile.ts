/**
 * Preload for the service (`--service-node-options="--import=./bench/promotion-profile.ts"`): a
 * sampling heap profile of the objects that outlive a scavenge, the ones promoted to V8's old
 * generation that make its mark-compacts. Objects that die young are left out
 * (`includeObjectsCollectedByMinorGC: false`), those that die later are kept. It samples from
 * FV_PROMOTION_FROM seconds after start (default 20) for FV_PROMOTION_FOR seconds (default 20) and
 * writes $TMPDIR/fv-promotion-<pid>.heapprofile (Chrome DevTools opens it);
 * `node bench/promotion-summary.ts <file>` lists where those objects were allocated.
 */
import { writeFileSync } from "node:fs";
import { Session, type HeapProfiler } from "node:inspector/promises";
import { tmpdir } from "node:os";

const fromMs = Number(process.env.FV_PROMOTION_FROM ?? 20) * 1000;
const forMs = Number(process.env.FV_PROMOTION_FOR ?? 20) * 1000;
const session = new Session();
session.connect();

setTimeout(() => {
  void (async () => {
    await session.post("HeapProfiler.enable");
    // The two include… options are in V8's protocol but not in Node's typings yet.
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    } as HeapProfiler.StartSamplingParameterType);
    setTimeout(() => {
      void session.post("HeapProfiler.stopSampling").then(({ profile }) => {
        writeFileSync(`${tmpdir()}/fv-promotion-${process.pid}.heapprofile`, JSON.stringify(profile));
      });
    }, forMs).unref();
  })();
}, fromMs).unref();
