import { describe, expect, it } from "vitest";
import { metadataSchema } from "../../src/domain/metadata.ts";

const parse = (json: string) => metadataSchema.safeParse(JSON.parse(json));

describe("metadataSchema", () => {
  it("keeps __proto__ and constructor as own entries, in order, without touching the prototype", () => {
    const result = parse('{"__proto__":"p","constructor":"c","a":"b"}');
    expect(result.success).toBe(true);
    const metadata = result.data ?? {};
    expect(Object.entries(metadata)).toEqual([["__proto__", "p"], ["constructor", "c"], ["a", "b"]]);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(JSON.stringify(metadata)).toBe('{"__proto__":"p","constructor":"c","a":"b"}');
  });

  it.each([
    ['{"__proto__":{"isAdmin":true}}', "values must be strings of at most 256 characters"],
    ['{"":"v"}', "keys must be 1-64 characters"],
    [JSON.stringify({ ["k".repeat(65)]: "v" }), "keys must be 1-64 characters"],
    [JSON.stringify({ k: "v".repeat(257) }), "values must be strings of at most 256 characters"],
    [JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, ""]))), "must have at most 20 entries"],
    ["[]", "must be an object of string values"],
    ["null", "must be an object of string values"],
  ])("refuses %s with the rule it breaks and no key", (json, rule) => {
    const result = parse(json);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([[[], rule]]);
  });

  it("accepts the bounds themselves", () => {
    const entries = Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(64, "k"), "v".repeat(256)]);
    expect(parse(JSON.stringify(Object.fromEntries(entries))).success).toBe(true);
    expect(parse('{"k":""}').success).toBe(true);
  });
});
