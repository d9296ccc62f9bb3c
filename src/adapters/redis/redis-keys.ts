import calculateSlot from "cluster-key-slot";
import { BUCKET_COUNT, BUCKET_TAGS, bucketOf } from "./buckets.ts";

/**
 * Each bucket's phone index is split into this many parts, chosen by the phone, so that a part stays
 * a compact listpack (`hash-max-listpack-entries`, 128) up to about 130,000 entries in all (a phone
 * has one per open verification and one per text of the last two days): a phone's index is then no
 * key of its own.
 */
export const PHONE_INDEX_PARTS = 64;

/**
 * Each bucket's due set is split into this many parts, chosen by the phone, so that a part stays a
 * compact listpack (`zset-max-listpack-entries`, 128) up to about 32,000 due entries in all (open
 * verifications and decisions still to publish): an entry then costs ~55 bytes where a skiplist
 * entry costs ~145. Fewer than the phone index's: the sweep claims from every part of a bucket (in
 * one script, claim-due-17.lua, with the bucket's unsplit set) twice a second on every worker.
 */
export const DUE_PARTS = 16;

/**
 * The transaction index is spread over this many hashes, chosen by the transactionId: ~10 entries
 * each with 10,000 verifications kept, and still compact listpacks (up to 128 entries) with 130,000.
 */
export const TRANSACTION_INDEX_PARTS = 1024;

/**
 * A cardholder's keys live under their bucket's prefix "<ns>:{<tag>}:<phone>:" (see buckets.ts), next
 * to the bucket's due set, so each script touches one cluster slot. The transaction index is a
 * single-key lookup of its own.
 */
export class RedisKeys {
  readonly namespace: string;

  constructor(namespace = "fv") {
    this.namespace = namespace;
  }

  /** The hash of the transaction index that holds this transactionId's claim (lua/include/transaction-index.lua). */
  transactionIndex(transactionId: string): string {
    return `${this.namespace}:txns:${calculateSlot(transactionId) % TRANSACTION_INDEX_PARTS}`;
  }

  /**
   * The claim's own key, as releases before the transaction index wrote it. It is still read (and a
   * claim found there is moved into the index) until it expires with its verification.
   */
  legacyTransaction(transactionId: string): string {
    return `${this.namespace}:txn:${transactionId}`;
  }

  /**
   * When each verification of a phone next needs a worker (its deadline, or an unpublished decision):
   * the part of its bucket's due set the phone falls in.
   */
  due(phoneNumber: string): string {
    return `${this.legacyDue(phoneNumber)}:${partOf(phoneNumber, DUE_PARTS)}`;
  }

  /**
   * The bucket's due set as one key, written by releases before the split. The sweep still claims
   * from it and the sweep's own completions still remove from it, so entries written before an
   * upgrade are handled; it empties within the longest reply window after the upgrade.
   */
  legacyDue(phoneNumber: string): string {
    return this.#legacyDueInBucket(bucketOf(phoneNumber));
  }

  /** Every key of a bucket's due set: the unsplit one, then its parts. */
  dueKeysOfBucket(bucket: number): string[] {
    const legacy = this.#legacyDueInBucket(bucket);
    return [legacy, ...Array.from({ length: DUE_PARTS }, (_, part) => `${legacy}:${part}`)];
  }

  #legacyDueInBucket(bucket: number): string {
    return `${this.namespace}:{${BUCKET_TAGS[bucket] ?? ""}}:due`;
  }

  get bucketCount(): number {
    return BUCKET_COUNT;
  }

  phonePrefix(phoneNumber: string): string {
    return `${this.namespace}:{${BUCKET_TAGS[bucketOf(phoneNumber)] ?? ""}}:${phoneNumber}:`;
  }

  verificationPrefix(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}v:`;
  }

  verification(phoneNumber: string, transactionId: string): string {
    return `${this.verificationPrefix(phoneNumber)}${transactionId}`;
  }

  /**
   * The part of its bucket's phone index that holds the phone's open verifications and the texts
   * sent about them (lua/include/phone-index.lua), in the same slot as the phone's own keys.
   */
  phoneIndex(phoneNumber: string): string {
    return `${this.namespace}:{${BUCKET_TAGS[bucketOf(phoneNumber)] ?? ""}}:ix:${partOf(phoneNumber, PHONE_INDEX_PARTS)}`;
  }

  optOut(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}optout`;
  }

  recent(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}recent`;
  }

  cancellation(phoneNumber: string, transactionId: string): string {
    return `${this.phonePrefix(phoneNumber)}cx:${transactionId}`;
  }

  handledInbound(phoneNumber: string, inboundMessageId: string): string {
    return `${this.phonePrefix(phoneNumber)}in:${inboundMessageId}`;
  }
}

/**
 * The phone's part of its bucket's due set or phone index: bits of the phone's slot above those that
 * pick its bucket, so the parts of a bucket fill evenly.
 */
function partOf(phoneNumber: string, parts: number): number {
  return Math.floor(calculateSlot(phoneNumber) / BUCKET_COUNT) % parts;
}

export function deadlineMember(phoneNumber: string, transactionId: string): string {
  return `${phoneNumber}|${transactionId}`;
}

export function parseDeadlineMember(member: string): { phoneNumber: string; transactionId: string } | null {
  const separator = member.indexOf("|");
  if (separator <= 0) return null;
  return { phoneNumber: member.slice(0, separator), transactionId: member.slice(separator + 1) };
}
