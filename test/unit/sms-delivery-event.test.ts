import { describe, expect, it } from "vitest";
import { deliveryFailureTypes, deliveryStatusOf, eventTypeLabel, smsDeliveryEventSchema } from "../../src/domain/sms-delivery-event.ts";

describe("SMS delivery events", () => {
  it("sorts the contract's event types into statuses, and nothing else", () => {
    expect(deliveryFailureTypes.map(deliveryStatusOf)).toEqual(deliveryFailureTypes.map(() => "FAILED"));
    expect(["TEXT_DELIVERED", "TEXT_SUCCESSFUL"].map(deliveryStatusOf)).toEqual(["DELIVERED", "DELIVERED"]);
    expect(["TEXT_QUEUED", "TEXT_PENDING"].map(deliveryStatusOf)).toEqual(["PENDING", "PENDING"]);
    expect(["TEXT_UNKNOWN", "VOICE_ANSWERED", "text_delivered"].map(deliveryStatusOf)).toEqual([null, null, null]);
  });

  it("labels metrics with the documented types only", () => {
    expect(eventTypeLabel("TEXT_PROTECT_BLOCKED")).toBe("TEXT_PROTECT_BLOCKED");
    expect(eventTypeLabel("TEXT_UNKNOWN")).toBe("TEXT_UNKNOWN");
    expect(eventTypeLabel("TEXT_SOMETHING_NEW")).toBe("OTHER");
  });

  it("reads AWS's documented example and ignores the fields it does not use", () => {
    const parsed = smsDeliveryEventSchema.parse({
      eventType: "TEXT_SUCCESSFUL",
      eventVersion: "1.0",
      eventTimestamp: 1686975103470,
      isFinal: true,
      originationPhoneNumber: "+12065550152",
      destinationPhoneNumber: "+14255550156",
      isInternationalSend: false,
      mcc: "310",
      mnc: "800",
      messageId: "862a8790-60c0-4430-9b2b-658bdexample",
      messageRequestTimestamp: 1686975103170,
      messageEncoding: "GSM",
      messageType: "PROMOTIONAL",
      messageStatus: "SUCCESSFUL",
      messageStatusDescription: "Message has been accepted by phone carrier",
      context: { account: "bar" },
      totalMessageParts: 1,
      totalMessagePrice: 0.09582,
      totalCarrierFee: 0.0,
    });
    expect(parsed).toEqual({
      eventType: "TEXT_SUCCESSFUL",
      eventTimestamp: 1686975103470,
      isFinal: true,
      destinationPhoneNumber: "+14255550156",
      messageId: "862a8790-60c0-4430-9b2b-658bdexample",
      messageRequestTimestamp: 1686975103170,
      messageStatus: "SUCCESSFUL",
      context: { account: "bar" },
    });
  });
});
