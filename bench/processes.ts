/** Child processes of the bench (emulator, service, ceiling consumer) and their /proc figures. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EmulatorReady } from "./bench-topology.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ProcessSample {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /** VmHWM: the peak resident set since the process started. */
  peakRssBytes: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime in clock ticks from the text of /proc/<pid>/stat (the command name may hold spaces). */
export function parseStatCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime) and 15 (stime) of proc(5); the remainder starts at field 3 (state).
  return Number(fields[11]) + Number(fields[12]);
}

/** A "VmXXX:   1234 kB" line of /proc/<pid>/status, in bytes. */
export function parseStatusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match?.[1] ? Number(match[1]) * 1024 : 0;
}

/** CPU and memory of a live process from /proc; null once it is gone (or off Linux). */
export function sampleProcess(pid: number | undefined): ProcessSample | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      cpuSeconds: parseStatCpuTicks(stat) / clockTicks(),
      rssBytes: parseStatusKb(status, "VmRSS"),
      peakRssBytes: parseStatusKb(status, "VmHWM"),
    };
  } catch {
    return null;
  }
}

/** The bench process's own figures (it is a process like the others, measured the same way). */
export function sampleSelf(): ProcessSample {
  const usage = process.cpuUsage();
  return sampleProcess(process.pid) ?? { cpuSeconds: (usage.user + usage.system) / 1e6, rssBytes: 0, peakRssBytes: 0 };
}

/** The last lines a child wrote, for error messages. */
export class OutputTail {
  readonly #lines: string[] = [];
  readonly #max: number;
  #partial = "";
  lines = 0;

  constructor(max = 40) {
    this.#max = max;
  }

  push(chunk: Buffer): void {
    const parts = (this.#partial + chunk.toString("utf8")).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim() === "") continue;
      this.lines += 1;
      this.#lines.push(line);
      if (this.#lines.length > this.#max) this.#lines.shift();
    }
  }

  text(): string {
    return [...this.#lines, this.#partial].filter(Boolean).join("\n");
  }
}

export interface NodeChild {
  child: ChildProcess;
  pid: number;
  output: OutputTail;
  /** Rejects when the process exits before stop() was called. */
  readonly died: Promise<never>;
  stop(timeoutMs?: number): Promise<void>;
}

function nodeChild(
  name: string,
  script: string,
  options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; ipc?: boolean; args?: string[]; outputFile?: string | undefined },
): NodeChild {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: options.env ?? process.env,
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  const output = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  if (options.outputFile !== undefined) {
    // All of it (the tail keeps the last lines only): e.g. the lines of --trace-gc.
    const file = createWriteStream(options.outputFile, { flags: "a" });
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
    child.once("exit", () => file.end());
  }
  let stopping = false;
  const died = new Promise<never>((_, reject) => {
    const fail = (reason: string) => {
      if (!stopping) reject(new Error(`${name} ${reason}${output.text() ? `; its last output:\n${output.text()}` : ""}`));
    };
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    child.once("exit", (code, signal) => fail(`exited unexpectedly (${signal ?? `status ${code}`})`));
  });
  died.catch(() => undefined);
  if (child.pid === undefined) throw new Error(`${name} could not be started`);
  return {
    child,
    pid: child.pid,
    output,
    died,
    async stop(timeoutMs = 10_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface EmulatorProcess extends NodeChild {
  ready: EmulatorReady;
}

export async function startEmulatorProcess(nodeArgs: string[] = []): Promise<EmulatorProcess> {
  const emulator = nodeChild("the emulator", "bench/emulator-process.ts", { nodeArgs, ipc: true });
  const ready = await Promise.race([
    new Promise<EmulatorReady>((resolve) => emulator.child.once("message", (message) => resolve(message as EmulatorReady))),
    emulator.died,
    timeout<EmulatorReady>(30_000, "the emulator did not start in 30 s"),
  ]);
  return { ...emulator, ready };
}

export function startServiceProcess(env: NodeJS.ProcessEnv, nodeArgs: string[] = [], entry = "dist/main.js", outputFile?: string): NodeChild {
  // As production runs it: the entry point with its configuration in the environment, nothing else.
  return nodeChild("the service", entry, { nodeArgs, env, outputFile });
}

/** Runs a bench child to completion and parses the JSON line it prints last. */
export async function runJsonChild<T>(name: string, script: string, argument: unknown, timeoutMs: number): Promise<T> {
  const run = nodeChild(name, script, { args: [JSON.stringify(argument)] });
  let stdout = "";
  run.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => run.child.once("exit", (code) => resolve(code)));
  const code = await Promise.race([exited, timeout<number | null>(timeoutMs, `${name} did not finish in ${timeoutMs} ms`)]).catch(
    async (error: unknown) => {
      await run.stop(1000);
      throw error;
    },
  );
  if (code !== 0) throw new Error(`${name} failed (status ${code}):\n${run.output.text()}`);
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}

export function timeout<T>(ms: number, message: string): Promise<T> {
  return new Promise<T>((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
