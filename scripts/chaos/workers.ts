// Service processes as production runs them (`node src/main.ts`, configuration from the
// environment), which the chaos run SIGKILLs and starts again.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { freePort } from "../../dev/redis-server.ts";

/** What a worker logs when it loses Redis (src/service.ts). */
const PAUSED_MESSAGE = "redis unavailable: consumers paused until it returns";

export interface WorkerStats {
  started: number;
  /** SIGKILLs the chaos run sent. */
  killed: number;
  /** Exits nobody asked for (a crash). */
  unexpectedExits: Array<{ slot: number; code: number | null; signal: string | null; lastLines: string[] }>;
  /** Log lines at level error (50) or fatal (60), by message. */
  errors: Map<string, number>;
  /** When a worker logged that Redis went away and it paused its consumers (ms since the epoch). */
  pausedAt: number[];
  fatal: string[];
}

interface Worker {
  slot: number;
  opsPort: number;
  child: ChildProcess;
  ready: Promise<boolean>;
  /** Set before the run signals it, so its exit is not counted as a crash. */
  expectedExit: boolean;
  exited: Promise<void>;
  lastLines: string[];
}

const KEEP_LINES = 40;
const READY_TIMEOUT_MS = 20_000;

export class WorkerPool {
  readonly stats: WorkerStats = { started: 0, killed: 0, unexpectedExits: [], errors: new Map(), fatal: [], pausedAt: [] };
  readonly #workers = new Map<number, Worker>();
  readonly #env: Record<string, string>;
  readonly #cwd: string;

  constructor(env: Record<string, string>, cwd: string) {
    this.#env = env;
    this.#cwd = cwd;
  }

  get running(): number[] {
    return [...this.#workers.keys()];
  }

  /** Starts the service in `slot` on a free ops port; resolves once it logged "service started" (or false after a bound). */
  async start(slot: number): Promise<boolean> {
    const port = await freePort();
    const child = spawn(process.execPath, ["src/main.ts"], {
      cwd: this.#cwd,
      env: { PATH: process.env.PATH ?? "", ...this.#env, HTTP_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.stats.started += 1;
    const lastLines: string[] = [];
    let markReady: (ok: boolean) => void = () => undefined;
    const ready = new Promise<boolean>((resolve) => (markReady = resolve));
    const timer = setTimeout(() => markReady(false), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on("line", (text) => {
      lastLines.push(text.slice(0, 500));
      if (lastLines.length > KEEP_LINES) lastLines.shift();
      if (!text.startsWith("{")) return;
      let line: { level?: number; msg?: string };
      try {
        line = JSON.parse(text) as { level?: number; msg?: string };
      } catch {
        return;
      }
      if (line.msg === PAUSED_MESSAGE) this.stats.pausedAt.push(Date.now());
      if (line.msg === "service started") {
        clearTimeout(timer);
        markReady(true);
      }
      if ((line.level ?? 0) >= 60) this.stats.fatal.push(text.slice(0, 500));
      else if ((line.level ?? 0) >= 50) {
        const key = line.msg ?? "(no message)";
        this.stats.errors.set(key, (this.stats.errors.get(key) ?? 0) + 1);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      lastLines.push(`stderr: ${chunk.toString("utf8").slice(0, 500)}`);
      if (lastLines.length > KEEP_LINES) lastLines.shift();
    });
    const worker: Worker = {
      slot,
      opsPort: port,
      child,
      ready,
      expectedExit: false,
      lastLines,
      exited: new Promise((resolve) =>
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          markReady(false);
          if (!worker.expectedExit) this.stats.unexpectedExits.push({ slot, code, signal, lastLines: [...lastLines] });
          if (this.#workers.get(slot) === worker) this.#workers.delete(slot);
          resolve();
        }),
      ),
    };
    this.#workers.set(slot, worker);
    return ready;
  }

  /** The operations HTTP port of a running worker, if any. */
  get anyOpsPort(): number | undefined {
    return [...this.#workers.values()][0]?.opsPort;
  }

  /** SIGKILLs the worker in `slot` (no graceful stop: in-flight messages stay invisible until their timeout). */
  async kill(slot: number): Promise<void> {
    const worker = this.#workers.get(slot);
    if (!worker) return;
    worker.expectedExit = true;
    this.stats.killed += 1;
    worker.child.kill("SIGKILL");
    await worker.exited;
  }

  /** SIGTERM to every worker; SIGKILL after `timeoutMs`. */
  async stopAll(timeoutMs: number): Promise<void> {
    await Promise.all(
      [...this.#workers.values()].map(async (worker) => {
        worker.expectedExit = true;
        worker.child.kill("SIGTERM");
        const timer = setTimeout(() => worker.child.kill("SIGKILL"), timeoutMs);
        await worker.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Last resort on exit: nothing this run started may outlive it. */
  killAllNow(): void {
    for (const worker of this.#workers.values()) {
      worker.expectedExit = true;
      worker.child.kill("SIGKILL");
    }
  }
}
