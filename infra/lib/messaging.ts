// The topics, queues, dead-letter queues, policies and subscriptions of two-way SMS, and the
// configuration set whose event destination sends the text events to the sms-events topic, written
// with the provisioner's own policy builders so `npm run provision` finds them as it would have made them.
import { Aws, Duration } from "aws-cdk-lib";
import { PolicyDocument, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { CfnConfigurationSet } from "aws-cdk-lib/aws-smsvoice";
import { Subscription, SubscriptionProtocol, Topic, TopicPolicy } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { QUEUE_SETTINGS, TEXT_EVENT_TYPES } from "../../provision/aws-facts.ts";
import type { ResourceNames } from "../../provision/names.ts";
import { arnOf, inboundTopicPolicy, queuePolicy, smsEventsTopicPolicy, smsKeyStatement } from "../../provision/policies.ts";
import type { AccountScope } from "../../provision/policies.ts";

export interface TwoWayMessagingProps {
  names: ResourceNames;
  /** Encrypt the two-way topic and the events topic with a new symmetric key the SMS service may use. */
  encrypt: boolean;
}

export interface ConsumedQueue {
  queue: Queue;
  deadLetterQueue: Queue;
}

const scope: AccountScope = { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID };

export class TwoWayMessaging extends Construct {
  readonly inboundTopic: Topic;
  readonly decisionsTopic: Topic;
  readonly requests: ConsumedQueue;
  readonly inbound: ConsumedQueue;
  readonly decisions: ConsumedQueue;
  /** The topic of the configuration set's event destination, and the queue the service reads it from. */
  readonly smsEventsTopic: Topic;
  readonly smsEvents: ConsumedQueue;
  /** SMS_CONFIGURATION_SET: its Ref is its name. */
  readonly configurationSet: CfnConfigurationSet;
  readonly key: Key | undefined;

  constructor(parent: Construct, id: string, props: TwoWayMessagingProps) {
    super(parent, id);
    const { names } = props;
    this.key = props.encrypt ? this.#key(names.keyAlias) : undefined;
    this.inboundTopic = new Topic(this, "InboundTopic", {
      topicName: names.inboundTopic,
      ...(this.key ? { masterKey: this.key } : {}),
    });
    new TopicPolicy(this, "InboundTopicPolicy", {
      topics: [this.inboundTopic],
      policyDocument: PolicyDocument.fromJson(inboundTopicPolicy(scope, this.inboundTopic.topicArn)),
    });
    this.decisionsTopic = new Topic(this, "DecisionsTopic", { topicName: names.decisionsTopic });
    this.requests = this.#queue("Requests", names.requestsQueue, names.requestsDlq);
    this.inbound = this.#queue("Inbound", names.inboundQueue, names.inboundDlq);
    this.decisions = this.#queue("Decisions", names.decisionsQueue, names.decisionsDlq);
    this.#subscribe("Inbound", this.inboundTopic, this.inbound.queue);
    this.#subscribe("Decisions", this.decisionsTopic, this.decisions.queue);

    this.smsEventsTopic = new Topic(this, "SmsEventsTopic", {
      topicName: names.smsEventsTopic,
      ...(this.key ? { masterKey: this.key } : {}),
    });
    const eventsTopicPolicy = new TopicPolicy(this, "SmsEventsTopicPolicy", {
      topics: [this.smsEventsTopic],
      policyDocument: PolicyDocument.fromJson(smsEventsTopicPolicy(scope, this.smsEventsTopic.topicArn, names.configurationSet)),
    });
    this.smsEvents = this.#queue("SmsEvents", names.smsEventsQueue, names.smsEventsDlq);
    this.#subscribe("SmsEvents", this.smsEventsTopic, this.smsEvents.queue);
    this.configurationSet = new CfnConfigurationSet(this, "ConfigurationSet", {
      configurationSetName: names.configurationSet,
      eventDestinations: [
        {
          eventDestinationName: names.eventDestination,
          enabled: true,
          matchingEventTypes: [...TEXT_EVENT_TYPES],
          snsDestination: { topicArn: this.smsEventsTopic.topicArn },
        },
      ],
    });
    // The SMS service must be allowed to publish before it is given the topic.
    this.configurationSet.node.addDependency(eventsTopicPolicy);
  }

  #key(alias: string): Key {
    const key = new Key(this, "TwoWayTopicKey", {
      alias,
      description: "Encrypts the two-way SMS topic (fraud verification)",
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(PolicyStatement.fromJson(smsKeyStatement(scope)));
    return key;
  }

  #queue(id: string, name: string, deadLetterName: string): ConsumedQueue {
    const sourceArn = arnOf(scope, "sqs", name);
    const deadLetterQueue = new Queue(this, `${id}DeadLetterQueue`, {
      queueName: deadLetterName,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.seconds(QUEUE_SETTINGS.deadLetterRetentionSeconds),
      // The ARN by name: a reference to the source queue would make the two queues depend on each other.
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, `${id}Source`, sourceArn)],
      },
    });
    const queue = new Queue(this, `${id}Queue`, {
      queueName: name,
      encryption: QueueEncryption.SQS_MANAGED,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount },
    });
    return { queue, deadLetterQueue };
  }

  #subscribe(id: string, topic: Topic, queue: Queue): void {
    const [statement] = queuePolicy(queue.queueArn, topic.topicArn).Statement;
    const { policyDependable } = queue.addToResourcePolicy(PolicyStatement.fromJson(statement));
    // Not SqsSubscription: it writes a queue policy of its own next to the one above.
    const subscription = new Subscription(this, `${id}Subscription`, {
      topic,
      endpoint: queue.queueArn,
      protocol: SubscriptionProtocol.SQS,
    });
    if (policyDependable) subscription.node.addDependency(policyDependable);
  }
}

