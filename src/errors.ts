import type { UndeliverableReason } from "./domain/decision-event.ts";

/**
 * The error family of message handling. Each error says whether trying again can help:
 * a PoisonMessageError never succeeds (the message is dead-lettered or dropped),
 * a TransientError may (the message stays on the queue and is redelivered).
 */
export class PoisonMessageError extends Error {
  override readonly name = "PoisonMessageError";
  readonly retryable = false;
  /** A short machine-readable reason, safe to log: it never contains message content. */
  readonly reason: string;

  constructor(reason: string, detail: string, options?: ErrorOptions) {
    super(`${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

export class TransientError extends Error {
  override readonly name: string = "TransientError";
  readonly retryable = true;
}

export class PermanentSmsError extends Error {
  override readonly name: string = "PermanentSmsError";
  readonly retryable = false;
}

/** A send refused because of the destination: no retry can change it, and the question is UNDELIVERABLE. */
export class DestinationRefusedError extends PermanentSmsError {
  override readonly name = "DestinationRefusedError";
  readonly reason: UndeliverableReason;

  constructor(reason: UndeliverableReason, detail: string, options?: ErrorOptions) {
    super(`${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

/**
 * A send refused because of our own set-up or account (an invalid ARN, a sender id or channel not
 * enabled, the spend limit, a missing permission, or a refusal not known to be about the destination).
 * It never decides anything: it is logged at error level, counted and retried with backoff.
 */
export class SmsSetupError extends TransientError {
  override readonly name = "SmsSetupError";
  /** The provider's reason code, safe to log and to use as a metric label. */
  readonly code: string;

  constructor(code: string, detail: string, options?: ErrorOptions) {
    super(`${code}: ${detail}`, options);
    this.code = code;
  }
}

/**
 * A paced question whose deadline came before its turn to be sent: it was never handed to the
 * provider, and the sweep decides it UNDELIVERABLE (NOT_SENT). Nothing is left to retry.
 */
export class NotSentInTimeError extends PermanentSmsError {
  override readonly name = "NotSentInTimeError";
}
