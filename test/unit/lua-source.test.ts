import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadLuaScript, type ReadLua } from "../../src/adapters/redis/lua-source.ts";

function files(entries: Record<string, string>): ReadLua {
  return (path) => {
    const body = entries[path];
    if (body === undefined) throw new Error(`ENOENT: ${path}`);
    return body;
  };
}

describe("the Lua include loader", () => {
  it("inlines an include in place of its line", () => {
    const read = files({
      "main.lua": 'local a = 1\n--- @include "helper"\nreturn helper(a)\n',
      "include/helper.lua": "local function helper(x) return x + 1 end\n",
    });
    expect(loadLuaScript("main.lua", read)).toBe("local a = 1\nlocal function helper(x) return x + 1 end\nreturn helper(a)\n");
  });

  it("resolves nested includes and inlines each one once", () => {
    const read = files({
      "main.lua": '--- @include "outer"\n--- @include "inner"\nreturn outer()\n',
      "include/outer.lua": '--- @include "inner"\nlocal function outer() return inner() end',
      "include/inner.lua": "local function inner() return 2 end",
    });
    const source = loadLuaScript("main.lua", read);
    expect(source.match(/local function inner/g)).toHaveLength(1);
    expect(source.indexOf("local function inner")).toBeLessThan(source.indexOf("local function outer"));
  });

  it("leaves a line that only mentions @include elsewhere alone", () => {
    const read = files({ "main.lua": 'local s = \'--- @include "x"\'\nreturn s\n' });
    expect(loadLuaScript("main.lua", read)).toBe('local s = \'--- @include "x"\'\nreturn s\n');
  });

  it("names the script and the include that is missing", () => {
    const read = files({ "main.lua": '--- @include "nowhere"\n' });
    expect(() => loadLuaScript("main.lua", read)).toThrow('main.lua includes "nowhere", but include/nowhere.lua cannot be read');
  });

  it("refuses a cycle", () => {
    const read = files({
      "main.lua": '--- @include "a"\n',
      "include/a.lua": '--- @include "b"',
      "include/b.lua": '--- @include "a"',
    });
    expect(() => loadLuaScript("main.lua", read)).toThrow("Lua include cycle: a -> b -> a");
  });

  it("leaves no include line in any of the service's scripts", () => {
    const dir = new URL("../../src/adapters/redis/lua/", import.meta.url);
    const scripts = readdirSync(dir).filter((name) => name.endsWith(".lua"));
    expect(scripts.length).toBeGreaterThan(10);
    for (const script of scripts) expect(loadLuaScript(script)).not.toMatch(/@include/);
  });
});
