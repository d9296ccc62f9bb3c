import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startService } from "./service.ts";

/** Production entry point: configuration from the environment, wiring, and shutdown on signals. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  // Crash-only: anything unexpected ends the process; SQS redelivers what was not acknowledged.
  process.on("uncaughtException", (error) => {
    log.fatal({ err: { name: error.name, message: error.message } }, "uncaught exception");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason) }, "unhandled rejection");
    process.exit(1);
  });

  const service = await startService(config, { log });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    // A last bound in case closing a connection hangs: the platform's stop timeout must not be reached.
    setTimeout(() => {
      log.error("stop did not finish in time; exiting");
      process.exit(1);
    }, (config.shutdownTimeoutSeconds + 4) * 1000).unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
