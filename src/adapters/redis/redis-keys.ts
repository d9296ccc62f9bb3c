import { BUCKET_COUNT, BUCKET_TAGS, bucketOf } from "./buckets.ts";

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

  transaction(transactionId: string): string {
    return `${this.namespace}:txn:${transactionId}`;
  }

  /** When each verification of a bucket next needs a worker: its deadline, or an unpublished decision. */
  dueInBucket(bucket: number): string {
    return `${this.namespace}:{${BUCKET_TAGS[bucket] ?? ""}}:due`;
  }

  due(phoneNumber: string): string {
    return this.dueInBucket(bucketOf(phoneNumber));
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

  /** The phone's open verifications and the texts sent about them (lua/include/phone-index.lua). */
  phoneIndex(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}ix`;
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

export function deadlineMember(phoneNumber: string, transactionId: string): string {
  return `${phoneNumber}|${transactionId}`;
}

export function parseDeadlineMember(member: string): { phoneNumber: string; transactionId: string } | null {
  const separator = member.indexOf("|");
  if (separator <= 0) return null;
  return { phoneNumber: member.slice(0, separator), transactionId: member.slice(separator + 1) };
}
