/**
 * Summarizes V8 .cpuprofile files (node --cpu-prof): self time by function and by where the code
 * lives (the service's src/, each node_modules package, Node internals), idle and GC shares.
 *
 *   npm run bench -- --service-node-options="--cpu-prof --cpu-prof-dir=/tmp/fv-prof"
 *   npx node bench/profile-summary.ts /tmp/fv-prof/*.cpuprofile [--top 25]
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  programMs: number;
  byFunction: Array<{ name: string; where: string; selfMs: number }>;
  byArea: Array<{ area: string; selfMs: number }>;
  byGroup: Array<{ group: string; selfMs: number }>;
  /** Node internals and native time charged to the nearest calling package or src/ file: who caused it. */
  byCaller: Array<{ group: string; selfMs: number }>;
}

const SPECIAL = new Set(["(idle)", "(garbage collector)", "(program)", "(root)"]);

/** Where a script lives: "src/adapters/…", "node_modules/<package>", "node:internal", … */
export function areaOf(url: string): string {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:")) return "node: internals";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return `node_modules/${modules[1]}`;
  const source = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (source?.[1] && source[2]) {
    const parts = source[2].split("/");
    return `${source[1]}/${parts.length > 1 ? `${parts.slice(0, -1).join("/")}/` : ""}${parts.at(-1) ?? ""}`;
  }
  return url;
}

/** Coarse owner of an area: what a performance change would have to touch. */
export function groupOf(area: string): string {
  if (area.startsWith("src/")) return "the service's code (src/)";
  if (/^node_modules\/@(aws-sdk|smithy|aws-crypto)\//.test(area)) return "AWS SDK (@aws-sdk, @smithy)";
  if (area.startsWith("node_modules/")) return `${area.slice("node_modules/".length)}`;
  return area;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample: it belongs to samples[i - 1].
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    if (id === undefined) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfById.set(id, (selfById.get(id) ?? 0) + delta / 1000);
  }
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const callerGroup = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const area = areaOf(byId.get(current)?.callFrame.url ?? "");
      if (area.startsWith("src/") || area.startsWith("node_modules/")) return groupOf(area);
    }
    return "node: internals / native, no package caller";
  };
  const callers = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; selfMs: number }>();
  const areas = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  let gcMs = 0;
  let programMs = 0;
  for (const [id, selfMs] of selfById) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalMs += selfMs;
    if (frame.functionName === "(idle)") idleMs += selfMs;
    else if (frame.functionName === "(garbage collector)") gcMs += selfMs;
    else if (frame.functionName === "(program)") programMs += selfMs;
    if (SPECIAL.has(frame.functionName)) continue;
    const where = `${frame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench|test)\//, "$1/")}:${frame.lineNumber + 1}`;
    const name = frame.functionName || "(anonymous)";
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += selfMs;
    functions.set(key, entry);
    const area = areaOf(frame.url);
    areas.set(area, (areas.get(area) ?? 0) + selfMs);
    const caller = callerGroup(id);
    callers.set(caller, (callers.get(caller) ?? 0) + selfMs);
  }
  const groups = new Map<string, number>([["GC", gcMs], ["(program)", programMs]]);
  for (const [area, selfMs] of areas) groups.set(groupOf(area), (groups.get(groupOf(area)) ?? 0) + selfMs);
  return {
    totalMs,
    idleMs,
    gcMs,
    programMs,
    byFunction: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs),
    byArea: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
    byGroup: [...groups.entries()].map(([group, selfMs]) => ({ group, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
    byCaller: [...callers.entries()].map(([group, selfMs]) => ({ group, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

export function formatProfileSummary(title: string, summary: ProfileSummary, top: number): string {
  const busy = summary.totalMs - summary.idleMs;
  const share = (ms: number) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `${title}: ${(summary.totalMs / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy ` +
      `(idle ${((summary.idleMs / summary.totalMs) * 100).toFixed(0)} %); of busy: GC ${share(summary.gcMs).trim()}, ` +
      `(program) ${share(summary.programMs).trim()}`,
    "  self time by owner (share of busy time):",
    ...summary.byGroup.slice(0, 10).map((entry) => `    ${share(entry.selfMs)}  ${entry.group}`),
    "  the same with Node internals and native code charged to their nearest calling package (GC, (program) left out):",
    ...summary.byCaller.slice(0, 8).map((entry) => `    ${share(entry.selfMs)}  ${entry.group}`),
    "  self time by area:",
    ...summary.byArea.slice(0, 15).map((entry) => `    ${share(entry.selfMs)}  ${entry.area}`),
    `  top ${top} functions by self time:`,
    ...summary.byFunction.slice(0, top).map((entry) => `    ${share(entry.selfMs)}  ${entry.name}  ${entry.where}`),
  ];
  return `${lines.join("\n")}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf("--top");
  const top = topIndex >= 0 ? Number(args[topIndex + 1] ?? 25) : 25;
  const files = args.filter((arg, index) => arg !== "--top" && index !== topIndex + 1);
  if (files.length === 0) {
    process.stderr.write("usage: node bench/profile-summary.ts <file.cpuprofile>… [--top N]\n");
    process.exit(2);
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    process.stdout.write(`${formatProfileSummary(basename(file), summarizeProfile(profile), top)}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
