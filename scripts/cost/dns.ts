import { type CostItem, line, type PricingInput } from "./item";
import { GLOBAL_PRICES } from "./prices";

/**
 * Route 53: hosted zones the stack creates (the examples use an existing zone, billed outside the stack);
 * queries for alias records to CloudFront and load balancers are free.
 */
export function dnsItems({ stack }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  const zones = stack.all("aws_route53_zone");
  if (zones.length > 0)
    items.push(
      line(
        "Route 53",
        "hosted zones",
        zones.length,
        "zone-mo",
        GLOBAL_PRICES.route53HostedZoneMonth,
        zones.map((z) => z.address),
      ),
    );
  const aliases = stack.all("aws_route53_record").filter((r) => r.body.alias);
  if (aliases.length > 0)
    items.push(
      line(
        "Route 53",
        `alias queries (${aliases.length} alias records; free)`,
        0,
        "query",
        0,
        aliases.map((r) => r.address),
      ),
    );
  return items;
}
