import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { contractFiles, SCHEMAS_DIR } from "../../scripts/contract/contract-files.ts";

const root = resolve(import.meta.dirname, "../..");
const REGENERATE = "differs from the zod schemas: run `npm run contract:generate` and commit the result";

describe("the committed contract artifacts", () => {
  it.each(contractFiles().map((file) => [file.path, file] as const))("%s is what the zod schemas generate", async (path, file) => {
    const committed = await readFile(join(root, path), "utf8").catch(() => "(missing)");
    expect(committed, `${path} ${REGENERATE}`).toBe(file.content);
  });

  it(`${SCHEMAS_DIR} holds no schema the generator no longer writes`, async () => {
    const generated = contractFiles().map((file) => file.path).filter((path) => path.startsWith(`${SCHEMAS_DIR}/`));
    const committed = (await readdir(join(root, SCHEMAS_DIR))).map((name) => `${SCHEMAS_DIR}/${name}`);
    expect(committed.sort(), `${SCHEMAS_DIR} ${REGENERATE}`).toEqual(generated.sort());
  });
});
