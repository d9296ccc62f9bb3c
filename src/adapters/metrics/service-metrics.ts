import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const lagBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900];
const carrierBuckets = [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86_400];

/** The contract's Prometheus series. No label ever carries a phone number or message text. */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly messagesHandled = new Counter({
    name: "fv_messages_handled_total",
    help: "SQS messages handled, by queue and outcome",
    labelNames: ["queue", "outcome"] as const,
    registers: [this.registry],
  });

  readonly messageHandlingSeconds = new Histogram({
    name: "fv_message_handling_seconds",
    help: "Time from receiving an SQS message to finishing with it",
    labelNames: ["queue"] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });

  readonly queueLagSeconds = new Histogram({
    name: "fv_queue_lag_seconds",
    help: "Time a message waited in its queue before it was handled (now - SentTimestamp)",
    labelNames: ["queue"] as const,
    buckets: lagBuckets,
    registers: [this.registry],
  });

  readonly decisionsPublished = new Counter({
    name: "fv_decisions_published_total",
    help: "Decision events published to SNS, by decision (a re-publish of the same event counts again)",
    labelNames: ["decision"] as const,
    registers: [this.registry],
  });

  readonly replyToDecisionSeconds = new Histogram({
    name: "fv_reply_to_decision_seconds",
    help: "Time from the reply reaching SNS to its decision being published",
    buckets: latencyBuckets,
    registers: [this.registry],
  });

  readonly smsSent = new Counter({
    name: "fv_sms_sent_total",
    help: "SMS accepted by SendTextMessage, by kind",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });

  readonly smsFailed = new Counter({
    name: "fv_sms_failed_total",
    help: "SendTextMessage calls that failed after the SDK's retries, by kind and reason",
    labelNames: ["kind", "reason"] as const,
    registers: [this.registry],
  });

  readonly smsDeliveryEvents = new Counter({
    name: "fv_sms_delivery_events_total",
    help: "SMS delivery events read from the events queue, by event type (unknown types as OTHER)",
    labelNames: ["eventType"] as const,
    registers: [this.registry],
  });

  readonly smsDeliverySeconds = new Histogram({
    name: "fv_sms_delivery_seconds",
    help: "Carrier delivery time of delivered texts: eventTimestamp - messageRequestTimestamp",
    buckets: carrierBuckets,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
