import { Redis } from "ioredis";
import { RedisServerMissingError, startRedisServer } from "./redis-server.ts";

export interface LocalRedis {
  url: string;
  /** How the dev page and the start-up banner describe it. */
  description: string;
  /** The private redis-server's process id; undefined when REDIS_URL was used. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Redis is neither reachable at REDIS_URL nor startable: the message says what to do. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

const HOW_TO_FIX =
  "Install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) " +
  "or point REDIS_URL at a Redis you may use (the dev mode writes only under its own key prefix and never flushes).";

/**
 * REDIS_URL when set (checked with a PING, never flushed: the service gets its own key namespace),
 * else a private redis-server on a free port that lives as long as the dev process.
 */
export async function acquireLocalRedis(redisUrl: string | undefined): Promise<LocalRedis> {
  if (redisUrl) {
    await ping(redisUrl);
    return { url: redisUrl, description: `REDIS_URL (${redactPassword(redisUrl)})`, pid: undefined, stop: async () => {} };
  }
  try {
    const server = await startRedisServer([], { ownProcessGroup: true });
    return {
      url: server.url,
      description: `private redis-server, pid ${server.pid}, port ${server.port}`,
      pid: server.pid,
      stop: () => server.stop(),
    };
  } catch (error) {
    if (error instanceof RedisServerMissingError) {
      throw new RedisUnavailableError(`Redis is needed and REDIS_URL is not set, but redis-server is not on the PATH. ${HOW_TO_FIX}`);
    }
    throw new RedisUnavailableError(`Could not start a private redis-server (${(error as Error).message}). ${HOW_TO_FIX}`);
  }
}

async function ping(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RedisUnavailableError(
      `REDIS_URL ${redactPassword(url)} does not answer (${(error as Error).message}). Unset it to let the dev mode start ` +
        `a private redis-server, or fix the URL.`,
    );
  } finally {
    client.disconnect();
  }
}

export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
