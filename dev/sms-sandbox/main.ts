import { SNSClient } from "@aws-sdk/client-sns";
import { startSmsSandbox } from "./sms-sandbox.ts";
import { snsDeliveryEventPublisher } from "./sns-inbound-publisher.ts";

/**
 * Runs the SMS sandbox alone (docker-compose): SMS_SANDBOX_HOST, SMS_SANDBOX_PORT, SMS_SANDBOX_NUMBER,
 * and, to publish delivery events as an event destination does, SMS_SANDBOX_EVENTS_TOPIC_ARN with
 * the SNS endpoint (AWS_ENDPOINT_URL_SNS, AWS_REGION and credentials from the SDK's chain).
 */
const eventsTopicArn = process.env.SMS_SANDBOX_EVENTS_TOPIC_ARN;
const sns = eventsTopicArn
  ? new SNSClient({
      region: process.env.AWS_REGION ?? "us-east-1",
      ...(process.env.AWS_ENDPOINT_URL_SNS ? { endpoint: process.env.AWS_ENDPOINT_URL_SNS } : {}),
    })
  : undefined;
const sandbox = await startSmsSandbox({
  host: process.env.SMS_SANDBOX_HOST ?? "127.0.0.1",
  port: Number(process.env.SMS_SANDBOX_PORT ?? 4577),
  phoneNumbers: [{ phoneNumber: process.env.SMS_SANDBOX_NUMBER ?? "+18885550100" }],
  ...(sns && eventsTopicArn ? { deliveryEvents: { publisher: snsDeliveryEventPublisher(sns, eventsTopicArn) } } : {}),
});
process.stdout.write(`SMS sandbox listening on ${sandbox.url}\n`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
