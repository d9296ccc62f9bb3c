// The resource policies the provisioner writes, as plain documents (the CDK app builds the same ones).
import { QUEUE_SETTINGS, SMS_KEY_ACTIONS, SMS_SERVICE_PRINCIPAL, SNS_SERVICE_PRINCIPAL } from "./aws-facts.ts";

export interface AccountScope {
  partition: string;
  region: string;
  account: string;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal: { Service: string } | { AWS: string };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function arnOf(scope: AccountScope, service: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Lets the SMS service of this account, and no other account's, publish two-way messages to the topic. */
export function smsPublishStatement(scope: AccountScope, topicArn: string): PolicyStatement {
  return {
    Sid: "AllowEndUserMessagingSmsTwoWay",
    Effect: "Allow",
    Principal: { Service: SMS_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: { StringEquals: { "aws:SourceAccount": scope.account } },
  };
}

export function inboundTopicPolicy(scope: AccountScope, topicArn: string): PolicyDocument {
  return document(smsPublishStatement(scope, topicArn));
}

export function configurationSetArn(scope: AccountScope, name: string): string {
  return arnOf(scope, "sms-voice", `configuration-set/${name}`);
}

/**
 * Lets the SMS service publish the events of this account's configuration set, and of no other
 * configuration set or account (AWS's documented statement for an SNS event destination).
 */
export function smsEventsPublishStatement(scope: AccountScope, topicArn: string, configurationSetName: string): PolicyStatement {
  return {
    Sid: "AllowEndUserMessagingSmsEvents",
    Effect: "Allow",
    Principal: { Service: SMS_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: {
      StringEquals: { "aws:SourceAccount": scope.account },
      ArnLike: { "aws:SourceArn": configurationSetArn(scope, configurationSetName) },
    },
  };
}

export function smsEventsTopicPolicy(scope: AccountScope, topicArn: string, configurationSetName: string): PolicyDocument {
  return document(smsEventsPublishStatement(scope, topicArn, configurationSetName));
}

/** Only the named topic may deliver to the queue (SNS → SQS, confused-deputy safe). */
export function queuePolicy(queueArn: string, topicArn: string): PolicyDocument {
  return document({
    Sid: "AllowSubscribedTopicOnly",
    Effect: "Allow",
    Principal: { Service: SNS_SERVICE_PRINCIPAL },
    Action: "sqs:SendMessage",
    Resource: queueArn,
    Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
  });
}

/**
 * What the key of an encrypted two-way or events topic must grant the SMS service (AWS's documented
 * statement; its aws:SourceArn covers the number and the configuration set alike).
 */
export function smsKeyStatement(scope: AccountScope): PolicyStatement {
  return {
    Sid: "AllowEndUserMessagingSmsTwoWay",
    Effect: "Allow",
    Principal: { Service: SMS_SERVICE_PRINCIPAL },
    Action: [...SMS_KEY_ACTIONS],
    Resource: "*",
    Condition: {
      StringEquals: { "aws:SourceAccount": scope.account },
      ArnLike: { "aws:SourceArn": arnOf(scope, "sms-voice", "*") },
    },
  };
}

/** A new key: the account administers it through IAM (KMS's default statement) and the SMS service may use it. */
export function newKeyPolicy(scope: AccountScope): PolicyDocument {
  return document(
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: `arn:${scope.partition}:iam::${scope.account}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    smsKeyStatement(scope),
  );
}

export function redrivePolicy(deadLetterQueueArn: string): string {
  return JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount });
}

/** A dead-letter queue accepts redrives from its own source queue only. */
export function redriveAllowPolicy(sourceQueueArn: string): string {
  return JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [sourceQueueArn] });
}
