// `npm run dev`: the whole system in this process (plus a private redis-server child), one URL
// printed, everything stopped on Ctrl-C. `--demo` runs the scripted scenarios and exits.
import { parseArgs } from "node:util";
import { ConfigError } from "../src/config.ts";
import { runDemo } from "./demo/run-demo.ts";
import { RedisUnavailableError } from "./local-redis.ts";
import { startLocalSystem, type LocalSystem } from "./local-system.ts";

const DEFAULT_PORT = 8025;
const USAGE = `usage: npm run dev -- [--port <n>] [--host <address>] [--demo]
  --port   dev page port (default ${DEFAULT_PORT}; a free port if it is taken; 0 = any free port)
  --host   dev page address (default 127.0.0.1)
  --demo   run the scripted scenarios, print each decision, exit 0 when all are as expected
environment: REDIS_URL (else a private redis-server is started), LOG_LEVEL (service logs on stderr, default warn),
             BRAND_NAME, VERIFICATION_TTL_SECONDS`;

function parseOptions(): { port: number; host: string; demo: boolean; portGiven: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        demo: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be 0-65535, got ${values.port}`);
  return { port, host: values.host, demo: values.demo, portGiven: values.port !== undefined };
}

class UsageError extends Error {}

function start(options: ReturnType<typeof parseOptions>): Promise<LocalSystem> {
  return startLocalSystem({
    port: options.port,
    // The default port is only a preference; an explicit --port is not.
    fallbackToFreePort: !options.portGiven,
    host: options.host,
    redisUrl: process.env.REDIS_URL || undefined,
    logLevel: process.env.LOG_LEVEL || "warn",
    env: process.env,
  });
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = start(options);
  let stopping = false;
  // Ctrl-C during start-up waits for it to finish, then stops everything it started.
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const system = await started.catch(() => undefined);
    await system?.stop();
    process.exit(exitCode);
  };
  const onSignal = () => {
    if (stopping) process.exit(1); // a second Ctrl-C: stop waiting (the exit hook still kills redis-server)
    // An interrupted demo has not shown that everything works.
    void stop(options.demo ? 130 : 0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

  const system = await started;
  if (stopping) return;
  const { redis } = system;
  process.stdout.write(
    `Local system up: SNS/SQS emulator (fauxqs), SMS sandbox, Redis (${redis.description}), the service.\n` +
      `${options.demo ? "Watch the demo at" : "Dev page:"} ${system.url}\n` +
      (options.demo ? "" : "Ctrl-C stops everything.\n"),
  );
  if (options.demo) {
    const passed = await runDemo(system, (line) => process.stdout.write(`${line}\n`));
    await stop(passed ? 0 : 1);
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    process.stderr.write(`${message}: choose another port with --port <n> (0: any free port)\n`);
  } else if (error instanceof RedisUnavailableError || error instanceof ConfigError) {
    process.stderr.write(`${message}\n`);
  } else if (error instanceof UsageError) {
    process.stderr.write(`${message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`dev mode failed to start: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  }
  process.exit(1);
});
