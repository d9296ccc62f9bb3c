// The test cluster's ports: the kernel hands out ephemeral ports up to 60999, but a cluster node also
// listens on its port + 10000, so a node on a port above 55535 could not start.
import { describe, expect, it } from "vitest";
import { CLUSTER_BUS_OFFSET, freeClusterPorts } from "../support/redis-cluster.ts";

describe("freeClusterPorts", () => {
  it("gives distinct ports whose cluster bus ports are below 65536 and apart from every other port", async () => {
    for (let run = 0; run < 50; run += 1) {
      const ports = await freeClusterPorts(3);
      const all = [...ports, ...ports.map((port) => port + CLUSTER_BUS_OFFSET)];
      expect(new Set(all).size).toBe(6);
      expect(Math.max(...all)).toBeLessThanOrEqual(65_535);
    }
  });
});
