// Read, plan, refuse or apply, print: the whole provisioning run.
import type { ProvisionOptions } from "./args.ts";
import type { ProvisionClients } from "./clients.ts";
import { readCurrentState } from "./current-state.ts";
import type { CurrentState } from "./current-state.ts";
import { executePlan } from "./execute.ts";
import type { QueueUrls } from "./execute.ts";
import { formatEnvironment, formatPlan } from "./output.ts";
import type { ServiceEnvironment } from "./output.ts";
import { buildPlan, isRefused } from "./plan.ts";
import type { Step } from "./steps.ts";

export interface ProvisionOutput {
  /** The plan and what happened (humans read it: stderr in the CLI). */
  report(text: string): void;
  /** The service's environment (stdout in the CLI, so it can be redirected to an env file). */
  environment(text: string): void;
}

export type ProvisionResult =
  | { outcome: "refused"; steps: Step[] }
  | { outcome: "planned"; steps: Step[] }
  | { outcome: "applied"; steps: Step[]; environment: ServiceEnvironment };

function serviceEnvironment(state: CurrentState, queueUrls: QueueUrls): ServiceEnvironment {
  const url = (name: string) => {
    const found = queueUrls.get(name);
    if (!found) throw new Error(`queue ${name} has no URL after provisioning`);
    return found;
  };
  return {
    AWS_REGION: state.scope.region,
    REQUESTS_QUEUE_URL: url(state.queues.requests.name),
    INBOUND_QUEUE_URL: url(state.queues.inbound.name),
    DECISIONS_TOPIC_ARN: state.decisionsTopic.arn,
    ORIGINATION_IDENTITY: state.phoneNumber?.PhoneNumberArn ?? "",
    SMS_CONFIGURATION_SET: state.names.configurationSet,
    SMS_EVENTS_QUEUE_URL: url(state.queues.smsEvents.name),
  };
}

export async function provision(
  options: ProvisionOptions,
  clients: ProvisionClients,
  output: ProvisionOutput,
): Promise<ProvisionResult> {
  const state = await readCurrentState(clients, options);
  const steps = buildPlan(state, options);
  const changes = steps.filter((s) => s.operation).length;
  if (isRefused(steps)) {
    output.report(`${formatPlan(steps)}\n\nRefused: nothing was changed. Fix the "refuse" lines above and run again.`);
    return { outcome: "refused", steps };
  }
  if (options.dryRun) {
    output.report(`${formatPlan(steps)}\n\nDry run: ${changes} change(s) planned, nothing was changed.`);
    return { outcome: "planned", steps };
  }
  output.report(formatPlan(steps));
  const queueUrls: QueueUrls = new Map(
    Object.values(state.queues).flatMap((q) => (q.url === undefined ? [] : [[q.name, q.url] as const])),
  );
  await executePlan(steps, clients, queueUrls);
  output.report(changes === 0 ? "\nNothing to change." : `\nApplied ${changes} change(s).`);
  const environment = serviceEnvironment(state, queueUrls);
  output.environment(formatEnvironment(environment));
  return { outcome: "applied", steps, environment };
}
