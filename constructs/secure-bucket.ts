import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { dataLifecycle, type StackContext } from "./context";
import { denyInsecureTransport, type PolicyStatement, policyJson } from "./policy";

/** SSE-KMS with a customer-managed key, or SSE-S3 where a log-delivery service demands it. */
export type BucketEncryption = { readonly kmsKeyArn: string } | "SSE-S3";

export interface SecureBucketProps {
  readonly context: StackContext;
  /** What the bucket holds; part of its name, e.g. "alb-logs". */
  readonly purpose: string;
  readonly encryption: BucketEncryption;
  /** Days after which objects expire. @default never */
  readonly expireAfterDays?: number;
  /** Keep object versions (overwrites and deletes stay recoverable). @default true */
  readonly versioned?: boolean;
  /** Days a replaced or deleted version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Bucket that receives this bucket's server access logs. @default no access logging */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
  /** Statements beside the TLS-only deny, given the bucket's ARN. @default none */
  readonly statements?: (bucketArn: string) => PolicyStatement[];
}

/**
 * An S3 bucket as every bucket of this stack must be: public access blocked, ACLs disabled, encrypted,
 * TLS only, versioned, with a lifecycle; protected from destruction in production.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly name: string;
  readonly arn: string;
  /** Resources that must exist before a service writes to the bucket (its policy). */
  readonly policy: S3BucketPolicy;
  /** Versioning: Object Lock and replication must wait for it. */
  readonly versioning: S3BucketVersioning;

  /** The ARN the bucket of `purpose` gets, known before it exists (bucket names are made by one rule). */
  static arnOf(ctx: StackContext, purpose: string): string {
    return `arn:${ctx.partition}:s3:::${ctx.naming.bucketName(purpose, ctx.account, ctx.region)}`;
  }

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const ctx = props.context;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: ctx.naming.bucketName(props.purpose, ctx.account, ctx.region),
      // Outside production a teardown may empty the bucket; in production nothing is lost.
      forceDestroy: !ctx.production,
      lifecycle: dataLifecycle(ctx),
    });
    // The attributes: whatever names the bucket (its policy, a log destination, a role) then depends on it.
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    const bucket = this.bucket.id;
    new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const enc = props.encryption;
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket,
      rule: [
        enc === "SSE-S3"
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: enc.kmsKeyArn },
              bucketKeyEnabled: true,
            },
      ],
    });
    const versioned = props.versioned ?? true;
    this.versioning = new S3BucketVersioning(this, "versioning", {
      bucket,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-and-clean-up",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          ...(props.expireAfterDays ? { expiration: [{ days: props.expireAfterDays }] } : {}),
          ...(versioned
            ? { noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }] }
            : {}),
        },
      ],
    });
    if (props.accessLogs) this.logAccessTo(props.accessLogs.bucket, props.accessLogs.prefix);
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyJson([denyInsecureTransport(this.arn), ...(props.statements?.(this.arn) ?? [])]),
    });
  }

  /**
   * Sends the bucket's server access logs to `target` under `prefix`. Given a SecureBucket, logging waits for
   * its policy, so a target whose policy names this bucket (by reference) can be made after this one.
   */
  logAccessTo(target: string | SecureBucket, prefix: string): S3BucketLogging {
    const bucket = typeof target === "string" ? undefined : target;
    return new S3BucketLogging(this, "access-logs", {
      bucket: this.bucket.id,
      targetBucket: bucket ? bucket.name : (target as string),
      targetPrefix: prefix,
      dependsOn: bucket ? [bucket.policy] : undefined,
    });
  }
}
