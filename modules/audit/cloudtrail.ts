import { Cloudtrail as AwsCloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { S3BucketObjectLockConfigurationA as S3BucketObjectLockConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import type { KeyGrant } from "../../constructs/kms-key";
import { EncryptedLogGroup } from "../../constructs/log-group";
import type { PolicyStatement } from "../../constructs/policy";
import { SecureBucket } from "../../constructs/secure-bucket";
import { ServiceRole } from "../../constructs/service-role";

export const CLOUDTRAIL_SERVICE = "cloudtrail.amazonaws.com";

/** The trail's names, known before anything is created (key and bucket policies name them). */
export interface TrailIdentity {
  readonly name: string;
  /** `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`: aws:SourceArn of everything it does. */
  readonly arn: string;
  readonly logGroupName: string;
}

export function trailIdentity(ctx: StackContext): TrailIdentity {
  const name = ctx.naming.name("generic", "trail");
  return {
    name,
    arn: arn(ctx, "cloudtrail", `trail/${name}`),
    logGroupName: ctx.naming.logGroupName("cloudtrail"),
  };
}

/**
 * The key-policy grants the trail needs: CloudTrail encrypts log files only under this trail's encryption
 * context, describes the key when the trail is created or updated, and decrypts with it because the trail
 * bucket uses an S3 Bucket Key (CloudTrail's guide, "Configure AWS KMS key policies for CloudTrail": without
 * kms:Decrypt, CreateTrail fails with InsufficientEncryptionPolicyException).
 */
export function cloudTrailKeyGrants(trail: TrailIdentity): KeyGrant[] {
  return [
    {
      sid: "CloudTrailEncryptsThisTrail",
      service: CLOUDTRAIL_SERVICE,
      actions: ["kms:GenerateDataKey"],
      conditions: {
        StringEquals: {
          "aws:SourceArn": trail.arn,
          "kms:EncryptionContext:aws:cloudtrail:arn": trail.arn,
        },
      },
    },
    {
      sid: "CloudTrailDescribesKey",
      service: CLOUDTRAIL_SERVICE,
      actions: ["kms:DescribeKey"],
      conditions: { StringEquals: { "aws:SourceArn": trail.arn } },
    },
    {
      sid: "CloudTrailDecryptsForBucketKey",
      service: CLOUDTRAIL_SERVICE,
      actions: ["kms:Decrypt"],
      conditions: { StringEquals: { "aws:SourceArn": trail.arn } },
    },
  ];
}

/** The bucket-policy statements that let this trail, and no other, deliver into the bucket. */
export function trailBucketStatements(
  ctx: StackContext,
  bucketArn: string,
  trailArn: string,
): PolicyStatement[] {
  return [
    {
      sid: "CloudTrailAclCheck",
      principals: { Service: CLOUDTRAIL_SERVICE },
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      conditions: { StringEquals: { "aws:SourceArn": trailArn } },
    },
    {
      sid: "CloudTrailWrite",
      principals: { Service: CLOUDTRAIL_SERVICE },
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/AWSLogs/${ctx.account}/*`],
      conditions: {
        StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    },
  ];
}

export interface CloudTrailProps {
  readonly context: StackContext;
  readonly identity: TrailIdentity;
  /** The audit key: log files, the bucket's default encryption and the log group. */
  readonly kmsKeyArn: string;
  /** Days the CloudWatch log group keeps events. */
  readonly retentionDays: number;
  /** Days trail files are kept in S3. */
  readonly bucketRetentionDays: number;
  /** Governance-mode Object Lock on the trail bucket. */
  readonly objectLock: { readonly enabled: boolean; readonly retentionDays: number };
  /** Buckets whose object-level (data) events are recorded too. @default none */
  readonly dataEventBucketArns?: string[];
}

/** Prefix of the trail bucket's server access logs in the access-log bucket. */
export const TRAIL_ACCESS_LOG_PREFIX = "cloudtrail/";

/**
 * A multi-region trail of every management event, with log file validation, encrypted with the audit key,
 * delivered to its own bucket and to a CloudWatch log group (for the CIS alarms).
 */
export class CloudTrail extends Construct {
  readonly trail: AwsCloudtrail;
  readonly bucket: SecureBucket;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: CloudTrailProps) {
    super(scope, id);
    const ctx = props.context;
    const identity = props.identity;

    this.bucket = new SecureBucket(this, "bucket", {
      context: ctx,
      purpose: "cloudtrail",
      encryption: { kmsKeyArn: props.kmsKeyArn },
      expireAfterDays: props.bucketRetentionDays,
      // A deleted trail file stays recoverable for a year.
      noncurrentVersionDays: 365,
      statements: (bucketArn) => trailBucketStatements(ctx, bucketArn, identity.arn),
    });
    if (props.objectLock.enabled) {
      new S3BucketObjectLockConfiguration(this, "object-lock", {
        bucket: this.bucket.bucket.id,
        rule: { defaultRetention: { mode: "GOVERNANCE", days: props.objectLock.retentionDays } },
        // Object Lock can be enabled on an existing bucket only once its versioning is on.
        dependsOn: [this.bucket.versioning],
      });
    }

    this.logGroup = new EncryptedLogGroup(this, "log-group", {
      context: ctx,
      name: identity.logGroupName,
      retentionDays: props.retentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    const role = new ServiceRole(this, "logs-role", {
      context: ctx,
      name: "cloudtrail-logs",
      description: "CloudTrail writes this trail's events to its one log group",
      service: CLOUDTRAIL_SERVICE,
      trustConditions: { StringEquals: { "aws:SourceAccount": ctx.account, "aws:SourceArn": identity.arn } },
      statements: [
        {
          sid: "WriteTrailEvents",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [this.logGroup.streamsArn],
        },
      ],
    });

    const dataEvents = props.dataEventBucketArns ?? [];
    this.trail = new AwsCloudtrail(this, "trail", {
      name: identity.name,
      s3BucketName: this.bucket.bucket.bucket,
      kmsKeyId: props.kmsKeyArn,
      enableLogging: true,
      // All three are off by the provider's default.
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      eventSelector: [
        {
          readWriteType: "All",
          includeManagementEvents: true,
          excludeManagementEventSources: [],
          dataResource:
            dataEvents.length > 0
              ? [{ type: "AWS::S3::Object", values: dataEvents.map((bucketArn) => `${bucketArn}/`) }]
              : undefined,
        },
      ],
      // CloudTrail wants the group's ARN with its `:*` (all streams).
      cloudWatchLogsGroupArn: `${this.logGroup.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      // CloudTrail checks at creation that it may write to the bucket and the log group.
      dependsOn: [this.bucket.policy, ...(role.policy ? [role.policy] : [])],
    });
  }
}
