import {
  AWS_MANAGED_RULE_GROUPS,
  type AwsManagedRuleGroupName,
  type BotControlInspectionLevel,
  CORE_RULE_SET_BODY_RULE,
  type RateWindowSeconds,
  type RuleActionName,
  STATEMENT_WCU,
} from "./waf";

/**
 * The rules of this project's web ACL, in evaluation order, with the WCU each uses (from ./waf): the one
 * plan both the config schema's WCU check and the WebAcl construct (constructs/waf/rules.ts) read, so
 * that the capacity checked is the capacity deployed. It lives beside the AWS facts it is computed from
 * because config may not import a construct: pure data, no provider class.
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

/** Names of the plain rules, which are also their metric names. */
export const RULE_NAMES = {
  allow: "allow-listed-ips",
  deny: "deny-listed-ips",
  geo: "block-countries",
  rate: "rate-limit-per-ip",
} as const;

/** What the plan reads of the `edge.waf` section (the parsed config satisfies it as it is). */
export interface WafRuleChoices {
  readonly allowCidrs: readonly string[];
  readonly denyCidrs: readonly string[];
  readonly blockCountries: readonly string[];
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: RateWindowSeconds };
  readonly anonymousIpList: boolean;
  readonly botControl: false | BotControlInspectionLevel;
  readonly additionalRuleGroups: readonly AdditionalRuleGroup[];
  /** group → rule → action. */
  readonly ruleOverrides: Readonly<Record<string, Readonly<Record<string, RuleActionName>>>>;
}

/** One rule of the plan: what it is, its name (also its metric name) and the WCU it uses. */
export type PlannedRule = { readonly name: string; readonly wcu: number } & (
  | { readonly kind: "ipSet"; readonly list: "allow" | "deny"; readonly action: "allow" | "block" }
  | { readonly kind: "geoBlock"; readonly countryCodes: readonly string[] }
  | {
      readonly kind: "rateBased";
      readonly limit: number;
      readonly windowSeconds: RateWindowSeconds;
    }
  | {
      readonly kind: "managedGroup";
      readonly group: AwsManagedRuleGroupName;
      readonly overrides?: Readonly<Record<string, RuleActionName>>;
      readonly inspectionLevel?: BotControlInspectionLevel;
    }
);

/**
 * The largest request body the web ACL lets through: the Core Rule Set's limit while its size rule blocks
 * (or challenges), unlimited once config counts or allows it (the origin's own limit then applies).
 */
export function bodyLimitBytes(choices: Pick<WafRuleChoices, "ruleOverrides">): number {
  const { group, rule, limitBytes } = CORE_RULE_SET_BODY_RULE;
  const action = choices.ruleOverrides[group]?.[rule];
  return action === "count" || action === "allow" ? Number.POSITIVE_INFINITY : limitBytes;
}

/** The managed rule groups `choices` turn on, in evaluation order. */
export function managedGroupsInUse(
  choices: Pick<WafRuleChoices, "anonymousIpList" | "additionalRuleGroups" | "botControl">,
): AwsManagedRuleGroupName[] {
  const [reputation, ...rest] = BASELINE_RULE_GROUPS;
  return [
    reputation,
    ...(choices.anonymousIpList ? (["AWSManagedRulesAnonymousIpList"] as const) : []),
    ...rest,
    ...choices.additionalRuleGroups,
    ...(choices.botControl ? (["AWSManagedRulesBotControlRuleSet"] as const) : []),
  ];
}

/**
 * Allow list, deny list and geo block first (cheap, and an allowed address skips every later rule,
 * the rate limit included); then the rate limit; then the managed groups, Bot Control last so that it
 * only sees (and bills) requests nothing before it has blocked.
 */
export function plannedRules(choices: WafRuleChoices): PlannedRule[] {
  const rules: PlannedRule[] = [];
  if (choices.allowCidrs.length > 0) {
    rules.push({
      kind: "ipSet",
      name: RULE_NAMES.allow,
      list: "allow",
      action: "allow",
      wcu: STATEMENT_WCU.ipSetReference,
    });
  }
  if (choices.denyCidrs.length > 0) {
    rules.push({
      kind: "ipSet",
      name: RULE_NAMES.deny,
      list: "deny",
      action: "block",
      wcu: STATEMENT_WCU.ipSetReference,
    });
  }
  if (choices.blockCountries.length > 0) {
    rules.push({
      kind: "geoBlock",
      name: RULE_NAMES.geo,
      countryCodes: choices.blockCountries,
      wcu: STATEMENT_WCU.geoMatch,
    });
  }
  rules.push({
    kind: "rateBased",
    name: RULE_NAMES.rate,
    ...choices.rateLimit,
    wcu: STATEMENT_WCU.rateBased,
  });
  for (const group of managedGroupsInUse(choices)) {
    rules.push({
      kind: "managedGroup",
      name: group,
      group,
      overrides: choices.ruleOverrides[group],
      inspectionLevel:
        group === "AWSManagedRulesBotControlRuleSet" ? choices.botControl || undefined : undefined,
      wcu: AWS_MANAGED_RULE_GROUPS[group].wcu,
    });
  }
  return rules;
}
