import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fauxqsInit, localNames } from "../../dev/local-topology.ts";

describe("local topology", () => {
  it("deploy/fauxqs-init.json (docker-compose) is the same topology the dev mode and tests use", () => {
    const file = JSON.parse(readFileSync(new URL("../../deploy/fauxqs-init.json", import.meta.url), "utf8")) as unknown;
    expect(file).toEqual(fauxqsInit());
  });

  it("gives every consumed queue a dead-letter queue", () => {
    const init = fauxqsInit();
    for (const name of [localNames.requestsQueue, localNames.inboundQueue, localNames.decisionsQueue, localNames.smsEventsQueue]) {
      const queue = init.queues.find((q) => q.name === name);
      const policy = JSON.parse(queue?.attributes?.RedrivePolicy ?? "{}") as { deadLetterTargetArn?: string };
      expect(policy.deadLetterTargetArn).toMatch(/-dlq$/);
    }
  });
});
