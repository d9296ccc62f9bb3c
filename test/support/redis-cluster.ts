import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, startRedisServer as startPrivateRedis, type PrivateRedis } from "../../dev/redis-server.ts";

const run = promisify(execFile);

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
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
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
