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
  override readonly name = "TransientError";
  readonly retryable = true;
}

export class PermanentSmsError extends Error {
  override readonly name = "PermanentSmsError";
  readonly retryable = false;
}
