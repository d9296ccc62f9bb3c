import { z } from "zod";

export const MAX_METADATA_ENTRIES = 20;

/**
 * The request's metadata as a list of entries, so that every key a JSON object can hold is one.
 * Parsed into an object, `__proto__` would name the object's prototype rather than an entry: zod's
 * record skips such keys without checking their values, and `object[key] = value` sets a prototype.
 */
const KEY_RULE = "keys must be 1-64 characters";
const VALUE_RULE = "values must be strings of at most 256 characters";
const entriesSchema = z
  .array(
    z.tuple([
      z.string({ error: KEY_RULE }).min(1, KEY_RULE).max(64, KEY_RULE),
      z.string({ error: VALUE_RULE }).max(256, VALUE_RULE),
    ]),
  )
  .max(MAX_METADATA_ENTRIES, `must have at most ${MAX_METADATA_ENTRIES} entries`);

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * ≤ 20 entries, keys 1–64 chars, values ≤ 256 chars, any key included (`__proto__`, `constructor`).
 * The result has each entry as an own property (Object.fromEntries defines, never assigns), so
 * JSON.stringify writes back exactly the entries that came in, in their order.
 */
export const metadataSchema = z
  .custom<object>(isPlainObject, "must be an object of string values")
  .transform((metadata, ctx) => {
    const parsed = entriesSchema.safeParse(Object.entries(metadata));
    if (parsed.success) return Object.fromEntries(parsed.data);
    // The rule only: which entry broke it would name a key, and keys may be anything (a phone number).
    for (const message of new Set(parsed.error.issues.map((issue) => issue.message))) {
      ctx.issues.push({ code: "custom", message, input: undefined });
    }
    return z.NEVER;
  });
