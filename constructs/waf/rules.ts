import type { WafConfig } from "../../config/schema/waf";
import type { AwsManagedRuleGroupName } from "./capacity";
import { geoBlockRule, ipSetRule, managedRuleGroup, rateBasedRule, type WafRule } from "./rule-builder";

/**
 * The rules of this project's web ACL, in evaluation order: the one list both the WebAcl construct and
 * the config schema's WCU check use, so that the capacity checked is the capacity deployed.
 */

/** Managed groups every web ACL runs, in this order, after the rate limit. */
export const BASELINE_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  // AWSManagedRulesAnonymousIpList goes here when config turns it on.
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
  "AWSManagedRulesLinuxRuleSet",
] as const satisfies readonly AwsManagedRuleGroupName[];

/** Groups config may add after the baseline (before Bot Control), for the application's stack. */
export const ADDITIONAL_RULE_GROUPS = [
  "AWSManagedRulesAdminProtectionRuleSet",
  "AWSManagedRulesUnixRuleSet",
  "AWSManagedRulesWindowsRuleSet",
  "AWSManagedRulesPHPRuleSet",
  "AWSManagedRulesWordPressRuleSet",
] as const satisfies readonly AwsManagedRuleGroupName[];
export type AdditionalRuleGroup = (typeof ADDITIONAL_RULE_GROUPS)[number];

/**
 * The Core Rule Set's `SizeRestrictions_BODY` blocks every request whose body is over 8 KB (AWS WAF Developer
 * Guide, "Core rule set (CRS) managed rule group").
 */
export const CORE_RULE_SET_BODY_RULE = {
  group: "AWSManagedRulesCommonRuleSet",
  rule: "SizeRestrictions_BODY",
  limitBytes: 8 * 1024,
} as const satisfies { group: AwsManagedRuleGroupName; rule: string; limitBytes: number };

/**
 * The largest request body the web ACL lets through: the Core Rule Set's limit while its size rule blocks
 * (or challenges), unlimited once config counts or allows it (the origin's own limit then applies).
 */
export function bodyLimitBytes(config: WafConfig): number {
  const { group, rule, limitBytes } = CORE_RULE_SET_BODY_RULE;
  const action = config.ruleOverrides[group]?.[rule];
  return action === "count" || action === "allow" ? Number.POSITIVE_INFINITY : limitBytes;
}

/** Names of the plain rules, which are also their metric names. */
export const RULE_NAMES = {
  allow: "allow-listed-ips",
  deny: "deny-listed-ips",
  geo: "block-countries",
  rate: "rate-limit-per-ip",
} as const;

/** The managed rule groups `config` turns on, in evaluation order. */
export function managedGroupsInUse(config: WafConfig): AwsManagedRuleGroupName[] {
  const [reputation, ...rest] = BASELINE_RULE_GROUPS;
  return [
    reputation,
    ...(config.anonymousIpList ? (["AWSManagedRulesAnonymousIpList"] as const) : []),
    ...rest,
    ...config.additionalRuleGroups,
    ...(config.botControl ? (["AWSManagedRulesBotControlRuleSet"] as const) : []),
  ];
}

/** ARN of the allow or deny IP set (the schema's WCU check passes placeholders). */
export type IpSetArnOf = (list: "allow" | "deny") => string;

/**
 * Allow list, deny list and geo block first (cheap, and an allowed address skips every later rule,
 * the rate limit included); then the rate limit; then the managed groups, Bot Control last so that it
 * only sees (and bills) requests nothing before it has blocked.
 */
export function webAclRules(config: WafConfig, ipSetArnOf: IpSetArnOf): WafRule[] {
  const rules: WafRule[] = [];
  if (config.allowCidrs.length > 0) rules.push(ipSetRule(RULE_NAMES.allow, ipSetArnOf("allow"), "allow"));
  if (config.denyCidrs.length > 0) rules.push(ipSetRule(RULE_NAMES.deny, ipSetArnOf("deny"), "block"));
  if (config.blockCountries.length > 0) rules.push(geoBlockRule(RULE_NAMES.geo, config.blockCountries));
  rules.push(rateBasedRule(RULE_NAMES.rate, config.rateLimit));
  for (const group of managedGroupsInUse(config)) {
    rules.push(
      managedRuleGroup("AWS", group, {
        overrides: config.ruleOverrides[group],
        inspectionLevel:
          group === "AWSManagedRulesBotControlRuleSet" ? config.botControl || undefined : undefined,
      }),
    );
  }
  return rules;
}
