import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startRedisServer as startPrivateRedis, type PrivateRedis } from "../../dev/redis-server.ts";

export { freePort, stopProcess } from "../../dev/redis-server.ts";

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server, keeping its directory (and, with persistence, its data) for a restart. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file on, as production would: data survives a restart. */
  persistence?: boolean;
  /** Extra redis-server arguments. */
  args?: string[];
}

/**
 * A private redis-server on a loopback port, in its own directory: tests never touch a Redis they
 * did not start. It can be killed and restarted on the same port to test outages.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "fv-redis-test-"));
  const persistence = options.persistence ? ["--appendonly", "yes", "--appendfsync", "always"] : [];
  // Later arguments win in redis-server, so these override the private server's defaults.
  const args = ["--port", String(port), "--dir", dir, ...persistence, ...(options.args ?? [])];
  let server: PrivateRedis = await startPrivateRedis(args);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => server.stop(),
    restart: async () => {
      await server.stop();
      server = await startPrivateRedis(args);
    },
    freeze: () => process.kill(server.pid, "SIGSTOP"),
    thaw: () => process.kill(server.pid, "SIGCONT"),
    stop: async () => {
      signalIfRunning(server.pid, "SIGCONT");
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A frozen server must be thawed to be stopped; one already gone needs nothing. */
function signalIfRunning(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
