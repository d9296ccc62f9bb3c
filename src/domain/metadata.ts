import { z } from "zod";

export const MAX_METADATA_ENTRIES = 20;
const MAX_KEY_CHARS = 64;
const MAX_VALUE_CHARS = 256;

const KEY_RULE = `keys must be 1-${MAX_KEY_CHARS} characters`;
const VALUE_RULE = `values must be strings of at most ${MAX_VALUE_CHARS} characters`;
const OBJECT_RULE = "must be an object of string values";

/**
 * The request's metadata read as a list of entries, so that every key a JSON object can hold is one.
 * Read as an object, `__proto__` would name the object's prototype rather than an entry: zod's record
 * skips such keys without checking their values, and `object[key] = value` sets a prototype.
 */
const entriesSchema = z
  .array(
    z.tuple([
      z.string({ error: KEY_RULE }).min(1, KEY_RULE).max(MAX_KEY_CHARS, KEY_RULE),
      z.string({ error: VALUE_RULE }).max(MAX_VALUE_CHARS, VALUE_RULE),
    ]),
  )
  .max(MAX_METADATA_ENTRIES, `must have at most ${MAX_METADATA_ENTRIES} entries`);

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * What a sender may write, stated for the JSON Schema export (`io: "input"`). It passes the value on
 * untouched, so the parse below sees every key as it came.
 */
const asWritten = z.unknown().meta({
  type: "object",
  maxProperties: MAX_METADATA_ENTRIES,
  propertyNames: { minLength: 1, maxLength: MAX_KEY_CHARS },
  additionalProperties: { type: "string", maxLength: MAX_VALUE_CHARS },
});

/**
 * ≤ 20 entries, keys 1–64 chars, values ≤ 256 chars, any key included (`__proto__`, `constructor`).
 * The result has each entry as an own property (Object.fromEntries defines, never assigns), so
 * JSON.stringify writes back exactly the entries that came in, in their order.
 */
export const metadataSchema = asWritten.pipe(
  z.transform((metadata: unknown, ctx): Record<string, string> => {
    const parsed = isPlainObject(metadata) ? entriesSchema.safeParse(Object.entries(metadata)) : null;
    if (parsed?.success) return Object.fromEntries(parsed.data);
    // The rule only: which entry broke it would name a key, and keys may be anything (a phone number).
    const rules = parsed === null ? [OBJECT_RULE] : new Set(parsed.error.issues.map((issue) => issue.message));
    for (const message of rules) ctx.issues.push({ code: "custom", message, input: undefined });
    return z.NEVER;
  }),
);
