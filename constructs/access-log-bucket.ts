import type { Construct } from "constructs";
import type { StackContext } from "./context";
import { SecureBucket } from "./secure-bucket";

/** A bucket whose server access logs go to an AccessLogBucket, under its own prefix (e.g. "alb-logs/"). */
export interface AccessLogSource {
  readonly bucket: SecureBucket;
  readonly prefix: string;
}

export interface AccessLogBucketProps {
  readonly context: StackContext;
  /** Part of the bucket's name, e.g. "audit-access-logs". */
  readonly purpose: string;
  /** Days the access logs are kept. */
  readonly expireAfterDays: number;
  /** The buckets whose server access logs it receives. */
  readonly sources: AccessLogSource[];
}

/**
 * The target of S3 server access logging (who read or deleted what; checkov CKV_AWS_18, Security Hub S3.9):
 * SSE-S3, the only default encryption S3 documents for a log target, and a policy that lets S3's logging
 * service write under the sources' prefixes for the sources only, named by reference. Each source's logging
 * is switched on once that policy exists.
 */
export class AccessLogBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    const ctx = props.context;
    super(scope, id, {
      context: ctx,
      purpose: props.purpose,
      encryption: "SSE-S3",
      expireAfterDays: props.expireAfterDays,
      statements: (bucketArn) => [
        {
          sid: "S3ServerAccessLogs",
          principals: { Service: "logging.s3.amazonaws.com" },
          actions: ["s3:PutObject"],
          resources: props.sources.map((s) => `${bucketArn}/${s.prefix}*`),
          conditions: {
            StringEquals: { "aws:SourceAccount": ctx.account },
            ArnLike: { "aws:SourceArn": props.sources.map((s) => s.bucket.arn) },
          },
        },
      ],
    });
    for (const source of props.sources) source.bucket.logAccessTo(this, source.prefix);
  }
}
