// The CDK app's template with its defaults: no prefix, the two-way topic not encrypted.
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FraudVerificationStack } from "../../infra/lib/stack.ts";
import { localNames } from "../../dev/local-topology.ts";
import { resourceNames } from "../../provision/names.ts";

let template: Template;

beforeAll(() => {
  template = Template.fromStack(new FraudVerificationStack(new App(), "Plain"));
});

describe("default stack", () => {
  it("uses the same names as the local topology and the provisioner", () => {
    const names = Object.values(template.findResources("AWS::SQS::Queue")).map(
      (q) => (q as { Properties: { QueueName: string } }).Properties.QueueName,
    );
    expect(names.sort()).toEqual(
      [
        localNames.requestsQueue,
        localNames.requestsDlq,
        localNames.inboundQueue,
        localNames.inboundDlq,
        localNames.decisionsQueue,
        localNames.decisionsDlq,
        localNames.smsEventsQueue,
        localNames.smsEventsDlq,
      ].sort(),
    );
    template.hasResourceProperties("AWS::SNS::Topic", { TopicName: localNames.inboundTopic });
    template.hasResourceProperties("AWS::SNS::Topic", { TopicName: localNames.smsEventsTopic });
    template.hasResourceProperties("AWS::SMSVOICE::ConfigurationSet", { ConfigurationSetName: resourceNames().configurationSet });
  });

  it("creates no key and leaves the topics unencrypted", () => {
    template.resourceCountIs("AWS::KMS::Key", 0);
    template.allResourcesProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.absent(), FifoTopic: Match.absent() });
  });

  it("outputs the provision command without a prefix", () => {
    template.hasOutput("TwoWaySmsCommand", {
      Value: { "Fn::Join": ["", ["npm run provision -- --phone-number ", { Ref: "PhoneNumberId" }, " --topic-arn ", Match.anyValue()]] },
    });
  });
});
