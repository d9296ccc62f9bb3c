import { CfnOutput, CfnParameter, Fn, Stack } from "aws-cdk-lib";
import type { StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { resourceNames } from "../../provision/names.ts";
import { TwoWayMessaging } from "./messaging.ts";
import { VerificationService } from "./service.ts";

export interface FraudVerificationStackProps extends StackProps {
  /** Prefix of every queue, topic and alias name (the provisioner's --prefix). */
  prefix?: string;
  /** Encrypt the two-way and events topics with a new KMS key (the provisioner's --kms-key new). */
  encryptTwoWayTopic?: boolean;
}

export class FraudVerificationStack extends Stack {
  readonly messaging: TwoWayMessaging;

  constructor(scope: Construct, id: string, props: FraudVerificationStackProps = {}) {
    super(scope, id, props);
    const prefix = props.prefix ?? "";
    const phoneNumberId = new CfnParameter(this, "PhoneNumberId", {
      description: "Id of the dedicated number (SMS enabled) that sends the questions and receives the replies",
      allowedPattern: "phone-[0-9a-f]+",
    });
    const image = new CfnParameter(this, "ContainerImage", { description: "Image of the service (see Dockerfile)" });
    const vpcId = new CfnParameter(this, "VpcId", { type: "AWS::EC2::VPC::Id" });
    const subnetIds = new CfnParameter(this, "SubnetIds", {
      type: "List<AWS::EC2::Subnet::Id>",
      description: "Private subnets with a route to the AWS APIs (NAT or VPC endpoints) and to Redis",
    });
    const redisUrl = new CfnParameter(this, "RedisUrl", { noEcho: true, description: "redis:// or rediss:// URL" });
    const brandName = new CfnParameter(this, "BrandName", { default: "Your bank" });
    const desiredCount = new CfnParameter(this, "DesiredCount", { type: "Number", default: 2, minValue: 1 });

    this.messaging = new TwoWayMessaging(this, "Messaging", {
      names: resourceNames(prefix),
      encrypt: props.encryptTwoWayTopic ?? false,
    });
    const phoneNumberArn = this.formatArn({
      service: "sms-voice",
      resource: "phone-number",
      resourceName: phoneNumberId.valueAsString,
    });
    new VerificationService(this, "Service", {
      messaging: this.messaging,
      image: image.valueAsString,
      phoneNumberArn,
      redisUrl: redisUrl.valueAsString,
      brandName: brandName.valueAsString,
      vpcId: vpcId.valueAsString,
      subnetIds: subnetIds.valueAsList,
      desiredCount: desiredCount.valueAsNumber,
    });

    // CloudFormation's AWS::SMSVOICE::PhoneNumber only leases new numbers; an existing number's
    // two-way settings and keywords are set (and checked) by the provisioner against this stack's topic.
    new CfnOutput(this, "TwoWaySmsCommand", {
      description: "Run once after the first deploy: enables two-way SMS on the number, sending replies to this stack's topic",
      value: Fn.join("", [
        "npm run provision -- --phone-number ",
        phoneNumberId.valueAsString,
        " --topic-arn ",
        this.messaging.inboundTopic.topicArn,
        ...(prefix ? [` --prefix ${prefix}`] : []),
      ]),
    });
    new CfnOutput(this, "RequestsQueueUrl", { value: this.messaging.requests.queue.queueUrl });
    new CfnOutput(this, "InboundQueueUrl", { value: this.messaging.inbound.queue.queueUrl });
    new CfnOutput(this, "DecisionsTopicArn", { value: this.messaging.decisionsTopic.topicArn });
    new CfnOutput(this, "DecisionsConsumerQueueUrl", { value: this.messaging.decisions.queue.queueUrl });
    new CfnOutput(this, "OriginationIdentity", { value: phoneNumberArn });
    new CfnOutput(this, "SmsConfigurationSet", { value: this.messaging.configurationSet.ref });
    new CfnOutput(this, "SmsEventsQueueUrl", { value: this.messaging.smsEvents.queue.queueUrl });
  }
}
