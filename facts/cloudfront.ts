/**
 * Fixed identifiers CloudFront publishes. Referenced by value: a data-source lookup would call the AWS
 * API and break the offline plan.
 */

/** AWS-managed cache and origin-request policies (the same id in every account). */
export const MANAGED_POLICIES = {
  /** No caching: every request reaches the origin. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Caches by path, honours the origin's Cache-Control (1 s to 1 year), gzip and brotli keys. */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Forwards every viewer header (Host included), cookie and query string to the origin. */
  allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/**
 * `com.amazonaws.global.cloudfront.origin-facing` per region (its id differs by region). A region
 * missing here needs `edge.originFacingPrefixListId` in config.
 */
export const ORIGIN_FACING_PREFIX_LISTS: Readonly<Record<string, string>> = {
  "ap-northeast-1": "pl-58a04531",
  "ap-northeast-2": "pl-22a6434b",
  "ap-south-1": "pl-9aa247f3",
  "ap-southeast-1": "pl-31a34658",
  "ap-southeast-2": "pl-b8a742d1",
  "ca-central-1": "pl-38a64351",
  "eu-central-1": "pl-a3a144ca",
  "eu-north-1": "pl-fab65393",
  "eu-west-1": "pl-4fa04526",
  "eu-west-2": "pl-93a247fa",
  "eu-west-3": "pl-75b1541c",
  "sa-east-1": "pl-5da64334",
  "us-east-1": "pl-3b927c52",
  "us-east-2": "pl-b6a144df",
  "us-west-1": "pl-4ea04527",
  "us-west-2": "pl-82a045eb",
};
