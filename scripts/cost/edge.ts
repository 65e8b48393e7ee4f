import type { Body } from "../lib/stack-json";
import { type CostItem, gigabytes, line, type PricingInput } from "./item";
import { GLOBAL_PRICES } from "./prices";

/** CloudFront (requests and data out; from an AWS origin the origin fetch is free) and WAF. */
export function edgeItems({ stack, usage }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  for (const distribution of stack.all("aws_cloudfront_distribution")) {
    const gb = gigabytes(usage.requestsPerMonth, usage.averageResponseKiB * 1024);
    items.push(
      line(
        "CloudFront",
        `HTTPS requests (${distribution.body.price_class})`,
        usage.requestsPerMonth / 10_000,
        "10k req",
        GLOBAL_PRICES.cloudFrontHttpsPer10k,
        [distribution.address],
      ),
    );
    items.push(
      line("CloudFront", "data out to the internet", gb, "GB", GLOBAL_PRICES.cloudFrontGb, [
        distribution.address,
      ]),
    );
  }
  for (const acl of stack.all("aws_wafv2_web_acl")) {
    const rules: Body[] = acl.body.rule ?? [];
    items.push(
      line("WAF", `web ACL ${acl.body.name}`, 1, "ACL-mo", GLOBAL_PRICES.wafWebAclMonth, [acl.address]),
    );
    items.push(
      line(
        "WAF",
        "rules (a managed rule group counts as one)",
        rules.length,
        "rule-mo",
        GLOBAL_PRICES.wafRuleMonth,
        [acl.address],
      ),
    );
    items.push(
      line(
        "WAF",
        "requests inspected",
        usage.requestsPerMonth / 1e6,
        "M req",
        GLOBAL_PRICES.wafPerMillionRequests,
        [acl.address],
      ),
    );
    const bot = rules
      .map((r) => r.statement?.managed_rule_group_statement)
      .find((g) => g?.name === "AWSManagedRulesBotControlRuleSet");
    if (bot) {
      const level = JSON.stringify(bot).includes("TARGETED") ? "TARGETED" : "COMMON";
      const perMillion =
        level === "TARGETED"
          ? GLOBAL_PRICES.wafBotControlTargetedPerMillion
          : GLOBAL_PRICES.wafBotControlCommonPerMillion;
      items.push(
        line("WAF", "Bot Control subscription", 1, "mo", GLOBAL_PRICES.wafBotControlMonth, [acl.address]),
      );
      items.push(
        line(
          "WAF",
          `Bot Control ${level} requests (no scope-down counted)`,
          usage.requestsPerMonth / 1e6,
          "M req",
          perMillion,
          [acl.address],
        ),
      );
    }
  }
  return items;
}
