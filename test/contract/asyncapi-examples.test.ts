import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ASYNCAPI_PATH, SCHEMAS_DIR } from "../../scripts/contract/contract-files.ts";
import { publishedSchemas, schemaNames } from "../../scripts/contract/published-schemas.ts";

const root = resolve(import.meta.dirname, "../..");

interface Example {
  name: string;
  headers?: unknown;
  payload: unknown;
}
interface AsyncApiMessage {
  name: string;
  headers?: { $ref: string };
  payload: { $ref: string };
  examples?: Example[];
}
interface AsyncApi {
  components: { schemas: Record<string, object>; messages: Record<string, AsyncApiMessage> };
}

// Each example is checked against the schema the AsyncAPI document gives it (its own, draft-07
// dialect) and against the published 2020-12 file of the same name: a consumer may use either.
const document = parse(readFileSync(join(root, ASYNCAPI_PATH), "utf8")) as AsyncApi;
const draft7 = new Ajv({ allErrors: true, strict: true });
const draft2020 = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(draft7);
addFormats.default(draft2020);

const fileByTitle = new Map(schemaNames.map((name) => [publishedSchemas[name].title as string, `${SCHEMAS_DIR}/${name}.json`]));

function validatorsOf(ref: string): Array<[string, ValidateFunction]> {
  const title = ref.replace("#/components/schemas/", "");
  const inline = document.components.schemas[title];
  const file = fileByTitle.get(title);
  if (!inline || !file) throw new Error(`${ref} names no published schema`);
  const published = JSON.parse(readFileSync(join(root, file), "utf8")) as object;
  return [
    [`${ASYNCAPI_PATH} ${ref}`, draft7.compile(inline)],
    [file, draft2020.compile(published)],
  ];
}

const cases = Object.entries(document.components.messages).flatMap(([id, message]) =>
  (message.examples ?? []).flatMap((example) => [
    ...validatorsOf(message.payload.$ref).map(([schema, validate]) => ({ label: `${id} "${example.name}" payload vs ${schema}`, validate, value: example.payload })),
    ...(message.headers
      ? validatorsOf(message.headers.$ref).map(([schema, validate]) => ({ label: `${id} "${example.name}" headers vs ${schema}`, validate, value: example.headers }))
      : []),
  ]),
);

describe(`the examples in ${ASYNCAPI_PATH}`, () => {
  it("exist for every message", () => {
    for (const [id, message] of Object.entries(document.components.messages)) expect(message.examples?.length, id).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.label, c] as const))("%s", (_label, { validate, value }) => {
    const valid = validate(value);
    expect(validate.errors ?? [], JSON.stringify(value)).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe("the published decision event schema", () => {
  const [, validate] = validatorsOf("#/components/schemas/DecisionEvent")[1]!;
  const example = document.components.messages.verificationDecided?.examples?.[0]?.payload as Record<string, unknown>;

  it.each([
    ["schemaVersion 1", { ...example, schemaVersion: 1 }],
    ["an unknown decision", { ...example, decision: "MAYBE" }],
    ["a missing eventId", { ...example, eventId: undefined }],
    ["a time without milliseconds", { ...example, decidedAt: "2026-11-26T22:00:41Z" }],
  ])("refuses %s", (_what, event) => {
    expect(validate(JSON.parse(JSON.stringify(event)))).toBe(false);
  });
});
