import type { Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import {
  AWS_MANAGED_RULE_GROUPS,
  type AwsManagedRuleGroupName,
  type BotControlInspectionLevel,
  MAX_RULE_ACTION_OVERRIDES,
  type OverrideActionName,
  RATE_LIMIT,
  type RateWindowSeconds,
  RULE_NAME_PATTERN,
  type RuleActionName,
  STATEMENT_WCU,
} from "../../facts/waf";

/**
 * A typed builder for web ACL rules. The provider binding types a rule's `statement` as `any`, so this is
 * the one place that writes statements: each in Terraform's block syntax (which `terraform validate`
 * checks against the provider schema), each with its WCU, and each rule with either `action` (plain
 * rules) or `override_action` (rule groups) but never both, which the types enforce. Pure: no construct,
 * no provider class, so the config schema can use it to count WCU.
 */

/** An empty Terraform block, such as `block {}`. */
type EmptyBlock = Record<string, never>;
/** A block holding exactly one of the named empty blocks: `{ count: {} }`, never `{ count: {}, block: {} }`. */
type OneBlockOf<K extends string> = {
  [P in K]: { readonly [Q in P]: EmptyBlock } & { readonly [Q in Exclude<K, P>]?: never };
}[K];

export interface IpSetReferenceStatement {
  readonly ip_set_reference_statement: { readonly arn: string };
}
export interface GeoMatchStatement {
  readonly geo_match_statement: { readonly country_codes: readonly string[] };
}
/** Statements that inspect the request's origin; usable as a rule and as a scope-down statement. */
export type MatchStatement = IpSetReferenceStatement | GeoMatchStatement;

export interface RateBasedStatement {
  readonly rate_based_statement: {
    readonly limit: number;
    readonly evaluation_window_sec: RateWindowSeconds;
    readonly aggregate_key_type: "IP";
    readonly scope_down_statement?: MatchStatement;
  };
}

export interface RuleActionOverride {
  readonly name: string;
  readonly action_to_use: OneBlockOf<RuleActionName>;
}

export interface ManagedRuleGroupStatement {
  readonly managed_rule_group_statement: {
    readonly vendor_name: "AWS";
    readonly name: AwsManagedRuleGroupName;
    readonly rule_action_override?: readonly RuleActionOverride[];
    readonly managed_rule_group_configs?: readonly [
      {
        readonly aws_managed_rules_bot_control_rule_set: {
          readonly inspection_level: BotControlInspectionLevel;
        };
      },
    ];
    readonly scope_down_statement?: MatchStatement;
  };
}

/** A match statement with the WCU it costs, for a rule or a scope-down. */
export interface Match {
  readonly statement: MatchStatement;
  readonly wcu: number;
}

interface RuleBase {
  /** Rule name, also its CloudWatch metric name. */
  readonly name: string;
  /** Capacity the rule uses, from facts/waf.ts. */
  readonly wcu: number;
}

/** A rule with its own action: rate-based, IP set, geo match. */
export interface PlainRule extends RuleBase {
  readonly statement: MatchStatement | RateBasedStatement;
  readonly action: RuleActionName;
  readonly overrideAction?: never;
}

/** A managed rule group: its rules carry their actions; the web ACL only overrides. */
export interface RuleGroupRule extends RuleBase {
  readonly statement: ManagedRuleGroupStatement;
  readonly overrideAction: OverrideActionName;
  readonly action?: never;
}

export type WafRule = PlainRule | RuleGroupRule;

function ruleName(name: string): string {
  if (!RULE_NAME_PATTERN.test(name)) {
    throw new Error(`WAF rule name: expected 1-128 letters, digits, "_" or "-", got "${name}"`);
  }
  return name;
}

/** Matches requests from the addresses of an IP set. */
export function ipSetMatch(ipSetArn: string): Match {
  return { statement: { ip_set_reference_statement: { arn: ipSetArn } }, wcu: STATEMENT_WCU.ipSetReference };
}

/** Matches requests from the given countries (ISO 3166-1 alpha-2 codes). */
export function geoMatch(countryCodes: readonly string[]): Match {
  if (countryCodes.length === 0) throw new Error("geoMatch: expected at least one country code, got none");
  return {
    statement: { geo_match_statement: { country_codes: [...countryCodes] } },
    wcu: STATEMENT_WCU.geoMatch,
  };
}

/** A rule applying `action` to requests from the addresses of an IP set. */
export function ipSetRule(name: string, ipSetArn: string, action: RuleActionName): PlainRule {
  const match = ipSetMatch(ipSetArn);
  return { name: ruleName(name), statement: match.statement, wcu: match.wcu, action };
}

/** A rule blocking requests from the given countries, inside WAF so that its logs and metrics see them. */
export function geoBlockRule(name: string, countryCodes: readonly string[]): PlainRule {
  const match = geoMatch(countryCodes);
  return { name: ruleName(name), statement: match.statement, wcu: match.wcu, action: "block" };
}

export interface RateBasedRuleOptions {
  /** Requests one client IP may send within the window. */
  readonly limit: number;
  readonly windowSeconds: RateWindowSeconds;
  /** What happens to requests above the limit. @default "block" */
  readonly action?: RuleActionName;
  /** Count only the requests that match this statement. @default every request */
  readonly scopeDown?: Match;
}

/** A rule limiting the requests each client IP may send per window. */
export function rateBasedRule(name: string, options: RateBasedRuleOptions): PlainRule {
  const { limit, windowSeconds } = options;
  if (!Number.isInteger(limit) || limit < RATE_LIMIT.min || limit > RATE_LIMIT.max) {
    throw new Error(`rateBasedRule ${name}: expected a limit from 10 to 2,000,000,000, got ${limit}`);
  }
  return {
    name: ruleName(name),
    statement: {
      rate_based_statement: {
        limit,
        evaluation_window_sec: windowSeconds,
        aggregate_key_type: "IP",
        ...(options.scopeDown ? { scope_down_statement: options.scopeDown.statement } : {}),
      },
    },
    wcu: STATEMENT_WCU.rateBased + (options.scopeDown?.wcu ?? 0),
    action: options.action ?? "block",
  };
}

export interface ManagedRuleGroupOptions {
  /** Rule name in the web ACL. @default the group's name */
  readonly name?: string;
  /** Per-rule actions replacing the group's own, e.g. `{ SizeRestrictions_BODY: "count" }`. @default none */
  readonly overrides?: Readonly<Record<string, RuleActionName>>;
  /** Evaluate the group only for requests matching this statement. @default every request */
  readonly scopeDown?: Match;
  /** Required for, and only for, Bot Control. */
  readonly inspectionLevel?: BotControlInspectionLevel;
  /** @default "none": the group's rules act as AWS configured them (with the overrides above) */
  readonly overrideAction?: OverrideActionName;
}

/**
 * An AWS Managed Rules group. Only vendor `AWS`: this project knows the WCU of AWS's groups only
 * (a Marketplace group would need its WCU added to facts/waf.ts first).
 */
export function managedRuleGroup(
  vendor: "AWS",
  group: AwsManagedRuleGroupName,
  options: ManagedRuleGroupOptions = {},
): RuleGroupRule {
  const info = AWS_MANAGED_RULE_GROUPS[group];
  if (!info) throw new Error(`managedRuleGroup: expected an AWS managed rule group, got "${group}"`);
  const isBotControl = group === "AWSManagedRulesBotControlRuleSet";
  if (isBotControl !== (options.inspectionLevel !== undefined)) {
    throw new Error(
      `managedRuleGroup ${group}: expected an inspectionLevel for ${isBotControl ? "Bot Control" : "Bot Control only"}, got ${options.inspectionLevel ?? "none"}`,
    );
  }
  const overrides = Object.entries(options.overrides ?? {});
  if (overrides.length > MAX_RULE_ACTION_OVERRIDES) {
    throw new Error(
      `managedRuleGroup ${group}: expected at most 100 rule overrides, got ${overrides.length}`,
    );
  }
  const statement: ManagedRuleGroupStatement["managed_rule_group_statement"] = {
    vendor_name: vendor,
    name: group,
    ...(overrides.length > 0
      ? {
          rule_action_override: overrides.map(([rule, action]) => ({
            name: ruleName(rule),
            action_to_use: actionBlock(action),
          })),
        }
      : {}),
    ...(options.inspectionLevel
      ? {
          managed_rule_group_configs: [
            { aws_managed_rules_bot_control_rule_set: { inspection_level: options.inspectionLevel } },
          ] as const,
        }
      : {}),
    ...(options.scopeDown ? { scope_down_statement: options.scopeDown.statement } : {}),
  };
  return {
    name: ruleName(options.name ?? group),
    statement: { managed_rule_group_statement: statement },
    wcu: info.wcu + (options.scopeDown?.wcu ?? 0),
    overrideAction: options.overrideAction ?? "none",
  };
}

const ACTION_BLOCKS: { readonly [A in RuleActionName]: OneBlockOf<A> } = {
  allow: { allow: {} },
  block: { block: {} },
  count: { count: {} },
  captcha: { captcha: {} },
  challenge: { challenge: {} },
};

function actionBlock(action: RuleActionName): OneBlockOf<RuleActionName> {
  return ACTION_BLOCKS[action];
}

/**
 * The rule as the provider binding takes it, at `priority`: metrics and sampled requests on, and
 * exactly one of `action` and `overrideAction`.
 */
export function toProviderRule(rule: WafRule, priority: number): Wafv2WebAclRule {
  const visibilityConfig = {
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: rule.name,
  };
  const verdict =
    rule.overrideAction !== undefined
      ? { overrideAction: { [rule.overrideAction]: {} } }
      : { action: { [rule.action]: {} } };
  return { name: rule.name, priority, statement: rule.statement, visibilityConfig, ...verdict };
}
