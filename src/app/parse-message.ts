import type { z } from "zod";
import { PoisonMessageError } from "../errors.ts";

/**
 * Validates a payload, turning a failure into a PoisonMessageError whose text names the fields
 * and the rule broken, never the values (they may be phone numbers).
 */
export function parseMessage<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join(".") : "(message)";
      if (issue.code === "unrecognized_keys") return `${path}: unknown field(s) ${issue.keys.slice(0, 5).join(", ")}`;
      return `${path}: ${issue.message}`;
    })
    .join("; ");
  throw new PoisonMessageError("invalid_message", problems);
}
