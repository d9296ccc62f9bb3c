/**
 * `npm run bench`: the benchmark harness. Prints the figures (a table, or one JSON object with
 * --json) on stdout and progress on stderr. Exit status: 0 when every decision was right, 1 when
 * any decision was wrong, missing, unexpected or duplicated, or the run broke; 2 on a usage error.
 * It asserts nothing about speed.
 */
import { DecisionCheckError } from "./decisions.ts";
import { parseOptions, UsageError, USAGE } from "./options.ts";
import { formatReport } from "./report.ts";
import { runBench, stopEverything } from "./run.ts";

/** Four decimals are plenty for every figure (ms, shares, rates) and keep the JSON readable. */
function roundForJson(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isInteger(value) ? Math.round(value * 10_000) / 10_000 : value;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  // Ctrl-C: leave no service, emulator or redis-server behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping what the run started`);
      void stopEverything().finally(() => process.exit(130));
    });
  }
  try {
    const result = await runBench(options, log);
    process.stdout.write(options.json ? `${JSON.stringify(result, roundForJson, 2)}\n` : formatReport(result));
    return 0;
  } catch (error) {
    if (error instanceof DecisionCheckError) {
      const hint = options.injectWrongExpectation
        ? "\n(--inject-wrong-expectation flipped one expectation on purpose: this failure is the expected outcome)"
        : "";
      process.stderr.write(`[bench] FAILED: ${error.message}${hint}\n`);
      return 1;
    }
    process.stderr.write(`[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

// Exit explicitly: SDK keep-alive sockets and timers must not keep a finished run alive.
main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`[bench] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
