import { type CostItem, line, type PricingInput } from "./item";
import { logGroupVolumes } from "./log-volumes";
import { regionalPrices } from "./prices";

/**
 * CloudWatch Logs: ingestion of what each group receives, and storage of what it holds after
 * `cost.horizonMonths`: the compressed volume (`cost.logStorageRatio`) of min(retention, horizon) months.
 */
export function logItems({ stack, usage, prices }: PricingInput): CostItem[] {
  const volumes = logGroupVolumes(stack, usage);
  return stack.all("aws_cloudwatch_log_group").flatMap((group) => {
    const volume = volumes.get(group.address);
    if (!volume || volume.gb === 0) return [];
    const name = group.body.name;
    const months = Math.min(
      Number(group.body.retention_in_days || Infinity) / (365 / 12),
      usage.horizonMonths,
    );
    const stored = volume.gb * usage.logStorageRatio * months;
    // CloudFront-scope groups live in us-east-1 and are billed at its prices.
    const p = group.body.provider === "aws.us_east_1" ? regionalPrices("us-east-1") : prices;
    return [
      line(
        "CloudWatch Logs",
        `ingestion ${name} (${volume.source})`,
        volume.gb,
        "GB",
        volume.vended ? p.logsVendedIngestGb : p.logsIngestGb,
        [group.address],
      ),
      line(
        "CloudWatch Logs",
        `storage ${name} (${group.body.retention_in_days} d retention)`,
        stored,
        "GB-mo",
        p.logsStorageGbMonth,
        [group.address],
      ),
    ];
  });
}
