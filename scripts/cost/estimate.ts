import type { Stack } from "../lib/stack-json";
import { auditItems } from "./audit";
import { deliveryItems } from "./delivery";
import { dnsItems } from "./dns";
import { edgeItems } from "./edge";
import { fargateItems } from "./fargate";
import type { CostItem, PricingInput, Usage } from "./item";
import { loadBalancerItems } from "./load-balancer";
import { logItems } from "./logs";
import { monitoringItems } from "./monitoring";
import { networkItems } from "./network";
import { PRICE_TABLE, regionalPrices } from "./prices";
import { storageItems } from "./storage";

/** One environment's monthly estimate, as `npm run cost -- --json` prints it. */
export interface Estimate {
  readonly environment: string;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly priceSource: string;
  readonly currency: "USD";
  readonly usage: Usage;
  readonly items: CostItem[];
  readonly total: number;
  /** What the estimate leaves out, so a reader knows the limits of the number. */
  readonly notPriced: string[];
}

export const NOT_PRICED = [
  "data transfer between AZs (ALB to tasks in another AZ, $0.01/GB each way) and to other AWS regions",
  "KMS, S3 and CloudWatch API requests; SNS notifications; EventBridge events",
  "ECS Container Insights (enhanced observability) metrics and performance logs",
  "Fargate ephemeral storage above the free 20 GB (the tasks use the default)",
  "the AWS free tier, Savings Plans and Spot price movements",
];

const PRICERS = [
  networkItems,
  loadBalancerItems,
  fargateItems,
  logItems,
  monitoringItems,
  edgeItems,
  storageItems,
  auditItems,
  deliveryItems,
  dnsItems,
];

/** Prices every resource of one synthesized stack under the given usage assumptions. */
export function estimate(stack: Stack, usage: Usage): Estimate {
  const input: PricingInput = { stack, usage, prices: regionalPrices(stack.region) };
  const items = PRICERS.flatMap((price) => price(input));
  const total = items.reduce((sum, i) => sum + i.monthly, 0);
  return {
    environment: stack.name,
    region: stack.region,
    pricesAsOf: PRICE_TABLE.asOf,
    priceSource: PRICE_TABLE.source,
    currency: "USD",
    usage,
    items,
    total,
    notPriced: NOT_PRICED,
  };
}

/** Totals by service, largest first. */
export function byService(e: Estimate): [string, number][] {
  const sums = new Map<string, number>();
  for (const i of e.items) sums.set(i.service, (sums.get(i.service) ?? 0) + i.monthly);
  return [...sums].sort((a, b) => b[1] - a[1]);
}
