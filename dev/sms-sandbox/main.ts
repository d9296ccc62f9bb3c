import { startSmsSandbox } from "./sms-sandbox.ts";

/**
 * Runs the SMS sandbox alone (docker-compose): SMS_SANDBOX_HOST, SMS_SANDBOX_PORT, SMS_SANDBOX_NUMBER,
 * and SMS_SANDBOX_MAX_PARTS_PER_SECOND to throttle above a carrier's rate (a toll-free number: 3).
 */
const maxPartsPerSecond = process.env.SMS_SANDBOX_MAX_PARTS_PER_SECOND;
const sandbox = await startSmsSandbox({
  host: process.env.SMS_SANDBOX_HOST ?? "127.0.0.1",
  port: Number(process.env.SMS_SANDBOX_PORT ?? 4577),
  phoneNumbers: [{ phoneNumber: process.env.SMS_SANDBOX_NUMBER ?? "+18885550100" }],
  ...(maxPartsPerSecond ? { maxPartsPerSecond: Number(maxPartsPerSecond) } : {}),
});
process.stdout.write(`SMS sandbox listening on ${sandbox.url}\n`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
