/**
 * Summarizes a sampling heap profile (bench/promotion-profile.ts writes one of promoted objects):
 * the share of sampled bytes by allocating function, and by the nearest caller outside Node's
 * internals and native code.
 *
 *   node bench/promotion-summary.ts /tmp/fv-promotion-*.heapprofile [--top 20]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children?: SamplingNode[];
}

export interface PromotionSummary {
  totalBytes: number;
  byFunction: Array<[string, number]>;
  byOwner: Array<[string, number]>;
}

function frameName({ functionName, url, lineNumber }: CallFrame): string {
  const where = url.replace(/^.*node_modules\//, "").replace(/^.*\/(dist|src)\//, "$1/");
  return `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
}

/** Node's internals and native code: what an owner is looked up past. */
function isInternal({ url }: CallFrame): boolean {
  return url === "" || url.startsWith("node:");
}

export function summarizePromotion(head: SamplingNode): PromotionSummary {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let totalBytes = 0;
  const walk = (node: SamplingNode, owner: string | null) => {
    const here = isInternal(node.callFrame) ? owner : frameName(node.callFrame);
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      const name = frameName(node.callFrame);
      byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
      const ownerName = here ?? "(Node internals, no package caller)";
      byOwner.set(ownerName, (byOwner.get(ownerName) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(head, null);
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalBytes, byFunction: sorted(byFunction), byOwner: sorted(byOwner) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "20" } } });
  const top = Number(values.top);
  for (const file of positionals) {
    const { head } = JSON.parse(readFileSync(file, "utf8")) as { head: SamplingNode };
    const summary = summarizePromotion(head);
    const share = (bytes: number) => `${((100 * bytes) / summary.totalBytes).toFixed(1).padStart(5)} %`;
    console.log(`${file}: ${(summary.totalBytes / 1e6).toFixed(1)} MB sampled`);
    console.log("  by allocating function:");
    for (const [name, bytes] of summary.byFunction.slice(0, top)) console.log(`  ${share(bytes)}  ${name}`);
    console.log("  by nearest caller outside Node's internals:");
    for (const [name, bytes] of summary.byOwner.slice(0, top)) console.log(`  ${share(bytes)}  ${name}`);
  }
}
