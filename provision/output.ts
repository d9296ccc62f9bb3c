import type { Step } from "./steps.ts";

export interface ServiceEnvironment {
  AWS_REGION: string;
  REQUESTS_QUEUE_URL: string;
  INBOUND_QUEUE_URL: string;
  DECISIONS_TOPIC_ARN: string;
  ORIGINATION_IDENTITY: string;
  SMS_CONFIGURATION_SET: string;
  SMS_EVENTS_QUEUE_URL: string;
}

export function formatPlan(steps: readonly Step[]): string {
  const width = Math.max(0, ...steps.map((s) => s.resource.length));
  return steps
    .map((s) => {
      const [first = "", ...rest] = s.detail.split("\n");
      const head = `${s.action.padEnd(7)} ${s.resource.padEnd(width)}  ${first}`;
      return [head, ...rest.map((line) => `        ${line}`)].join("\n");
    })
    .join("\n");
}

/** Lines a shell or an env file accepts. */
export function formatEnvironment(env: ServiceEnvironment): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
}
