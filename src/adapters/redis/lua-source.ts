import { readFileSync } from "node:fs";

const INCLUDE_LINE = /^--- @include "([\w-]+)"[ \t]*$/gm;

export type ReadLua = (relativePath: string) => string;

const readBesideThisFile: ReadLua = (relativePath) => readFileSync(new URL(`./lua/${relativePath}`, import.meta.url), "utf8");

/**
 * A script's source with every `--- @include "name"` line replaced by `include/name.lua`, so a step
 * shared by several scripts is written once. Includes may include others; each is inlined once per
 * script (a later line naming it again is dropped), and a cycle or a missing file is an error.
 */
export function loadLuaScript(file: string, read: ReadLua = readBesideThisFile): string {
  const inlined = new Set<string>();
  const expand = (source: string, chain: readonly string[]): string =>
    source.replace(INCLUDE_LINE, (_line, name: string) => {
      if (chain.includes(name)) throw new Error(`Lua include cycle: ${[...chain, name].join(" -> ")}`);
      if (inlined.has(name)) return `-- (${name} is included above)`;
      inlined.add(name);
      let body: string;
      try {
        body = read(`include/${name}.lua`);
      } catch (error) {
        throw new Error(`${file} includes "${name}", but include/${name}.lua cannot be read`, { cause: error });
      }
      return expand(body.trimEnd(), [...chain, name]);
    });
  return expand(read(file), []);
}
