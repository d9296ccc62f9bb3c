/**
 * Preload for the service (`--service-node-options="--import=./bench/http-counter.ts"`): counts the
 * process's outgoing HTTP requests by AWS operation (x-amz-target; SNS's query protocol shows as
 * "POST <host>/") and wall-clock second, and writes them to $TMPDIR/fv-http-<pid>.json at exit.
 * `node bench/preload-summary.ts` summarises them.
 */
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import type { ClientRequest } from "node:http";
import { tmpdir } from "node:os";

const counts: Record<string, Record<string, number>> = {};
subscribe("http.client.request.start", (message) => {
  const request = (message as { request: ClientRequest }).request;
  const target = String(request.getHeader("x-amz-target") ?? `${request.method} ${request.host}${request.path}`);
  const bucket = (counts[String(Math.floor(Date.now() / 1000))] ??= {});
  bucket[target] = (bucket[target] ?? 0) + 1;
});
process.on("exit", () => writeFileSync(`${tmpdir()}/fv-http-${process.pid}.json`, JSON.stringify(counts)));
