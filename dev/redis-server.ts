import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface PrivateRedis {
  url: string;
  port: number;
  /** The redis-server process id. */
  pid: number;
  stop(): Promise<void>;
}

/** Thrown when the redis-server binary cannot be run at all (not installed, not on the PATH). */
export class RedisServerMissingError extends Error {
  override readonly name = "RedisServerMissingError";
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RedisServerOptions {
  /**
   * Own process group: a Ctrl-C in the terminal then reaches only the parent, which stops the
   * server last instead of losing it under the service mid-shutdown. The parent must then stop it
   * (an exit hook does so on any normal exit).
   */
  ownProcessGroup?: boolean;
}

/**
 * A private redis-server on a free loopback port, in its own temporary directory, with no
 * persistence. Resolves when the server logs that it accepts connections.
 */
export async function startRedisServer(extraArgs: string[] = [], options: RedisServerOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "fv-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"], detached: options.ownProcessGroup ?? false },
  );
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // Last resort if the parent exits without stopping it (an uncaught error): never leave it running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    await waitForReady(child, port);
  } catch (error) {
    await stopProcess(child);
    process.off("exit", killOnExit);
    removeDir();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    stop: async () => {
      await stopProcess(child);
      process.off("exit", killOnExit);
      removeDir();
    },
  };
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start in 10 s`)), 10_000);
    lines.on("line", (line) => {
      if (line.includes("Ready to accept connections")) {
        clearTimeout(timer);
        lines.removeAllListeners("line");
        child.stdout?.resume();
        resolve();
      }
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const message = `redis-server could not start (is it installed?): ${error.message}`;
      reject(error.code === "ENOENT" ? new RedisServerMissingError(message) : new Error(message));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready`));
    });
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  // A child that never spawned (ENOENT) has no pid and will emit no exit.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
