import type { z } from "zod";
import { PoisonMessageError } from "../errors.ts";

const MAX_REASON_CHARS = 500;

/**
 * Validates a payload, turning a failure into a PoisonMessageError whose text names the schema's
 * fields and the rule broken, never what the sender wrote: values, unknown field names and record
 * keys may all be phone numbers.
 */
export function parseMessage<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = schemaPath(issue.path);
      if (issue.code === "unrecognized_keys") return `${path}: ${issue.keys.length} unknown field(s)`;
      return `${path}: ${issue.message}`;
    })
    .join("; ");
  throw new PoisonMessageError("invalid_message", problems.slice(0, MAX_REASON_CHARS));
}

/** The path with only names the schema itself defines: a record's keys (metadata's) are the sender's. */
function schemaPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(message)";
  const [head] = path;
  if (head === "metadata" && path.length > 1) return "metadata.<key>";
  return path.map((segment) => (typeof segment === "number" ? `[${segment}]` : String(segment))).join(".");
}

