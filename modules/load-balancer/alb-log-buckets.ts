import type { Construct } from "constructs";
import { AccessLogBucket } from "../../constructs/access-log-bucket";
import type { StackContext } from "../../constructs/context";
import { SecureBucket } from "../../constructs/secure-bucket";
import { elbLogWriter } from "../../facts/elb";

/** Prefixes of the two log streams in the log bucket. */
export const ALB_LOG_PREFIXES = { access: "access", connection: "connection" } as const;

/** Prefix of the log bucket's own server access logs in the access-log bucket. */
export const ALB_BUCKET_ACCESS_LOG_PREFIX = "alb-logs/";

/**
 * The ALB's log bucket and, beside it, the bucket that records who read or deleted those logs (S3 server
 * access logging; scanners such as checkov CKV_AWS_18 and Security Hub S3.9 ask for it on every bucket that
 * holds records). Created in `scope` itself, so the log bucket's address stays what it always was.
 */
export function albLogBuckets(scope: Construct, ctx: StackContext, retentionDays: number): SecureBucket {
  const logs = new SecureBucket(scope, "log-bucket", {
    context: ctx,
    purpose: "alb-logs",
    // ALB log delivery supports SSE-S3 only.
    encryption: "SSE-S3",
    expireAfterDays: retentionDays,
    noncurrentVersionDays: 7,
    statements: (bucketArn) => [
      {
        sid: "AlbLogDelivery",
        principals: elbLogWriter(ctx.region, ctx.partition),
        actions: ["s3:PutObject"],
        resources: Object.values(ALB_LOG_PREFIXES).map((p) => `${bucketArn}/${p}/AWSLogs/${ctx.account}/*`),
      },
    ],
  });
  new AccessLogBucket(scope, "server-access-logs", {
    context: ctx,
    purpose: "alb-logs-access",
    expireAfterDays: retentionDays,
    sources: [{ bucket: logs, prefix: ALB_BUCKET_ACCESS_LOG_PREFIX }],
  });
  return logs;
}
