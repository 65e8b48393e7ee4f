import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { accountRoot, type StackContext } from "../../constructs/context";
import { KmsKey } from "../../constructs/kms-key";
import type { PolicyStatement } from "../../constructs/policy";
import { policyJson } from "../../constructs/policy";

/** Services that publish to the alarm topic: alarms, deployment events, pipeline notifications. */
export const TOPIC_PUBLISHERS = [
  "cloudwatch.amazonaws.com",
  "events.amazonaws.com",
  "codestar-notifications.amazonaws.com",
] as const;

export interface AlarmTopicProps {
  readonly context: StackContext;
  readonly subscriptions: readonly { readonly protocol: string; readonly endpoint: string }[];
  /** Provider of the topic's region (the us-east-1 alias for CloudFront-scope alarms). @default the stack's */
  readonly provider?: TerraformProvider;
}

/**
 * The SNS topic every alarm and event notifies, encrypted with a customer-managed key that the
 * publishing services may use (the AWS-managed SNS key would make SNS drop their messages silently).
 */
export class AlarmTopic extends Construct {
  readonly arn: string;
  readonly name: string;
  /** The key that encrypts the topic: whoever publishes needs kms:GenerateDataKey and kms:Decrypt on it. */
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const ctx = props.context;
    this.name = ctx.naming.name("generic", "alarms");
    const provider = props.provider;
    const fromThisAccount = { StringEquals: { "aws:SourceAccount": ctx.account } };
    const key = new KmsKey(this, "key", {
      context: ctx,
      purpose: "alarms",
      description: `Alarm topic of ${ctx.naming.prefix}`,
      grants: TOPIC_PUBLISHERS.map((service) => ({
        sid: `Publisher${service.split(".")[0].replace(/-/g, "")}`,
        service,
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        conditions: fromThisAccount,
      })),
      provider,
    });
    this.keyArn = key.arn;
    const topic = new SnsTopic(this, "topic", { name: this.name, kmsMasterKeyId: key.arn, provider });
    this.arn = topic.arn;
    const statements: PolicyStatement[] = [
      {
        sid: "AccountManages",
        principals: { AWS: accountRoot(ctx) },
        actions: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        resources: [this.arn],
      },
      ...TOPIC_PUBLISHERS.map(
        (service): PolicyStatement => ({
          sid: `Publish${service.split(".")[0].replace(/-/g, "")}`,
          principals: { Service: service },
          actions: ["sns:Publish"],
          resources: [this.arn],
          conditions: fromThisAccount,
        }),
      ),
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: "*",
        actions: ["sns:Publish"],
        resources: [this.arn],
        conditions: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    new SnsTopicPolicy(this, "policy", { arn: topic.arn, policy: policyJson(statements), provider });
    props.subscriptions.forEach((s, i) => {
      new SnsTopicSubscription(this, `subscription-${i}`, {
        topicArn: topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        provider,
      });
    });
  }
}
