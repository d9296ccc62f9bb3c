import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";

export interface ServiceProcess {
  child: ChildProcess;
  /** Every stdout line parsed as JSON (pino), in order. */
  lines: Array<Record<string, unknown>>;
  waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The service as production runs it: `node src/main.ts` with configuration from the environment. */
export function spawnService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  const events = new EventEmitter();
  createInterface({ input: child.stdout }).on("line", (text) => {
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      events.emit("line", line);
    } catch {
      // not a log line
    }
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      events.emit("exit");
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines,
    exited,
    waitForLine(predicate, timeoutMs = 15_000) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const cleanUp = () => {
          clearTimeout(timer);
          events.off("line", onLine);
          events.off("exit", onExit);
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(new Error(`no matching log line in ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const onLine = (line: Record<string, unknown>) => {
          if (!predicate(line)) return;
          cleanUp();
          resolve(line);
        };
        const onExit = () => {
          cleanUp();
          reject(new Error(`the service exited before a matching log line; stderr: ${stderr}`));
        };
        events.on("line", onLine);
        events.once("exit", onExit);
      });
    },
  };
}
