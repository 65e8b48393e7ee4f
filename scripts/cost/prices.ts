/**
 * AWS list prices in USD: on-demand, no free tier, no Savings Plans or discounts. Compiled by hand from
 * the AWS pricing pages (aws.amazon.com/<service>/pricing/) for the regions the examples use; they are not
 * fetched live. Verify before quoting a figure, and update `asOf` with every change.
 */
export const PRICE_TABLE = {
  asOf: "2026-12-04",
  source: "AWS pricing pages (aws.amazon.com/<service>/pricing/), list prices, on-demand, no free tier",
} as const;

/** Prices that differ by region. Per hour, per GB, per month as named. */
export interface RegionalPrices {
  natGatewayHour: number;
  natGatewayGb: number;
  albHour: number;
  albLcuHour: number;
  fargateVcpuHour: number;
  fargateGbHour: number;
  /** Fargate Spot moves with supply: a typical price (about 70% below on-demand), not a quote. */
  fargateSpotVcpuHour: number;
  fargateSpotGbHour: number;
  interfaceEndpointHour: number;
  interfaceEndpointGb: number;
  publicIpv4Hour: number;
  /** CloudWatch Logs: custom logs (awslogs, CloudTrail, CodeBuild) and vended logs (flow logs, WAF, CloudFront), first tier. */
  logsIngestGb: number;
  logsVendedIngestGb: number;
  /** Vended logs delivered to S3 (flow logs to a bucket), first tier. */
  logsVendedToS3Gb: number;
  logsStorageGbMonth: number;
  dataOutToInternetGb: number;
  s3StandardGbMonth: number;
  ecrStorageGbMonth: number;
  codeBuildMinute: Record<string, number>;
}

const US: RegionalPrices = {
  natGatewayHour: 0.045,
  natGatewayGb: 0.045,
  albHour: 0.0225,
  albLcuHour: 0.008,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  fargateSpotVcpuHour: 0.012144,
  fargateSpotGbHour: 0.0013335,
  interfaceEndpointHour: 0.01,
  interfaceEndpointGb: 0.01,
  publicIpv4Hour: 0.005,
  logsIngestGb: 0.5,
  logsVendedIngestGb: 0.5,
  logsVendedToS3Gb: 0.25,
  logsStorageGbMonth: 0.03,
  dataOutToInternetGb: 0.09,
  s3StandardGbMonth: 0.023,
  ecrStorageGbMonth: 0.1,
  codeBuildMinute: { BUILD_GENERAL1_SMALL: 0.005, BUILD_GENERAL1_MEDIUM: 0.01, BUILD_GENERAL1_LARGE: 0.02 },
};

export const REGIONAL_PRICES: Record<string, RegionalPrices> = {
  "us-east-1": US,
  "us-west-2": US,
  "eu-west-1": {
    ...US,
    natGatewayHour: 0.048,
    natGatewayGb: 0.048,
    albHour: 0.0252,
    interfaceEndpointHour: 0.011,
    logsIngestGb: 0.57,
    logsVendedIngestGb: 0.57,
  },
};

/** Prices that are the same in every region, or global (CloudFront, WAF, KMS, Config, CloudWatch). */
export const GLOBAL_PRICES = {
  /** CloudFront to the internet, North America and Europe, first 10 TB. */
  cloudFrontGb: 0.085,
  /** CloudFront HTTPS requests per 10,000, Europe (North America: 0.0100). */
  cloudFrontHttpsPer10k: 0.012,
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  wafPerMillionRequests: 0.6,
  wafBotControlMonth: 10,
  wafBotControlCommonPerMillion: 1,
  wafBotControlTargetedPerMillion: 10,
  kmsKeyMonth: 1,
  /** Standard-resolution alarm, per metric it evaluates; a high-resolution one (period < 60 s) 0.30. */
  alarmMetricMonth: 0.1,
  alarmHighResolutionMetricMonth: 0.3,
  dashboardMonth: 3,
  customMetricMonth: 0.3,
  cloudTrailDataEventsPer100k: 0.1,
  configItem: 0.003,
  configRuleEvaluation: 0.001,
  codePipelineV2ActionMinute: 0.002,
  codePipelineV1Month: 1,
  route53HostedZoneMonth: 0.5,
} as const;

/** Hours in a month, as AWS bills them. */
export const HOURS_PER_MONTH = 730;

export function regionalPrices(region: string): RegionalPrices {
  const prices = REGIONAL_PRICES[region];
  if (!prices) {
    throw new Error(
      `scripts/cost/prices.ts: region: expected one of ${Object.keys(REGIONAL_PRICES).join(", ")} (a region with a price table), got "${region}"`,
    );
  }
  return prices;
}
