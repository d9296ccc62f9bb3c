import { isE164 } from "./sms-sandbox/input.ts";
import type { HandsetReachability } from "./sms-sandbox/sms-sandbox.ts";

/** The dev page's carrier switch for one handset. */
export interface ReachabilityForm {
  handset?: unknown;
  reachability?: unknown;
}

export class ReachabilityFormError extends Error {
  override readonly name = "ReachabilityFormError";
}

const REACHABILITIES: readonly HandsetReachability[] = ["reachable", "unreachable", "blocked"];

export function reachabilityFromForm(form: ReachabilityForm): { handset: string; reachability: HandsetReachability } {
  const handset = typeof form.handset === "string" ? form.handset.replace(/[\s().-]/g, "") : "";
  if (!isE164(handset)) throw new ReachabilityFormError("handset must be an E.164 phone number");
  const reachability = REACHABILITIES.find((value) => value === form.reachability);
  if (!reachability) throw new ReachabilityFormError(`reachability must be one of ${REACHABILITIES.join(", ")}`);
  return { handset, reachability };
}
