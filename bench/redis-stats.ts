/** Figure 4's raw material: INFO sections of the bench's private redis-server, parsed. */
import { Redis } from "ioredis";

export interface CommandStats {
  /** Calls per command name (lower case, "evalsha", "hset", …). */
  calls: Record<string, number>;
  /** Microseconds spent inside each command. */
  usec: Record<string, number>;
}

/** "key:value" lines of an INFO reply. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** `INFO commandstats`: cmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,rejected_calls=0,failed_calls=0 */
export function parseCommandStats(text: string): CommandStats {
  const stats: CommandStats = { calls: {}, usec: {} };
  for (const [key, value] of Object.entries(parseInfo(text))) {
    if (!key.startsWith("cmdstat_")) continue;
    const name = key.slice("cmdstat_".length).toLowerCase();
    const fields = Object.fromEntries(value.split(",").map((pair) => pair.split("=") as [string, string]));
    stats.calls[name] = Number(fields.calls ?? 0);
    stats.usec[name] = Number(fields.usec ?? 0);
  }
  return stats;
}

export interface RedisSnapshot {
  commands: CommandStats;
  usedMemoryBytes: number;
  keys: number;
  /** Redis's CPU so far (user + system), seconds. */
  cpuSeconds: number;
}

export class RedisObserver {
  readonly #client: Redis;

  constructor(url: string) {
    this.#client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  async server(): Promise<{ version: string; pid: number | undefined }> {
    const server = parseInfo(await this.#client.info("server"));
    const pid = Number(server.process_id);
    return { version: server.redis_version ?? "unknown", pid: Number.isInteger(pid) ? pid : undefined };
  }

  async snapshot(): Promise<RedisSnapshot> {
    const [commandstats, memory, keys, cpu] = await Promise.all([
      this.#client.info("commandstats"),
      this.#client.info("memory"),
      this.#client.dbsize(),
      this.#client.info("cpu"),
    ]);
    const cpuFields = parseInfo(cpu);
    return {
      commands: parseCommandStats(commandstats),
      usedMemoryBytes: Number(parseInfo(memory).used_memory ?? 0),
      keys,
      cpuSeconds: Number(cpuFields.used_cpu_user ?? 0) + Number(cpuFields.used_cpu_sys ?? 0),
    };
  }

  /**
   * Which commands the clients sent themselves (top level) and which ran inside scripts, while `work`
   * runs: the slow log with a 0 µs threshold records both, scripts' commands under the client "?:0".
   * (INFO commandstats counts both without telling them apart.) Logging every command costs Redis
   * time, so the bench probes a small sample on its own rather than the measured phases.
   */
  async probeCommands(work: () => Promise<void>): Promise<CommandOrigins> {
    const client = this.#client;
    const saved = await client.config("GET", "slowlog-*");
    const setting = (name: string) => {
      const index = saved.indexOf(name);
      return index >= 0 ? String(saved[index + 1] ?? "") : "";
    };
    await client.config("SET", "slowlog-max-len", "1000000");
    await client.slowlog("RESET");
    await client.config("SET", "slowlog-log-slower-than", "0");
    try {
      await work();
    } finally {
      await client.config("SET", "slowlog-log-slower-than", setting("slowlog-log-slower-than") || "10000");
    }
    const entries = (await client.call("SLOWLOG", "GET", "-1")) as SlowlogEntry[];
    await client.slowlog("RESET");
    await client.config("SET", "slowlog-max-len", setting("slowlog-max-len") || "128");
    return countOrigins(entries);
  }

  async close(): Promise<void> {
    await this.#client.quit().catch(() => undefined);
  }
}

/** [id, unix time, µs, [command, …args], client address, client name] */
export type SlowlogEntry = [number, number, number, Array<string | Buffer>, string, string];

export interface CommandOrigins {
  topLevel: Record<string, number>;
  inScripts: Record<string, number>;
}

/** Slow-log entries by command name: sent by a client, or run by a script (client address "?:0" or none). */
export function countOrigins(entries: readonly SlowlogEntry[]): CommandOrigins {
  const origins: CommandOrigins = { topLevel: {}, inScripts: {} };
  for (const entry of entries) {
    const name = String(entry[3][0] ?? "").toLowerCase();
    if (name === "" || OBSERVER_COMMANDS.has(name)) continue;
    const address = String(entry[4] ?? "");
    const bucket = address === "" || address.endsWith(":0") ? origins.inScripts : origins.topLevel;
    bucket[name] = (bucket[name] ?? 0) + 1;
  }
  return origins;
}

/** Commands the bench itself sends while observing; left out of the service's figures. */
export const OBSERVER_COMMANDS: ReadonlySet<string> = new Set(["info", "dbsize", "config", "slowlog"]);
