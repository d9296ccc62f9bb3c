// cdk deploy -c prefix=acme- -c encryptTwoWayTopic=true --parameters PhoneNumberId=phone-… (see README "Deploying to AWS")
import { App } from "aws-cdk-lib";
import { FraudVerificationStack } from "../lib/stack.ts";

const app = new App();
const prefix: unknown = app.node.tryGetContext("prefix");
const encrypt: unknown = app.node.tryGetContext("encryptTwoWayTopic");
new FraudVerificationStack(app, "FraudVerification", {
  prefix: typeof prefix === "string" ? prefix : "",
  encryptTwoWayTopic: encrypt === true || encrypt === "true",
  env: { account: process.env["CDK_DEFAULT_ACCOUNT"], region: process.env["CDK_DEFAULT_REGION"] },
});
app.synth();
