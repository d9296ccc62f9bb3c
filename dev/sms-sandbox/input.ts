// Readers for the members of a decoded request body. Each one raises the
// ValidationException the real service would return for a wrongly typed member.
import { validationError } from "./protocol.ts";

export type Input = Record<string, unknown>;

const E164 = /^\+[1-9]\d{7,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

function invalid(name: string, expected: string) {
  return validationError("INVALID_PARAMETER", `${name} must be ${expected}`, {
    name,
    message: `must be ${expected}`,
  });
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(name, "a string");
  return value;
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === "") {
    throw validationError("MISSING_PARAMETER", `${name} is required`, { name, message: "is required" });
  }
  return value;
}

export function requiredE164(input: Input, name: string): string {
  const value = requiredString(input, name);
  if (!isE164(value)) throw invalid(name, "an E.164 phone number");
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(name, "a boolean");
  return value;
}

export function optionalInteger(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(name, "an integer");
  return value;
}

export function optionalStringList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalid(name, "a list of strings");
  }
  return value;
}

export function optionalStringMap(input: Input, name: string): Record<string, string> | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    !Object.values(value).every((item) => typeof item === "string")
  ) {
    throw invalid(name, "a map of strings");
  }
  return { ...(value as Record<string, string>) };
}

export interface Filter {
  name: string;
  values: string[];
}

export function optionalFilters(input: Input, name: string): Filter[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(name, "a list of filters");
  return value.map((item: unknown, index) => {
    if (typeof item !== "object" || item === null) throw invalid(`${name}[${index}]`, "a filter");
    const filter = item as Input;
    return {
      name: requiredString(filter, "Name"),
      values: optionalStringList(filter, "Values") ?? [],
    };
  });
}

// NextToken is an opaque offset into the (stable) result order.
export function paginate<T>(items: T[], input: Input): { page: T[]; nextToken?: string } {
  const maxResults = optionalInteger(input, "MaxResults") ?? 100;
  if (maxResults < 1 || maxResults > 100) throw invalid("MaxResults", "between 1 and 100");
  const token = optionalString(input, "NextToken");
  const decoded = token === undefined ? "0" : Buffer.from(token, "base64url").toString();
  const start = /^\d+$/.test(decoded) ? Number(decoded) : Number.NaN;
  if (!(start <= items.length)) {
    throw validationError("INVALID_NEXT_TOKEN", "NextToken is not valid");
  }
  const end = start + maxResults;
  const page = items.slice(start, end);
  if (end >= items.length) return { page };
  return { page, nextToken: Buffer.from(String(end)).toString("base64url") };
}
