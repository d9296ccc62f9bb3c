import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Config } from "../../config.ts";
import type { RedisClient } from "./scripts.ts";

/**
 * How long a connection with commands outstanding may go without a byte from Redis before it is
 * taken for dead: a Redis that stops answering while its connection stays open (a frozen process, a
 * failed-over node whose address now drops packets) would otherwise hold every command until TCP
 * keep-alive gives up, minutes later. Past it the connection is closed, its commands fail (their
 * messages are received again later), the consumers pause, and the client reconnects. The scripts
 * take well under a millisecond; 2 s leaves room for a slow fsync or a fork.
 */
export const REDIS_SOCKET_TIMEOUT_MS = 2_000;

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
    socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
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
