// Which key each topic the provisioner creates is encrypted with. The events topic takes the two-way
// topic's key, so one key (and one key policy statement, which covers both) serves both topics.
import type { ProvisionOptions } from "./args.ts";
import type { CurrentState } from "./current-state.ts";

/** The KmsMasterKeyId the created two-way topic should have ("" = not encrypted). */
export function desiredTopicKey(state: CurrentState, options: ProvisionOptions): string {
  if (!state.key || !options.kmsKey) return "";
  return state.key.managed ? state.key.requested : (state.key.metadata?.Arn ?? state.key.requested);
}

/** The key of the two-way topic, as asked (--kms-key) or as found on a --topic-arn topic ("" = none). */
export function twoWayTopicKey(state: CurrentState, options: ProvisionOptions): string {
  if (options.kmsKey) return desiredTopicKey(state, options);
  return state.inboundTopic.managed ? "" : (state.inboundTopic.attributes["KmsMasterKeyId"] ?? "");
}
