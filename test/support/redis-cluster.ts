import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, startRedisServer as startPrivateRedis, type PrivateRedis } from "../../dev/redis-server.ts";

const run = promisify(execFile);

/** Redis Cluster's bus listens on the client port + 10000, which must still be a port. */
export const CLUSTER_BUS_OFFSET = 10_000;
const MAX_PORT = 65_535;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports whose bus ports (port + 10000) are free and below 65536. The kernel's
 * ephemeral range reaches 60999, so a port from freePort() alone may have no bus port.
 */
export async function freeClusterPorts(count: number): Promise<number[]> {
  const chosen: number[] = [];
  for (let attempt = 0; chosen.length < count; attempt += 1) {
    if (attempt >= 200) throw new Error("no free ports with a free cluster bus port below 65536");
    const port = await freePort();
    const bus = port + CLUSTER_BUS_OFFSET;
    const clashes = chosen.some((other) => other === port || other === bus || other + CLUSTER_BUS_OFFSET === port || other + CLUSTER_BUS_OFFSET === bus);
    if (bus <= MAX_PORT && !clashes && (await isFree(bus))) chosen.push(port);
  }
  return chosen;
}

export interface TestRedisCluster {
  ports: number[];
  /** REDIS_CLUSTER_NODES for the service. */
  nodes: string;
  /** A seed URL (carries the password when there is one). */
  url: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  password?: string;
  /** TLS on every node (and the cluster bus) with this certificate and key; plain ports off. */
  tls?: { cert: string; key: string; host: string };
}

/** Three masters, no replicas, from `redis-server --cluster-enabled yes` and `redis-cli --cluster create`. */
export async function startRedisCluster(options: ClusterOptions = {}): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "fv-cluster-"));
  const ports = await freeClusterPorts(3);
  const auth = options.password ? ["--requirepass", options.password, "--masterauth", options.password] : [];
  const tls = options.tls
    ? ["--port", "0", "--tls-cluster", "yes", "--tls-replication", "yes", "--tls-auth-clients", "no",
       "--tls-cert-file", options.tls.cert, "--tls-key-file", options.tls.key, "--tls-ca-cert-file", options.tls.cert]
    : [];
  const servers: PrivateRedis[] = await Promise.all(
    ports.map((port) =>
      startPrivateRedis([
        ...(options.tls ? ["--tls-port", String(port)] : ["--port", String(port)]),
        "--dir", dir,
        "--cluster-enabled", "yes",
        "--cluster-config-file", `nodes-${port}.conf`,
        "--cluster-node-timeout", "2000",
        ...auth,
        ...tls,
      ]),
    ),
  );
  const cliAuth = options.password ? ["-a", options.password, "--no-auth-warning"] : [];
  const cliTls = options.tls ? ["--tls", "--cacert", options.tls.cert] : [];
  await run("redis-cli", [...cliAuth, ...cliTls, "--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
  await waitUntilClusterOk(ports, [...cliAuth, ...cliTls]);
  const host = options.tls?.host ?? "127.0.0.1";
  const credentials = options.password ? `:${options.password}@` : "";
  return {
    ports,
    nodes: ports.map((p) => `${host}:${p}`).join(","),
    url: `${options.tls ? "rediss" : "redis"}://${credentials}${host}:${ports[0]}`,
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Cluster state converges through gossip: ask each node until all say ok (bounded). */
async function waitUntilClusterOk(ports: number[], cliArgs: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = await Promise.all(
      ports.map(async (port) => (await run("redis-cli", [...cliArgs, "-p", String(port), "cluster", "info"])).stdout),
    );
    if (states.every((state) => state.includes("cluster_state:ok"))) return;
    if (Date.now() > deadline) throw new Error(`the test cluster did not converge:\n${states.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
