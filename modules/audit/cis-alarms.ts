import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

/** One CIS monitoring control: a metric filter on the trail's log group and an alarm on its metric. */
export interface CisFilter {
  /** Security Hub control id (CloudWatch.1-14). */
  readonly control: string;
  /** Section of the CIS AWS Foundations Benchmark v1.4.0. */
  readonly cis: string;
  /** Part of the filter's and alarm's names, and the metric's name in kebab case. */
  readonly name: string;
  readonly metric: string;
  readonly description: string;
  /** CloudWatch Logs filter pattern over CloudTrail's JSON events. */
  readonly pattern: string;
}

/** `($.eventName=A) || ($.eventName=B) …`, the form most CIS patterns take. */
const anyEvent = (...names: string[]) => names.map((n) => `($.eventName=${n})`).join(" || ");

/** The CIS AWS Foundations Benchmark's metric filters, as Security Hub's CloudWatch controls check them. */
export const CIS_FILTERS: readonly CisFilter[] = [
  {
    control: "CloudWatch.1",
    cis: "4.3",
    name: "root-usage",
    metric: "RootUsage",
    description: "The root user was used",
    pattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  },
  {
    control: "CloudWatch.2",
    cis: "4.1",
    name: "unauthorized-api-calls",
    metric: "UnauthorizedApiCalls",
    description: "API calls were refused as unauthorized",
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  },
  {
    control: "CloudWatch.3",
    cis: "4.2",
    name: "console-sign-in-without-mfa",
    metric: "ConsoleSignInWithoutMfa",
    description: "An IAM user signed in to the console without MFA",
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    control: "CloudWatch.4",
    cis: "4.4",
    name: "iam-policy-changes",
    metric: "IamPolicyChanges",
    description: "An IAM policy was created, changed, attached or detached",
    pattern: `{($.eventSource=iam.amazonaws.com) && (${anyEvent(
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    )})}`,
  },
  {
    control: "CloudWatch.5",
    cis: "4.5",
    name: "cloudtrail-changes",
    metric: "CloudTrailChanges",
    description: "A trail was created, changed, stopped or deleted",
    pattern: `{${anyEvent("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")}}`,
  },
  {
    control: "CloudWatch.6",
    cis: "4.6",
    name: "console-sign-in-failures",
    metric: "ConsoleSignInFailures",
    description: "A console sign-in failed",
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  },
  {
    control: "CloudWatch.7",
    cis: "4.7",
    name: "kms-key-deletion",
    metric: "KmsKeyDisabledOrScheduledForDeletion",
    description: "A customer-managed KMS key was disabled or scheduled for deletion",
    pattern: `{($.eventSource=kms.amazonaws.com) && (${anyEvent("DisableKey", "ScheduleKeyDeletion")})}`,
  },
  {
    control: "CloudWatch.8",
    cis: "4.8",
    name: "s3-bucket-policy-changes",
    metric: "S3BucketPolicyChanges",
    description: "A bucket's policy, ACL, CORS, lifecycle or replication changed",
    pattern: `{($.eventSource=s3.amazonaws.com) && (${anyEvent(
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    )})}`,
  },
  {
    control: "CloudWatch.9",
    cis: "4.9",
    name: "config-changes",
    metric: "ConfigChanges",
    description: "AWS Config recording or delivery was changed or stopped",
    pattern: `{($.eventSource=config.amazonaws.com) && (${anyEvent(
      "StopConfigurationRecorder",
      "DeleteDeliveryChannel",
      "PutDeliveryChannel",
      "PutConfigurationRecorder",
    )})}`,
  },
  {
    control: "CloudWatch.10",
    cis: "4.10",
    name: "security-group-changes",
    metric: "SecurityGroupChanges",
    description: "A security group or one of its rules changed",
    pattern: `{${anyEvent(
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    )}}`,
  },
  {
    control: "CloudWatch.11",
    cis: "4.11",
    name: "nacl-changes",
    metric: "NetworkAclChanges",
    description: "A network ACL or one of its entries changed",
    pattern: `{${anyEvent(
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    )}}`,
  },
  {
    control: "CloudWatch.12",
    cis: "4.12",
    name: "network-gateway-changes",
    metric: "NetworkGatewayChanges",
    description: "A customer or internet gateway changed",
    pattern: `{${anyEvent(
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    )}}`,
  },
  {
    control: "CloudWatch.13",
    cis: "4.13",
    name: "route-table-changes",
    metric: "RouteTableChanges",
    description: "A route table or route changed",
    pattern: `{($.eventSource=ec2.amazonaws.com) && (${anyEvent(
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    )})}`,
  },
  {
    control: "CloudWatch.14",
    cis: "4.14",
    name: "vpc-changes",
    metric: "VpcChanges",
    description: "A VPC, its attributes or a peering connection changed",
    pattern: `{${anyEvent(
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    )}}`,
  },
];

/** The namespace of the CIS metrics: `<project>/<environment>/cis`. */
export function cisNamespace(ctx: StackContext): string {
  return `${ctx.naming.project}/${ctx.naming.environment}/cis`;
}

export interface CisAlarmsProps {
  readonly context: StackContext;
  /** The trail's log group (a reference, so the filters wait for it). */
  readonly logGroupName: string;
  /** Topic every alarm notifies. */
  readonly alarmTopicArn: string;
}

/** A metric filter and an alarm for each CIS monitoring control, notifying one topic. */
export class CisAlarms extends Construct {
  readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: CisAlarmsProps) {
    super(scope, id);
    const ctx = props.context;
    const namespace = cisNamespace(ctx);
    for (const f of CIS_FILTERS) {
      new CloudwatchLogMetricFilter(this, `${f.name}-filter`, {
        name: `cis-${f.name}`,
        logGroupName: props.logGroupName,
        pattern: f.pattern,
        metricTransformation: { name: f.metric, namespace, value: "1" },
      });
      const alarm = new CloudwatchMetricAlarm(this, `${f.name}-alarm`, {
        alarmName: ctx.naming.name("generic", "cis", f.name),
        alarmDescription: `${f.control} (CIS ${f.cis}): ${f.description}`,
        namespace,
        metricName: f.metric,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // The metric has data points only when a matching event occurs: no data means nothing happened.
        // notBreaching puts the alarm back to OK after an event, ready to notify on the next one;
        // "missing" would leave it in INSUFFICIENT_DATA, "breaching" would alarm all the time.
        treatMissingData: "notBreaching",
        actionsEnabled: true,
        alarmActions: [props.alarmTopicArn],
      });
      this.alarmNames.push(alarm.alarmName);
    }
  }
}
