/** Names the bench adds to the production topology, and what the emulator process reports. */
import { localNames } from "../dev/local-topology.ts";

/** Bench-only: a topic fanned into a queue of its own, filled and drained for the transport ceiling. */
export const CEILING_TOPIC = "bench-ceiling";
export const CEILING_QUEUE = "bench-ceiling";

/**
 * Bench-only: the fraud wave's own requests queue and two-way topic → queue, so nothing left of the
 * main service (a long poll still open at the emulator when it stopped) can take the wave's messages.
 */
export const FRAUD_WAVE = {
  requestsQueue: "bench-wave-requests",
  inboundTopic: "bench-wave-two-way-sms",
  inboundQueue: "bench-wave-inbound",
} as const;

export const NAMES = localNames;

export interface EmulatorReady {
  type: "ready";
  endpoint: string;
  queues: Record<string, string>;
  topics: Record<string, string>;
}
