import { ConflictException, ServiceQuotaExceededException, ValidationException } from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { UndeliverableReason } from "../../domain/decision-event.ts";
import { DestinationRefusedError, SmsSetupError } from "../../errors.ts";

/** Refusals about the destination, by the reason code SendTextMessage gives. Anything else is ours. */
const destinationReasons: Record<string, UndeliverableReason> = {
  DESTINATION_PHONE_NUMBER_OPTED_OUT: "OPTED_OUT",
  CANNOT_PARSE: "INVALID_DESTINATION",
  DESTINATION_COUNTRY_BLOCKED: "BLOCKED",
  DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION: "BLOCKED",
  DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE: "BLOCKED",
  INTERNATIONAL_SENDING_NOT_SUPPORTED: "BLOCKED",
  INVALID_IDENTITY_FOR_DESTINATION_COUNTRY: "BLOCKED",
  PRICE_OVER_THRESHOLD: "BLOCKED",
};

/**
 * Sorts a SendTextMessage failure: a refusal about the destination becomes DestinationRefusedError
 * (UNDELIVERABLE at once); a refusal about our set-up or account becomes SmsSetupError (never a
 * decision); throttling, timeouts and server errors pass through unchanged (retried).
 */
export function classifySendError(error: unknown): unknown {
  if (error instanceof ValidationException || error instanceof ConflictException) {
    const code = error.Reason ?? "UNSPECIFIED";
    const reason = destinationReasons[code];
    if (reason) return new DestinationRefusedError(reason, `SendTextMessage refused the destination (${code})`, { cause: error });
    return new SmsSetupError(code, `SendTextMessage refused our request (${error.name})`, { cause: error });
  }
  if (error instanceof ServiceQuotaExceededException) {
    return new SmsSetupError(error.Reason ?? "SERVICE_QUOTA_EXCEEDED", "a sending quota or spend limit is reached", { cause: error });
  }
  if (error instanceof Error && (error.name === "AccessDeniedException" || error.name === "ResourceNotFoundException")) {
    return new SmsSetupError(error.name, "SendTextMessage refused our request", { cause: error });
  }
  return error;
}
