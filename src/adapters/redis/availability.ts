import type { RedisClient } from "./scripts.ts";

export interface AvailabilityHandlers {
  onUp(): void;
  onDown(): void;
}

/**
 * Calls onUp when the client becomes ready and onDown when it loses its connection, once per
 * change. The service stops polling SQS while Redis is away, so messages are neither deleted nor
 * received again and again (which would push them to the dead-letter queue), and resumes by itself.
 */
export function watchAvailability(client: RedisClient, handlers: AvailabilityHandlers): { readonly up: boolean } {
  const state = { up: client.status === "ready" };
  const set = (up: boolean) => {
    if (state.up === up) return;
    state.up = up;
    if (up) handlers.onUp();
    else handlers.onDown();
  };
  client.on("ready", () => set(true));
  client.on("close", () => set(false));
  client.on("end", () => set(false));
  if (state.up) handlers.onUp();
  return state;
}
