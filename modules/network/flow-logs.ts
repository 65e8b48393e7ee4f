import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import { EncryptedLogGroup } from "../../constructs/log-group";
import type { PolicyStatement } from "../../constructs/policy";
import { SecureBucket } from "../../constructs/secure-bucket";
import { ServiceRole } from "../../constructs/service-role";

/**
 * Flow-log record fields: the default version-2 fields, then the ones that say where a flow was seen
 * (VPC, subnet, AZ), what it carried (TCP flags) and which way it went. `$${…}` is how Terraform
 * spells a literal `${…}`.
 */
export const FLOW_LOG_FIELDS = [
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
  "vpc-id",
  "subnet-id",
  "az-id",
  "tcp-flags",
  "pkt-srcaddr",
  "pkt-dstaddr",
  "flow-direction",
  "traffic-path",
] as const;

export interface FlowLogsProps {
  readonly context: StackContext;
  readonly vpcId: string;
  /** Where records go. */
  readonly destination: "cloudwatch" | "s3";
  /** Days records are kept. */
  readonly retentionDays: number;
  /** Seconds over which a flow is aggregated (60 or 600). */
  readonly aggregationIntervalSeconds: number;
  /** Customer-managed key for the log group (CloudWatch destination). */
  readonly kmsKeyArn: string;
}

/** VPC Flow Logs for ALL traffic, to a KMS-encrypted log group (or an S3 bucket). */
export class FlowLogs extends Construct {
  readonly flowLog: FlowLog;
  /** The log group or bucket name. */
  readonly destinationName: string;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const ctx = props.context;
    const common = {
      vpcId: props.vpcId,
      trafficType: "ALL",
      maxAggregationInterval: props.aggregationIntervalSeconds,
      logFormat: FLOW_LOG_FIELDS.map((f) => `$\${${f}}`).join(" "),
    };
    if (props.destination === "cloudwatch") {
      const group = new EncryptedLogGroup(this, "log-group", {
        context: ctx,
        name: ctx.naming.logGroupName("vpc-flow-logs"),
        retentionDays: props.retentionDays,
        kmsKeyArn: props.kmsKeyArn,
      });
      const role = new ServiceRole(this, "role", {
        context: ctx,
        name: "vpc-flow-logs",
        description: "VPC Flow Logs writes to its one log group",
        service: "vpc-flow-logs.amazonaws.com",
        trustConditions: {
          StringEquals: { "aws:SourceAccount": ctx.account },
          ArnLike: { "aws:SourceArn": arn(ctx, "ec2", "vpc-flow-log/*") },
        },
        statements: [
          {
            sid: "WriteFlowLogRecords",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources: [group.arn, `${group.arn}:*`],
          },
        ],
      });
      this.destinationName = group.name;
      this.flowLog = new FlowLog(this, "flow-log", {
        ...common,
        logDestinationType: "cloud-watch-logs",
        logDestination: group.logGroup.arn,
        iamRoleArn: role.arn,
      });
      return;
    }
    const bucket = new SecureBucket(this, "bucket", {
      context: ctx,
      purpose: "flow-logs",
      // SSE-S3: log delivery then needs no key grant (README, "Logging").
      encryption: "SSE-S3",
      expireAfterDays: props.retentionDays,
      statements: (bucketArn): PolicyStatement[] => [
        {
          sid: "LogDeliveryWrite",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["s3:PutObject"],
          // Hive-compatible partitions (below) put objects under `AWSLogs/aws-account-id=<id>/…`.
          resources: [`${bucketArn}/AWSLogs/aws-account-id=${ctx.account}/*`],
          conditions: {
            StringEquals: { "aws:SourceAccount": ctx.account, "s3:x-amz-acl": "bucket-owner-full-control" },
            ArnLike: { "aws:SourceArn": arn(ctx, "logs", "*") },
          },
        },
        {
          sid: "LogDeliveryAclCheck",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          conditions: {
            StringEquals: { "aws:SourceAccount": ctx.account },
            ArnLike: { "aws:SourceArn": arn(ctx, "logs", "*") },
          },
        },
      ],
    });
    this.destinationName = bucket.name;
    this.flowLog = new FlowLog(this, "flow-log", {
      ...common,
      logDestinationType: "s3",
      logDestination: bucket.arn,
      destinationOptions: { fileFormat: "parquet", perHourPartition: true, hiveCompatiblePartitions: true },
      dependsOn: [bucket.policy],
    });
  }
}
