import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import { beforeAll, describe, expect, it } from "vitest";
import { ASYNCAPI_PATH } from "../../scripts/contract/contract-files.ts";

const path = resolve(import.meta.dirname, "../..", ASYNCAPI_PATH);
let parsed: Awaited<ReturnType<Parser["parse"]>>;

beforeAll(async () => {
  parsed = await new Parser().parse(await readFile(path, "utf8"), { source: path });
});

describe(`${ASYNCAPI_PATH}, read by @asyncapi/parser`, () => {
  it("is a valid AsyncAPI 3 document: no diagnostic of severity error, nor any warning", () => {
    // The parser's diagnostics carry another copy of this enum (spectral's), so compare the numbers.
    const worstAllowed = Number(DiagnosticSeverity.Information);
    const problems = parsed.diagnostics
      .filter((d) => Number(d.severity) < worstAllowed)
      .map((d) => `${d.code} at ${d.path.join(".")}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(parsed.document?.version()).toMatch(/^3\./);
  });

  it("covers every message the service reads or writes, each with an example", () => {
    const messages = parsed.document?.allMessages().all() ?? [];
    expect(messages.map((m) => m.name()).sort()).toEqual(
      ["inboundSms", "smsDeliveryEvent", "verification.cancelled", "verification.decided", "verification.requested"].sort(),
    );
    for (const message of messages) expect(message.examples().length, message.name()).toBeGreaterThan(0);
  });

  it("has one channel per queue or topic, with its SQS or SNS binding, and operations that receive from queues and send to the topic", () => {
    const operations = parsed.document?.operations().all() ?? [];
    const byChannel = operations.map((operation) => {
      const channel = operation.channels().all()[0];
      return {
        address: channel?.address(),
        action: operation.action(),
        bindings: channel?.bindings().all().map((b) => b.protocol()),
        operationBindings: operation.bindings().all().map((b) => b.protocol()),
      };
    });
    expect(byChannel.sort((a, b) => String(a.address).localeCompare(String(b.address)))).toEqual([
      { address: "sms-events", action: "receive", bindings: ["sqs"], operationBindings: ["sqs"] },
      { address: "two-way-sms-inbound", action: "receive", bindings: ["sqs"], operationBindings: ["sqs"] },
      { address: "verification-decisions", action: "send", bindings: ["sns"], operationBindings: ["sns"] },
      { address: "verification-requests", action: "receive", bindings: ["sqs"], operationBindings: ["sqs"] },
    ]);
  });

  it("gives the decision event its SNS message attributes eventType and decision as headers", () => {
    const decided = parsed.document?.messages().all().find((m) => m.name() === "verification.decided");
    expect(Object.keys(decided?.headers()?.properties() ?? {}).sort()).toEqual(["decision", "eventType"]);
    expect(decided?.payload()?.properties()?.schemaVersion?.const()).toBe(2);
  });
});
