import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import type { KeyGrant } from "../../constructs/kms-key";
import type { PolicyStatement } from "../../constructs/policy";
import { SecureBucket } from "../../constructs/secure-bucket";

export const CONFIG_SERVICE = "config.amazonaws.com";

/** Resource types recorded once a day instead of on every change (Fargate creates one per task). */
export const DAILY_RESOURCE_TYPES = ["AWS::EC2::NetworkInterface"];

/** Prefix of the Config bucket's server access logs in the access-log bucket. */
export const CONFIG_ACCESS_LOG_PREFIX = "config/";

/** The ARN of the role AWS Config records with: its service-linked role, which exists once per account. */
export function configServiceLinkedRoleArn(ctx: StackContext): string {
  return `arn:${ctx.partition}:iam::${ctx.account}:role/aws-service-role/${CONFIG_SERVICE}/AWSServiceRoleForConfig`;
}

/** The key-policy grant that lets AWS Config encrypt what it delivers into the Config bucket, and nothing else. */
export function configKeyGrant(ctx: StackContext, bucketArn: string): KeyGrant {
  return {
    sid: "ConfigEncryptsDeliveries",
    service: CONFIG_SERVICE,
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    conditions: {
      StringEquals: { "aws:SourceAccount": ctx.account },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
    },
  };
}

/** The bucket-policy statements AWS Config needs to deliver snapshots and history (as documented by AWS). */
export function configBucketStatements(ctx: StackContext, bucketArn: string): PolicyStatement[] {
  const fromThisAccount = { StringEquals: { "aws:SourceAccount": ctx.account } };
  return [
    {
      sid: "ConfigAclCheck",
      principals: { Service: CONFIG_SERVICE },
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      conditions: fromThisAccount,
    },
    {
      sid: "ConfigExistenceCheck",
      principals: { Service: CONFIG_SERVICE },
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
      conditions: fromThisAccount,
    },
    {
      sid: "ConfigWrite",
      principals: { Service: CONFIG_SERVICE },
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/AWSLogs/${ctx.account}/Config/*`],
      conditions: {
        StringEquals: { "aws:SourceAccount": ctx.account, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    },
  ];
}

export interface ConfigRecorderProps {
  readonly context: StackContext;
  /** Create the recorder (and start it). */
  readonly createRecorder: boolean;
  /** Create the delivery channel. */
  readonly createDeliveryChannel: boolean;
  /** Create the service-linked role the recorder uses. */
  readonly createServiceLinkedRole: boolean;
  /** Record global resource types (IAM) here: true in one region of the account only. */
  readonly homeRegion: boolean;
  /** How often a full snapshot is delivered, e.g. "TwentyFour_Hours". */
  readonly snapshotFrequency: string;
  /** Days snapshots and history files are kept in the stack's bucket. */
  readonly bucketRetentionDays: number;
  /** Deliver to this existing bucket instead of creating one. @default the stack's own bucket */
  readonly existingBucketName?: string;
  /** The audit key, for the stack's own bucket. */
  readonly kmsKeyArn?: string;
}

/**
 * AWS Config: the service-linked role, the recorder (every supported type, network interfaces daily), the
 * delivery channel to its own bucket, and the recorder started: each created after the one before, as
 * AWS requires.
 */
export class ConfigRecorder extends Construct {
  readonly recorder?: ConfigConfigurationRecorder;
  readonly deliveryChannel?: ConfigDeliveryChannel;
  readonly bucket?: SecureBucket;
  /** What rules must wait for: the recorder when the stack creates it. */
  readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const ctx = props.context;
    const name = ctx.naming.name("generic", "config");

    if (props.createRecorder) {
      const role = props.createServiceLinkedRole
        ? new IamServiceLinkedRole(this, "service-linked-role", {
            awsServiceName: CONFIG_SERVICE,
            description: "AWS Config records resource configurations",
          })
        : undefined;
      this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
        name,
        roleArn: role?.arn ?? configServiceLinkedRoleArn(ctx),
        recordingGroup: {
          allSupported: true,
          includeGlobalResourceTypes: props.homeRegion,
          recordingStrategy: [{ useOnly: "ALL_SUPPORTED_RESOURCE_TYPES" }],
        },
        recordingMode: {
          recordingFrequency: "CONTINUOUS",
          recordingModeOverride: {
            description: "Fargate tasks' network interfaces come and go with every task: record them daily",
            recordingFrequency: "DAILY",
            resourceTypes: DAILY_RESOURCE_TYPES,
          },
        },
      });
      this.ready.push(this.recorder);
    }

    if (props.createDeliveryChannel) {
      // A delivery channel needs the recorder, and Config checks the bucket policy when it is created.
      const dependsOn: ITerraformDependable[] = [...this.ready];
      let s3BucketName = props.existingBucketName;
      if (!s3BucketName) {
        this.bucket = this.addBucket(ctx, props);
        s3BucketName = this.bucket.bucket.bucket;
        dependsOn.push(this.bucket.policy);
      }
      this.deliveryChannel = new ConfigDeliveryChannel(this, "delivery-channel", {
        name,
        s3BucketName,
        s3KmsKeyArn: this.bucket ? props.kmsKeyArn : undefined,
        snapshotDeliveryProperties: { deliveryFrequency: props.snapshotFrequency },
        dependsOn,
      });
    }

    if (this.recorder) {
      new ConfigConfigurationRecorderStatus(this, "status", {
        name: this.recorder.name,
        isEnabled: true,
        // A recorder starts only once a delivery channel exists.
        dependsOn: this.deliveryChannel ? [this.deliveryChannel] : undefined,
      });
    }
  }

  /** Its own bucket, never the trail's: Config cannot deliver to a bucket with Object Lock. */
  private addBucket(ctx: StackContext, props: ConfigRecorderProps): SecureBucket {
    if (!props.kmsKeyArn) throw new Error("ConfigRecorder: the stack's Config bucket needs kmsKeyArn");
    return new SecureBucket(this, "bucket", {
      context: ctx,
      purpose: "config",
      encryption: { kmsKeyArn: props.kmsKeyArn },
      expireAfterDays: props.bucketRetentionDays,
      // A deleted snapshot or history file stays recoverable for a year.
      noncurrentVersionDays: 365,
      statements: (bucketArn) => configBucketStatements(ctx, bucketArn),
    });
  }
}
