import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import { EncryptedLogGroup } from "../../constructs/log-group";
import { policyJson } from "../../constructs/policy";

export interface CloudFrontAccessLogsProps {
  /** A us-east-1 context: CloudFront's logging lives there. */
  readonly context: StackContext;
  readonly provider: TerraformProvider;
  readonly distributionArn: string;
  readonly retentionDays: number;
  /** A us-east-1 key CloudWatch Logs may use for this group. */
  readonly kmsKeyArn: string;
}

/** CloudFront standard logging (v2): access logs delivered as JSON to an encrypted log group in us-east-1. */
export class CloudFrontAccessLogs extends Construct {
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: CloudFrontAccessLogsProps) {
    super(scope, id);
    const ctx = props.context;
    const provider = props.provider;
    const group = new EncryptedLogGroup(this, "log-group", {
      context: ctx,
      name: ctx.naming.logGroupName("cloudfront"),
      retentionDays: props.retentionDays,
      kmsKeyArn: props.kmsKeyArn,
      provider,
    });
    this.logGroupName = group.name;
    const deliveries = arn(ctx, "logs", "delivery-source:*");
    const policy = new CloudwatchLogResourcePolicy(this, "delivery-policy", {
      provider,
      policyName: ctx.naming.name("generic", "cloudfront-log-delivery"),
      policyDocument: policyJson([
        {
          sid: "CloudFrontLogDelivery",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${group.arn}:log-stream:*`],
          conditions: {
            StringEquals: { "aws:SourceAccount": ctx.account },
            ArnLike: { "aws:SourceArn": deliveries },
          },
        },
      ]),
    });
    const source = new CloudwatchLogDeliverySource(this, "source", {
      provider,
      name: ctx.naming.name("generic", "cloudfront"),
      logType: "ACCESS_LOGS",
      resourceArn: props.distributionArn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "destination", {
      provider,
      name: ctx.naming.name("generic", "cloudfront-logs"),
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: group.logGroup.arn }],
    });
    new CloudwatchLogDelivery(this, "delivery", {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      dependsOn: [policy],
    });
  }
}
