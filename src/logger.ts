import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Paths redacted as a second line of defence: handlers log masked numbers and outcomes only,
 * but an accidental `log.info({ message })` must still not leak a number or a reply.
 */
const redactedPaths = [
  "phoneNumber",
  "*.phoneNumber",
  "originationNumber",
  "*.originationNumber",
  "destinationNumber",
  "*.destinationNumber",
  "messageBody",
  "*.messageBody",
  "body",
  "*.body",
  "Body",
  "*.Body",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "sms-fraud-verification" },
    redact: { paths: redactedPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
