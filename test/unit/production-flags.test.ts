import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRODUCTION_NODE_FLAGS } from "../../bench/options.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("production node flags", () => {
  it("are the same in npm start, the Dockerfile and the bench's service process", () => {
    const start = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(`node ${PRODUCTION_NODE_FLAGS.join(" ")} dist/main.js`);
    // The last stage is the default target, the production image; earlier stages have their own CMD.
    const cmd = [...read("Dockerfile").matchAll(/^CMD (\[.*\])$/gm)].at(-1)?.[1];
    expect(JSON.parse(cmd ?? "[]")).toEqual(["node", ...PRODUCTION_NODE_FLAGS, "dist/main.js"]);
  });
});
