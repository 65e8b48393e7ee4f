/**
 * Web ACL capacity units (WCU): what each rule costs AWS WAF to run. Up to 1,500 WCU a web ACL is billed at
 * the base request price; above it AWS adds a fee per million requests for every further 500 WCU
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html), and the other AWS WAF
 * facts and limits this project relies on. Pure data and arithmetic in a neutral place: the config schema
 * checks against it and the WAF constructs build from it, neither importing the other.
 */

/** The WCU a web ACL may use before AWS bills requests above the base price. */
export const WCU_BUDGET = 1500;

export interface ManagedRuleGroupInfo {
  /** Fixed by AWS for the group. */
  readonly wcu: number;
  /** Short name for messages and the README. */
  readonly label: string;
  /** Where AWS publishes the group and its WCU. */
  readonly source: string;
}

const GUIDE = "https://docs.aws.amazon.com/waf/latest/developerguide";

/**
 * AWS Managed Rules groups this project knows, with the WCU AWS publishes for each (the
 * "VendorName: AWS, Name: …, WCU: …" line at the top of each group's section).
 */
export const AWS_MANAGED_RULE_GROUPS = {
  AWSManagedRulesAmazonIpReputationList: {
    wcu: 25,
    label: "Amazon IP reputation list",
    source: `${GUIDE}/aws-managed-rule-groups-ip-rep.html`,
  },
  AWSManagedRulesAnonymousIpList: {
    wcu: 50,
    label: "Anonymous IP list",
    source: `${GUIDE}/aws-managed-rule-groups-ip-rep.html`,
  },
  AWSManagedRulesCommonRuleSet: {
    wcu: 700,
    label: "Core rule set",
    source: `${GUIDE}/aws-managed-rule-groups-baseline.html`,
  },
  AWSManagedRulesKnownBadInputsRuleSet: {
    wcu: 200,
    label: "Known bad inputs",
    source: `${GUIDE}/aws-managed-rule-groups-baseline.html`,
  },
  AWSManagedRulesAdminProtectionRuleSet: {
    wcu: 100,
    label: "Admin protection",
    source: `${GUIDE}/aws-managed-rule-groups-baseline.html`,
  },
  AWSManagedRulesSQLiRuleSet: {
    wcu: 200,
    label: "SQL database",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  AWSManagedRulesLinuxRuleSet: {
    wcu: 200,
    label: "Linux operating system",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  AWSManagedRulesUnixRuleSet: {
    wcu: 100,
    label: "POSIX operating system",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  AWSManagedRulesWindowsRuleSet: {
    wcu: 200,
    label: "Windows operating system",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  AWSManagedRulesPHPRuleSet: {
    wcu: 100,
    label: "PHP application",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  AWSManagedRulesWordPressRuleSet: {
    wcu: 100,
    label: "WordPress application",
    source: `${GUIDE}/aws-managed-rule-groups-use-case.html`,
  },
  // The same 50 WCU at either inspection level; TARGETED costs more per request, not more WCU.
  AWSManagedRulesBotControlRuleSet: {
    wcu: 50,
    label: "Bot Control",
    source: `${GUIDE}/aws-managed-rule-groups-bot.html`,
  },
} as const satisfies Record<string, ManagedRuleGroupInfo>;

export type AwsManagedRuleGroupName = keyof typeof AWS_MANAGED_RULE_GROUPS;

export const AWS_MANAGED_RULE_GROUP_NAMES = Object.keys(AWS_MANAGED_RULE_GROUPS) as AwsManagedRuleGroupName[];

/** WCU of the statements this project writes itself (base costs; none of them transforms text). */
export const STATEMENT_WCU = {
  /** 2, plus the scope-down statement's WCU (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html). */
  rateBased: 2,
  /** 1 (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-match.html). */
  ipSetReference: 1,
  /** 1 (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-match.html). */
  geoMatch: 1,
} as const;

/** AWS WAF's range for a rate-based rule's limit (API reference, RateBasedStatement.Limit). */
export const RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;
/** Evaluation windows a rate-based rule accepts, in seconds. */
export const RATE_WINDOWS_SECONDS = [60, 120, 300, 600] as const;
export type RateWindowSeconds = (typeof RATE_WINDOWS_SECONDS)[number];

/** What a plain rule, or an override of one rule inside a group, does with a matching request. */
export const RULE_ACTIONS = ["allow", "block", "count", "captcha", "challenge"] as const;
export type RuleActionName = (typeof RULE_ACTIONS)[number];
/** `none` lets a group's own rule actions apply; `count` turns the whole group into counting only. */
export type OverrideActionName = "none" | "count";
/** Bot Control's inspection levels (TARGETED costs more per request, not more WCU). */
export type BotControlInspectionLevel = "COMMON" | "TARGETED";

/** Rule names and metric names: 1-128 letters, digits, `_` or `-`. */
export const RULE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** AWS allows at most 100 rule action overrides per managed rule group statement. */
export const MAX_RULE_ACTION_OVERRIDES = 100;

/**
 * The Core Rule Set's `SizeRestrictions_BODY` blocks every request whose body is over 8 KB (AWS WAF Developer
 * Guide, "Core rule set (CRS) managed rule group").
 */
export const CORE_RULE_SET_BODY_RULE = {
  group: "AWSManagedRulesCommonRuleSet",
  rule: "SizeRestrictions_BODY",
  limitBytes: 8 * 1024,
} as const satisfies { group: AwsManagedRuleGroupName; rule: string; limitBytes: number };

/** Anything that uses capacity: a rule, or a statement before it becomes one. */
export interface UsesCapacity {
  readonly name: string;
  readonly wcu: number;
}

/** The WCU a web ACL with these rules uses. */
export function capacityOf(rules: readonly UsesCapacity[]): number {
  return rules.reduce((sum, r) => sum + r.wcu, 0);
}

/** `1,527 WCU (AWS-AWSManagedRulesCommonRuleSet 700, …, and 4 more using 29)`: the biggest users first. */
export function describeCapacity(rules: readonly UsesCapacity[], shown = 5): string {
  const sorted = [...rules].sort((a, b) => b.wcu - a.wcu);
  const head = sorted.slice(0, shown).map((r) => `${r.name} ${r.wcu}`);
  const rest = sorted.slice(shown);
  if (rest.length > 0) head.push(`and ${rest.length} more using ${formatCount(capacityOf(rest))}`);
  return `${formatCount(capacityOf(rules))} WCU (${head.join(", ")})`;
}

/** 1500 → "1,500". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
