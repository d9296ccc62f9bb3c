import { EventEmitter } from "node:events";
import type { Verification } from "../src/domain/verification.ts";
import type { VerificationStore } from "../src/ports.ts";

/** What the dev page shows of a verification still waiting for its answer. */
export interface PendingVerification {
  transactionId: string;
  phoneNumber: string;
  merchant: string;
  amountMinor: number;
  currency: string;
  cardLast4: string;
  referenceCode: string | null;
  state: string;
  requestedAt: string;
  deadline: string;
}

/**
 * The open verifications, read from the service's store. It learns transaction ids from the
 * requests the dev mode submits and from the SMS the service sends (whatever sent the request),
 * and forgets them once decided.
 */
export class PendingVerifications {
  readonly #store: Pick<VerificationStore, "get">;
  readonly #tracked = new Set<string>();
  readonly #decided = new Set<string>();
  readonly #events = new EventEmitter<{ changed: [PendingVerification[]] }>();
  #current: PendingVerification[] = [];
  #refreshing: Promise<void> = Promise.resolve();

  constructor(store: Pick<VerificationStore, "get">) {
    this.#store = store;
    this.#events.setMaxListeners(0);
  }

  get list(): readonly PendingVerification[] {
    return this.#current;
  }

  onChange(listener: (pending: PendingVerification[]) => void): () => void {
    this.#events.on("changed", listener);
    return () => this.#events.off("changed", listener);
  }

  track(transactionId: string): Promise<void> {
    if (!this.#decided.has(transactionId)) this.#tracked.add(transactionId);
    return this.refresh();
  }

  decided(transactionId: string): Promise<void> {
    this.#decided.add(transactionId);
    this.#tracked.delete(transactionId);
    return this.refresh();
  }

  /** Re-reads every tracked verification; refreshes run one after another, never interleaved. */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(() => this.#reload()).catch(() => undefined);
    return this.#refreshing;
  }

  async #reload(): Promise<void> {
    const ids = [...this.#tracked];
    const found = await Promise.all(ids.map((id) => this.#store.get(id)));
    const pending: PendingVerification[] = [];
    found.forEach((verification, index) => {
      if (verification && verification.state !== "DECIDED") pending.push(toPending(verification));
      else if (verification) this.#tracked.delete(ids[index] ?? "");
    });
    pending.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    if (JSON.stringify(pending) === JSON.stringify(this.#current)) return;
    this.#current = pending;
    this.#events.emit("changed", pending);
  }
}

function toPending(v: Verification): PendingVerification {
  return {
    transactionId: v.transactionId,
    phoneNumber: v.phoneNumber,
    merchant: v.merchant,
    amountMinor: v.amountMinor,
    currency: v.currency,
    cardLast4: v.cardLast4,
    referenceCode: v.referenceCode,
    state: v.state,
    requestedAt: new Date(v.requestedAt).toISOString(),
    deadline: new Date(v.deadline).toISOString(),
  };
}
