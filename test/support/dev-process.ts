import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";

export interface DevProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching, seen already or the next one; rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm run dev` as npm runs it (Node 24 on dev/dev-main.ts), in its own process group so a
 * test can send the group a Ctrl-C as a terminal does. REDIS_URL is dropped unless given.
 */
export function spawnDev(args: string[], env: Record<string, string | undefined> = {}): DevProcess {
  const inherited = { ...process.env };
  delete inherited.REDIS_URL;
  const child = spawn(process.execPath, ["dev/dev-main.ts", ...args], {
    env: { ...inherited, ...env },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: string[] = [];
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => out.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out.join("\n"),
    stderr: () => err,
    exited,
    waitForLine(pattern) {
      for (const line of out) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const onLine = (line: string) => {
          const match = line.match(pattern);
          if (!match) return;
          lines.off("line", onLine);
          resolve(match);
        };
        lines.on("line", onLine);
        void exited.then(({ code }) => {
          lines.off("line", onLine);
          reject(new Error(`dev mode exited (${code}) before printing ${pattern}; stderr:\n${err}`));
        });
      });
    },
  };
}

/** Sends the whole process group a signal, as Ctrl-C in a terminal does. */
export function signalGroup(dev: DevProcess, signal: NodeJS.Signals): void {
  if (dev.child.pid === undefined) throw new Error("the dev process has no pid");
  process.kill(-dev.child.pid, signal);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
