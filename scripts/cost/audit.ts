import { type CostItem, line, type PricingInput } from "./item";
import { GLOBAL_PRICES } from "./prices";

/**
 * CloudTrail (the first copy of management events is free; data events are not) and AWS Config
 * (configuration items only when this stack runs the recorder; rule evaluations whenever it has rules).
 */
export function auditItems({ stack, usage }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  for (const trail of stack.all("aws_cloudtrail")) {
    const selectors = JSON.stringify([trail.body.event_selector, trail.body.advanced_event_selector]);
    if (selectors.includes("AWS::S3::Object")) {
      items.push(
        line(
          "CloudTrail",
          "S3 data events (cost.trailDataEventsPerMonth)",
          usage.trailDataEventsPerMonth / 100_000,
          "100k events",
          GLOBAL_PRICES.cloudTrailDataEventsPer100k,
          [trail.address],
        ),
      );
    }
    items.push(line("CloudTrail", "management events, first copy", 0, "events", 0, [trail.address]));
  }
  const recorders = stack.all("aws_config_configuration_recorder");
  if (recorders.length > 0) {
    items.push(
      line(
        "Config",
        "configuration items recorded (cost.configItemsPerMonth)",
        usage.configItemsPerMonth,
        "item",
        GLOBAL_PRICES.configItem,
        recorders.map((r) => r.address),
      ),
    );
  }
  const rules = stack.all("aws_config_config_rule");
  if (rules.length > 0) {
    items.push(
      line(
        "Config",
        `rule evaluations (${rules.length} rules × cost.configEvaluationsPerRule)`,
        rules.length * usage.configEvaluationsPerRule,
        "evaluation",
        GLOBAL_PRICES.configRuleEvaluation,
        rules.map((r) => r.address),
      ),
    );
  }
  return items;
}
