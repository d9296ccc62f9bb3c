/**
 * One JSON ARGV for a script that takes many arguments, read by name (cjson.decode) instead of by
 * position. Strings are made well-formed first: Redis's cjson refuses a lone surrogate escape, which
 * plain UTF-8 arguments would have carried as U+FFFD.
 */
export function namedArguments(values: Record<string, string | number | boolean>): string {
  return JSON.stringify(values, (_key, value: unknown) => (typeof value === "string" ? value.toWellFormed() : value));
}
