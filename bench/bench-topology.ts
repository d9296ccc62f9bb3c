/** Names the bench adds to the production topology, and what the emulator process reports. */
import { localNames } from "../dev/local-topology.ts";

/** Bench-only: a topic fanned into a queue of its own, filled and drained for the transport ceiling. */
export const CEILING_TOPIC = "bench-ceiling";
export const CEILING_QUEUE = "bench-ceiling";

export const NAMES = localNames;

export interface EmulatorReady {
  type: "ready";
  endpoint: string;
  queues: Record<string, string>;
  topics: Record<string, string>;
}
