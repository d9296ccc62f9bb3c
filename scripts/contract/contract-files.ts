import { Document } from "yaml";
import { asyncApiDocument } from "./asyncapi-document.ts";
import { jsonSchemaOf, schemaNames } from "./published-schemas.ts";

export const ASYNCAPI_PATH = "docs/asyncapi.yaml";
export const SCHEMAS_DIR = "docs/schemas";

const GENERATED = "Generated from the zod schemas in src/domain by `npm run contract:generate`; do not edit.";

export interface ContractFile {
  /** Relative to the repository's root. */
  path: string;
  content: string;
}

/** The files `npm run contract:generate` writes, as they must be committed. */
export function contractFiles(): ContractFile[] {
  const schemas = schemaNames.map((name) => {
    const { dialect, schema } = jsonSchemaOf(name, "draft-2020-12");
    return { path: `${SCHEMAS_DIR}/${name}.json`, content: `${JSON.stringify({ $schema: dialect, $comment: GENERATED, ...schema }, null, 2)}\n` };
  });
  const document = new Document(asyncApiDocument(), { aliasDuplicateObjects: false });
  document.commentBefore = ` ${GENERATED}`;
  const asyncApi = { path: ASYNCAPI_PATH, content: document.toString({ lineWidth: 0 }) };
  return [asyncApi, ...schemas];
}
