/**
 * Every key about one cardholder carries the phone number as its hash tag, so each script touches
 * one cluster slot. The transaction index and the deadline set are single-key lookups of their own.
 */
export class RedisKeys {
  readonly namespace: string;

  constructor(namespace = "fv") {
    this.namespace = namespace;
  }

  transaction(transactionId: string): string {
    return `${this.namespace}:txn:${transactionId}`;
  }

  deadlines(): string {
    return `${this.namespace}:deadlines`;
  }

  phonePrefix(phoneNumber: string): string {
    return `${this.namespace}:{${phoneNumber}}:`;
  }

  verificationPrefix(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}v:`;
  }

  verification(phoneNumber: string, transactionId: string): string {
    return `${this.verificationPrefix(phoneNumber)}${transactionId}`;
  }

  open(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}open`;
  }

  optOut(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}optout`;
  }

  recent(phoneNumber: string): string {
    return `${this.phonePrefix(phoneNumber)}recent`;
  }

  message(phoneNumber: string, messageId: string): string {
    return `${this.phonePrefix(phoneNumber)}m:${messageId}`;
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
