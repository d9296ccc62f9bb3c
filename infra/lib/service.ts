// The service on ECS Fargate: one task definition (the container, its environment, a least-privilege
// task role) and a service in the subnets given as stack parameters.
import { Aws, Duration, Stack } from "aws-cdk-lib";
import { CfnSecurityGroup } from "aws-cdk-lib/aws-ec2";
import { CfnCluster, CfnService, ContainerImage, FargateTaskDefinition, LogDrivers } from "aws-cdk-lib/aws-ecs";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { TwoWayMessaging } from "./messaging.ts";

export interface VerificationServiceProps {
  messaging: TwoWayMessaging;
  image: string;
  phoneNumberArn: string;
  redisUrl: string;
  brandName: string;
  vpcId: string;
  subnetIds: string[];
  desiredCount: number;
}

const HTTP_PORT = 8080;

export class VerificationService extends Construct {
  readonly taskDefinition: FargateTaskDefinition;
  readonly service: CfnService;

  constructor(parent: Construct, id: string, props: VerificationServiceProps) {
    super(parent, id);
    const { messaging } = props;
    this.taskDefinition = new FargateTaskDefinition(this, "Task", { cpu: 512, memoryLimitMiB: 1024 });
    this.taskDefinition.addContainer("service", {
      image: ContainerImage.fromRegistry(props.image),
      portMappings: [{ containerPort: HTTP_PORT }],
      environment: {
        AWS_REGION: Aws.REGION,
        REQUESTS_QUEUE_URL: messaging.requests.queue.queueUrl,
        INBOUND_QUEUE_URL: messaging.inbound.queue.queueUrl,
        DECISIONS_TOPIC_ARN: messaging.decisionsTopic.topicArn,
        ORIGINATION_IDENTITY: props.phoneNumberArn,
        SMS_CONFIGURATION_SET: messaging.configurationSet.ref,
        SMS_EVENTS_QUEUE_URL: messaging.smsEvents.queue.queueUrl,
        REDIS_URL: props.redisUrl,
        BRAND_NAME: props.brandName,
        HTTP_PORT: String(HTTP_PORT),
      },
      healthCheck: {
        command: ["CMD", "node", "-e", `fetch('http://127.0.0.1:${HTTP_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
        interval: Duration.seconds(10),
        timeout: Duration.seconds(3),
        startPeriod: Duration.seconds(15),
        retries: 3,
      },
      // The service stops consuming on SIGTERM and drains for SHUTDOWN_TIMEOUT_SECONDS (25 s by default).
      stopTimeout: Duration.seconds(30),
      logging: LogDrivers.awsLogs({
        streamPrefix: "fraud-verification",
        logGroup: new LogGroup(this, "Logs", { retention: RetentionDays.ONE_MONTH }),
      }),
    });
    this.#grant(props);

    const cluster = new CfnCluster(this, "Cluster", {
      clusterSettings: [{ name: "containerInsights", value: "enabled" }],
    });
    const securityGroup = new CfnSecurityGroup(this, "SecurityGroup", {
      groupDescription: "Fraud verification tasks: outbound only (AWS APIs, Redis)",
      vpcId: props.vpcId,
    });
    this.service = new CfnService(this, "Service", {
      cluster: cluster.ref,
      launchType: "FARGATE",
      taskDefinition: this.taskDefinition.taskDefinitionArn,
      desiredCount: props.desiredCount,
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
      networkConfiguration: {
        awsvpcConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroup.attrGroupId], assignPublicIp: "DISABLED" },
      },
    });
  }

  /** Exactly the calls the service makes, on exactly its resources. */
  #grant(props: VerificationServiceProps): void {
    const { messaging } = props;
    const role = this.taskDefinition.taskRole;
    const consumed = [messaging.requests, messaging.inbound, messaging.smsEvents];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ConsumeRequestsRepliesAndDeliveryEvents",
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        resources: consumed.map((c) => c.queue.queueArn),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "DeadLetterPoisonMessages",
        actions: ["sqs:SendMessage", "sqs:GetQueueUrl"],
        resources: consumed.map((c) => c.deadLetterQueue.queueArn),
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: "PublishDecisions", actions: ["sns:Publish"], resources: [messaging.decisionsTopic.topicArn] }),
    );
    // SendTextMessage is authorized on the configuration set it names as well as on the number.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "SendFromTheNumber",
        actions: ["sms-voice:SendTextMessage", "sms-voice:DescribePhoneNumbers"],
        resources: [props.phoneNumberArn, messaging.configurationSet.attrArn],
      }),
    );
    // SMS_MESSAGE_FEEDBACK=true: RECEIVED for a question a reply correlated to, by its MessageId.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "ReportMessageFeedback",
        actions: ["sms-voice:PutMessageFeedback"],
        resources: [Stack.of(this).formatArn({ service: "sms-voice", resource: "message", resourceName: "*" })],
      }),
    );
  }
}
