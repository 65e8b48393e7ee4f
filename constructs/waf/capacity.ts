/**
 * Web ACL capacity units (WCU): what each rule costs AWS WAF to run. Up to 1,500 WCU a web ACL is billed at
 * the base request price; above it AWS adds a fee per million requests for every further 500 WCU
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html). Pure data and
 * arithmetic, so that the config schema can check the budget without loading a provider binding.
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
