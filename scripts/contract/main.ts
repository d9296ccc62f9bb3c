// npm run contract:generate: writes docs/asyncapi.yaml and docs/schemas/*.json, and removes schema
// files no message uses any more.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { contractFiles, SCHEMAS_DIR } from "./contract-files.ts";

const root = resolve(import.meta.dirname, "../..");
const files = contractFiles();

await mkdir(join(root, SCHEMAS_DIR), { recursive: true });
const wanted = new Set(files.map((file) => file.path));
for (const name of await readdir(join(root, SCHEMAS_DIR))) {
  const path = `${SCHEMAS_DIR}/${name}`;
  if (!wanted.has(path)) await rm(join(root, path));
}
for (const file of files) {
  await mkdir(dirname(join(root, file.path)), { recursive: true });
  await writeFile(join(root, file.path), file.content);
  console.log(`wrote ${file.path}`);
}
