import { AwsJsonError } from "./protocol.ts";

export interface InjectedError {
  /** The exception name the SDK will raise, e.g. "ThrottlingException". */
  name: string;
  message?: string;
  reason?: string;
  /** HTTP status; 500 for InternalServerException/ServiceUnavailableException, 400 otherwise. */
  status?: number;
}

const SERVER_ERRORS = new Set(["InternalServerException", "ServiceUnavailableException"]);

interface PendingFault {
  error: AwsJsonError;
  remaining: number;
}

export class FaultInjector {
  readonly #pending = new Map<string, PendingFault[]>();

  failNext(operation: string, error: InjectedError, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new Error("failNext: times must be a positive integer");
    const fields = error.reason === undefined ? {} : { Reason: error.reason };
    const status = error.status ?? (SERVER_ERRORS.has(error.name) ? 500 : 400);
    const queue = this.#pending.get(operation) ?? [];
    queue.push({ error: new AwsJsonError(error.name, error.message ?? error.name, status, fields), remaining: times });
    this.#pending.set(operation, queue);
  }

  /** The injected error this call must answer with, if any; consumes one use. */
  take(operation: string): AwsJsonError | undefined {
    const queue = this.#pending.get(operation);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) queue.shift();
    if (queue.length === 0) this.#pending.delete(operation);
    return fault.error;
  }

  clear(): void {
    this.#pending.clear();
  }
}
