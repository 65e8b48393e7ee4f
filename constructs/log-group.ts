import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { arn, dataLifecycle, regionalPrincipal, type StackContext } from "./context";
import type { KeyGrant } from "./kms-key";

export interface EncryptedLogGroupProps {
  readonly context: StackContext;
  /** Full log group name, e.g. `/fws/prod/vpc-flow-logs`. */
  readonly name: string;
  /** Days records are kept; from config. */
  readonly retentionDays: number;
  /** Customer-managed key whose policy lets CloudWatch Logs use it for this group. */
  readonly kmsKeyArn: string;
  /** Keep the group from being destroyed in production (audit and flow logs). @default true */
  readonly protect?: boolean;
  /** Provider of the group's region; `context.region` must be that region. @default the stack's */
  readonly provider?: TerraformProvider;
}

/** A CloudWatch log group encrypted with a customer-managed key, with retention. */
export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;
  /** The group's ARN without the `:*` suffix. */
  readonly arn: string;
  /** The ARN of the group's streams (`…:log-stream:*`), which PutLogEvents is authorized on. */
  readonly streamsArn: string;
  /** The name as given, not the attribute: what the key's policy names without depending on the group. */
  readonly givenName: string;
  /** The key the group is encrypted with, as given. */
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    this.givenName = props.name;
    this.kmsKeyArn = props.kmsKeyArn;
    this.logGroup = new CloudwatchLogGroup(this, "group", {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
      lifecycle: props.protect === false ? undefined : dataLifecycle(props.context),
      provider: props.provider,
    });
    // The attributes: whatever names the group (a policy, a container's log driver) then depends on it.
    this.name = this.logGroup.name;
    this.arn = this.logGroup.arn;
    this.streamsArn = `${this.arn}:log-stream:*`;
  }
}

/**
 * The key-policy grant that lets CloudWatch Logs encrypt the log groups whose names match `patterns`
 * (and no others: the encryption context names the group).
 */
export function logsKeyGrant(ctx: StackContext, patterns: string[]): KeyGrant {
  return {
    sid: "CloudWatchLogsEncryptsTheseGroups",
    service: regionalPrincipal(ctx, "logs"),
    actions: [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:DescribeKey",
    ],
    conditions: {
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": patterns.map((p) => arn(ctx, "logs", `log-group:${p}`)),
      },
    },
  };
}
