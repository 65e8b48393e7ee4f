import { type Resource, resolveLiterals, type Stack } from "../lib/stack-json";
import { type CostItem, gigabytes, line, type PricingInput, type Usage } from "./item";
import { GLOBAL_PRICES } from "./prices";

/** Bytes of a configuration item as delivered (history and snapshots). */
const CONFIG_ITEM_BYTES = 5000;

/**
 * S3 storage of each bucket after `cost.horizonMonths` (within its lifecycle expiry), from what writes to it;
 * flow logs delivered to S3; ECR image storage; KMS keys.
 */
export function storageItems({ stack, usage, prices }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  for (const bucket of stack.all("aws_s3_bucket")) {
    const monthly = bucketWrites(stack, bucket, usage);
    if (!monthly) continue;
    const [lifecycle] = stack.referencing(bucket, "aws_s3_bucket_lifecycle_configuration");
    const days = Number(
      lifecycle?.body.rule?.find((r: { expiration?: { days?: number }[] }) => r.expiration?.[0]?.days)
        ?.expiration[0].days ?? Infinity,
    );
    const months = Math.min(days / (365 / 12), usage.horizonMonths);
    items.push(
      line(
        "S3",
        `storage ${bucket.body.bucket} (${monthly.what}, ${Number.isFinite(days) ? `${days} d` : "no"} expiry)`,
        monthly.gb * months,
        "GB-mo",
        prices.s3StandardGbMonth,
        [bucket.address],
      ),
    );
  }
  for (const flow of stack.all("aws_flow_log").filter((f) => f.body.log_destination_type === "s3")) {
    items.push(
      line(
        "CloudWatch Logs",
        "VPC flow logs delivered to S3 (vended)",
        usage.flowLogGbPerMonth,
        "GB",
        prices.logsVendedToS3Gb,
        [flow.address],
      ),
    );
  }
  const repositories = stack.all("aws_ecr_repository");
  if (repositories.length > 0) {
    items.push(
      line(
        "ECR",
        `image storage (${repositories.length} repositories × cost.imageGbPerRepository)`,
        repositories.length * usage.imageGbPerRepository,
        "GB-mo",
        prices.ecrStorageGbMonth,
        repositories.map((r) => r.address),
      ),
    );
  }
  const keys = stack.all("aws_kms_key");
  if (keys.length > 0)
    items.push(
      line(
        "KMS",
        "customer managed keys (each yearly rotation adds $1 a month, up to two)",
        keys.length,
        "key-mo",
        GLOBAL_PRICES.kmsKeyMonth,
        keys.map((k) => k.address),
      ),
    );
  return items;
}

/** GB written a month to a bucket as stored (compressed), by what names it as its destination. */
function bucketWrites(
  stack: Stack,
  bucket: Resource,
  usage: Usage,
): { gb: number; what: string } | undefined {
  const name = bucket.body.bucket;
  const compressed = (gb: number) => gb * usage.logStorageRatio;
  if (stack.all("aws_lb").some((lb) => resolveLiterals(stack, lb.body.access_logs?.bucket) === name)) {
    return {
      gb: compressed(gigabytes(usage.requestsPerMonth, usage.albLogBytesPerRequest)),
      what: "ALB access logs",
    };
  }
  if (
    stack
      .all("aws_codepipeline")
      .some((p) =>
        p.body.artifact_store?.some((s: { location: string }) => resolveLiterals(stack, s.location) === name),
      )
  ) {
    return { gb: (usage.pipelineRunsPerMonth * usage.artifactMbPerRun) / 1024, what: "pipeline artifacts" };
  }
  if (stack.all("aws_cloudtrail").some((t) => stack.referenced(t.body.s3_bucket_name).includes(bucket))) {
    return { gb: compressed(usage.trailGbPerMonth), what: "CloudTrail events" };
  }
  if (
    stack
      .all("aws_config_delivery_channel")
      .some((c) => stack.referenced(c.body.s3_bucket_name).includes(bucket))
  ) {
    return {
      gb: compressed(gigabytes(usage.configItemsPerMonth, CONFIG_ITEM_BYTES)),
      what: "Config history",
    };
  }
  if (
    stack
      .all("aws_flow_log")
      .some((f) => stack.named("aws_s3_bucket", f.body.log_destination, "bucket") === bucket)
  ) {
    return { gb: compressed(usage.flowLogGbPerMonth), what: "VPC flow logs (Parquet)" };
  }
  return undefined;
}
