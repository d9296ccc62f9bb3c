// npm run provision -- --phone-number <id|arn|E.164> [...]: sets up two-way SMS, the delivery events
// (configuration set and event destination) and the queues and topics the service needs, in the
// account the AWS SDK's default credentials name.
import { parseProvisionArgs, USAGE, UsageError } from "./args.ts";
import { clientsFromEnvironment, destroyClients } from "./clients.ts";
import { provision } from "./provision.ts";

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseProvisionArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const clients = clientsFromEnvironment(process.env);
  try {
    const result = await provision(options, clients, {
      report: (text) => process.stderr.write(`${text}\n`),
      environment: (text) => process.stdout.write(`${text}\n`),
    });
    return result.outcome === "refused" ? 1 : 0;
  } finally {
    destroyClients(clients);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`provision failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
