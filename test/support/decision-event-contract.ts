import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";
import type { DecisionEvent } from "../../src/domain/decision-event.ts";

// The published JSON Schemas (docs/schemas), not the zod schemas they come from: what a consumer
// validates against is what the tests hold every received decision event to.
const schemasDir = join(import.meta.dirname, "../../docs/schemas");
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);

const compile = (file: string): ValidateFunction => ajv.compile(JSON.parse(readFileSync(join(schemasDir, file), "utf8")) as object);
const validateEvent = compile("decision-event.json");
const validateAttributes = compile("decision-event-attributes.json");

export interface SnsAttribute {
  DataType: string;
  StringValue?: string;
}

/** The event, after checking it (and its SNS message attributes, when given) against the published schemas. */
export function publishedDecisionEvent(event: unknown, attributes?: Record<string, unknown>): DecisionEvent {
  assertValid(validateEvent, event, "decision event");
  if (attributes) assertValid(validateAttributes, attributes, "decision event's SNS message attributes");
  return event as DecisionEvent;
}

/** A decision as the decisions topic published it (a fauxqs spy message), checked against the published schemas. */
export function decisionFromSnsMessage(message: { body: string; messageAttributes: Record<string, SnsAttribute> }): DecisionEvent {
  // Only String attributes are in the contract; any other kind is kept whole, so the schema refuses it.
  const attributes = Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, attribute]) => [name, attribute.DataType === "String" ? attribute.StringValue : attribute]),
  );
  return publishedDecisionEvent(JSON.parse(message.body), attributes);
}

function assertValid(validate: ValidateFunction, value: unknown, what: string): void {
  if (validate(value)) return;
  const problems = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`);
  throw new Error(`${what} breaks its published JSON Schema: ${problems.join("; ")}\n${JSON.stringify(value)}`);
}
