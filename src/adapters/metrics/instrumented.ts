import type { DecisionEvent } from "../../domain/decision-event.ts";
import { DestinationRefusedError, NotSentInTimeError, PermanentSmsError, SmsSetupError } from "../../errors.ts";
import type { Clock, DecisionPublisher, OutboundSms, SmsSender } from "../../ports.ts";
import type { ServiceMetrics } from "./service-metrics.ts";

export function instrumentSmsSender(inner: SmsSender, metrics: ServiceMetrics): SmsSender {
  return {
    async send(sms: OutboundSms) {
      try {
        const messageId = await inner.send(sms);
        metrics.smsSent.inc({ kind: sms.kind });
        return messageId;
      } catch (error) {
        metrics.smsFailed.inc({ kind: sms.kind, reason: failureLabel(error) });
        throw error;
      }
    },
  };
}

export function instrumentPublisher(inner: DecisionPublisher, metrics: ServiceMetrics, clock: Clock): DecisionPublisher {
  return {
    async publish(event: DecisionEvent) {
      await inner.publish(event);
      metrics.decisionsPublished.inc({ decision: event.decision });
      if (event.reply) metrics.replyToDecisionSeconds.observe((clock.now() - Date.parse(event.reply.receivedAt)) / 1000);
    },
  };
}

/** A bounded label: the provider's reason codes and error names come from closed sets. */
function failureLabel(error: unknown): string {
  if (error instanceof DestinationRefusedError) return `refused:${error.reason}`;
  if (error instanceof SmsSetupError) return `setup:${error.code}`;
  if (error instanceof NotSentInTimeError) return "not_sent_in_time";
  if (error instanceof PermanentSmsError) return "refused";
  return error instanceof Error ? error.name : "unknown";
}
