import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Config } from "../../config.ts";
import type { RedisClient } from "./scripts.ts";

/**
 * One client for the whole process. Auto-pipelining folds the commands issued in one tick into
 * one write, so concurrent handlers share round trips.
 */
export function createRedisClient(redis: Config["redis"]): RedisClient {
  const url = new URL(redis.url);
  const tls = url.protocol === "rediss:" ? { servername: url.hostname } : undefined;
  const common: RedisOptions = {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    lazyConnect: false,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(tls ? { tls } : {}),
  };
  if (redis.clusterNodes) {
    return new Cluster(redis.clusterNodes, {
      enableAutoPipelining: true,
      redisOptions: common,
      // ElastiCache-style TLS endpoints must be reached by the name in their certificate.
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    });
  }
  return new Redis(redis.url, common);
}
