import { SNSClient } from "@aws-sdk/client-sns";
import { startSmsSandbox } from "./sms-sandbox.ts";
import { snsDeliveryEventPublisher, snsInboundPublisher } from "./sns-inbound-publisher.ts";

/**
 * Runs the SMS sandbox alone (docker-compose): SMS_SANDBOX_HOST, SMS_SANDBOX_PORT, SMS_SANDBOX_NUMBER.
 * With SMS_SANDBOX_TWO_WAY_TOPIC_ARN, handset messages are published to that SNS topic; with
 * SMS_SANDBOX_EVENTS_TOPIC_ARN, delivery events are, as an event destination does (the SDK reads
 * AWS_REGION, AWS_ENDPOINT_URL_SNS and the credentials from the environment).
 */
const twoWayTopicArn = process.env.SMS_SANDBOX_TWO_WAY_TOPIC_ARN;
const eventsTopicArn = process.env.SMS_SANDBOX_EVENTS_TOPIC_ARN;
const sns =
  twoWayTopicArn || eventsTopicArn
    ? new SNSClient({
        region: process.env.AWS_REGION ?? "us-east-1",
        ...(process.env.AWS_ENDPOINT_URL_SNS ? { endpoint: process.env.AWS_ENDPOINT_URL_SNS } : {}),
      })
    : undefined;
// SMS_SANDBOX_MAX_PARTS_PER_SECOND throttles above a carrier's rate (a toll-free number: 3).
const maxPartsPerSecond = process.env.SMS_SANDBOX_MAX_PARTS_PER_SECOND;
const sandbox = await startSmsSandbox({
  host: process.env.SMS_SANDBOX_HOST ?? "127.0.0.1",
  port: Number(process.env.SMS_SANDBOX_PORT ?? 4577),
  phoneNumbers: [{ phoneNumber: process.env.SMS_SANDBOX_NUMBER ?? "+18885550100" }],
  ...(sns && twoWayTopicArn ? { inboundPublisher: snsInboundPublisher(sns, twoWayTopicArn) } : {}),
  ...(sns && eventsTopicArn ? { deliveryEvents: { publisher: snsDeliveryEventPublisher(sns, eventsTopicArn) } } : {}),
  ...(maxPartsPerSecond ? { maxPartsPerSecond: Number(maxPartsPerSecond) } : {}),
});
process.stdout.write(`SMS sandbox listening on ${sandbox.url}\n`);
const stop = () =>
  void sandbox.close().then(() => {
    sns?.destroy();
    process.exit(0);
  });
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
