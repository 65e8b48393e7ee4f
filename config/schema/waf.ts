import { z } from "zod";
import { NGINX_TIMEOUTS } from "../../docker/contract";
import {
  AWS_MANAGED_RULE_GROUPS,
  CORE_RULE_SET_BODY_RULE,
  capacityOf,
  describeCapacity,
  formatCount,
  MAX_RULE_ACTION_OVERRIDES,
  RATE_LIMIT,
  RATE_WINDOWS_SECONDS,
  RULE_ACTIONS,
  RULE_NAME_PATTERN,
  WCU_BUDGET,
} from "../../facts/waf";
import { ADDITIONAL_RULE_GROUPS, managedGroupsInUse, plannedRules } from "../../facts/waf-rule-plan";
import { parseCidr } from "../cidr";
import { adder, cidrBlock, retentionDays } from "./common";

/** The web ACL's settings (`edge.waf`): rules, lists, logging. The rules themselves are planned in facts/waf-rule-plan.ts. */

const rateLimit = z.strictObject({
  /** Requests one client IP may send per window before the rest are blocked (AWS: 10-2,000,000,000). @default 2000 */
  limit: z
    .number()
    .int({ message: "expected a whole number of requests" })
    .min(RATE_LIMIT.min, { message: "expected at least 10 requests per window (AWS WAF's minimum)" })
    .max(RATE_LIMIT.max, {
      message: "expected at most 2,000,000,000 requests per window (AWS WAF's maximum)",
    })
    .default(2000),
  /** Seconds over which the requests are counted. @default 300 */
  windowSeconds: z.literal(RATE_WINDOWS_SECONDS).default(300),
});

const ruleName = z.string().regex(RULE_NAME_PATTERN, {
  message: "expected a rule name of the group (letters, digits, _ or -), such as SizeRestrictions_BODY",
});

/**
 * Overrides every web ACL starts from; config's `ruleOverrides` adds to them and wins rule by rule. nginx
 * accepts bodies up to `client_max_body_size` (docker/contract.ts) and answers 413 above it, while the Core
 * Rule Set blocks any body over 8 KB: the first form post or upload would get a WAF 403 the app never logs.
 * So the size rule counts (its label and metric stay, to watch) and nginx enforces the limit.
 */
export const DEFAULT_RULE_OVERRIDES: Readonly<
  Record<string, Readonly<Record<string, (typeof RULE_ACTIONS)[number]>>>
> =
  NGINX_TIMEOUTS.clientBodyLimitMb * 1024 * 1024 > CORE_RULE_SET_BODY_RULE.limitBytes
    ? { [CORE_RULE_SET_BODY_RULE.group]: { [CORE_RULE_SET_BODY_RULE.rule]: "count" } }
    : {};

/** The defaults with config's overrides on top, group by group and rule by rule. */
function withDefaultOverrides(
  given: Record<string, Record<string, (typeof RULE_ACTIONS)[number]>>,
): Record<string, Record<string, (typeof RULE_ACTIONS)[number]>> {
  const merged: Record<string, Record<string, (typeof RULE_ACTIONS)[number]>> = {};
  for (const group of new Set([...Object.keys(DEFAULT_RULE_OVERRIDES), ...Object.keys(given)])) {
    merged[group] = { ...DEFAULT_RULE_OVERRIDES[group], ...given[group] };
  }
  return merged;
}

const countryCode = z.string().regex(/^[A-Z]{2}$/, {
  message: "expected an ISO 3166-1 alpha-2 country code in capitals, such as KP",
});

const wafFields = z.strictObject({
  rateLimit: rateLimit.prefault({}),
  /** Block VPNs, Tor, proxies and hosting providers (AWSManagedRulesAnonymousIpList, 50 WCU). @default false */
  anonymousIpList: z.boolean().default(false),
  /** Bot Control, last (extra monthly and per-request fees): true means COMMON. @default false */
  botControl: z
    .union([z.boolean(), z.enum(["COMMON", "TARGETED"])], {
      error: 'expected false, true (COMMON), "COMMON" or "TARGETED"',
    })
    .transform((v) => (v === true ? "COMMON" : v))
    .default(false),
  /** Further AWS managed groups for the application's stack, run after Linux. @default [] */
  additionalRuleGroups: z.array(z.enum(ADDITIONAL_RULE_GROUPS)).default([]),
  /**
   * Per-rule actions inside the groups in use: group → rule → allow|block|count|captcha|challenge, on top of
   * DEFAULT_RULE_OVERRIDES. @default { AWSManagedRulesCommonRuleSet: { SizeRestrictions_BODY: count } } (nginx's body limit)
   */
  ruleOverrides: z
    .record(z.string(), z.record(ruleName, z.enum(RULE_ACTIONS)))
    .default({})
    .transform(withDefaultOverrides),
  /** IPv4 ranges always allowed: they skip every later rule, the rate limit included. @default [] */
  allowCidrs: z.array(cidrBlock).max(10000).default([]),
  /** IPv4 ranges always blocked (an address in both lists is allowed). @default [] */
  denyCidrs: z.array(cidrBlock).max(10000).default([]),
  /** Countries whose requests WAF blocks (in WAF, not CloudFront, so WAF logs and counts them). @default [] */
  blockCountries: z.array(countryCode).default([]),
  /** Days WAF logs are kept. @default 90 */
  logRetentionDays: retentionDays.default(90),
  /** Log only requests a rule blocked or counted (less to store, no record of allowed traffic). @default false */
  logOnlyBlockedAndCounted: z.boolean().default(false),
});

export type WafConfig = z.output<typeof wafFields>;

type Payload = { issues: { path?: PropertyKey[] }[] };
/** Run a check only once the fields it reads are valid, so that one pass reports every other problem. */
const whenValid =
  (...fields: (keyof WafConfig)[]) =>
  (payload: Payload): boolean =>
    payload.issues.every((issue) => !(fields as PropertyKey[]).includes(issue.path?.[0] as PropertyKey));

export const waf = wafFields
  .superRefine(checkOverrides, {
    when: whenValid("anonymousIpList", "botControl", "additionalRuleGroups", "ruleOverrides"),
  })
  .superRefine(checkLists, { when: whenValid("allowCidrs", "denyCidrs", "blockCountries") })
  // The WCU count builds every rule, so it waits for a section with no problem at all.
  .superRefine(checkCapacity, { when: (payload) => payload.issues.length === 0 });

function checkOverrides(config: WafConfig, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  const inUse = managedGroupsInUse(config);
  for (const [group, rules] of Object.entries(config.ruleOverrides)) {
    if (!(inUse as string[]).includes(group)) {
      const hint =
        group in AWS_MANAGED_RULE_GROUPS
          ? " (a known group this config does not turn on)"
          : " (no such group)";
      add(
        ["ruleOverrides", group],
        `expected a managed rule group this web ACL runs (${inUse.join(", ")}), got "${group}"${hint}`,
      );
    }
    const count = Object.keys(rules).length;
    if (count > MAX_RULE_ACTION_OVERRIDES) {
      add(
        ["ruleOverrides", group],
        `expected at most ${MAX_RULE_ACTION_OVERRIDES} overrides per group, got ${count}`,
      );
    }
  }
  const extra = config.additionalRuleGroups;
  extra.forEach((group, i) => {
    if (extra.indexOf(group) !== i)
      add(["additionalRuleGroups", i], `expected each group once, got "${group}" again`);
  });
}

function checkLists(config: WafConfig, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  for (const list of ["allowCidrs", "denyCidrs"] as const) {
    config[list].forEach((text, i) => {
      if (parseCidr(text)?.prefix === 0)
        add([list, i], `expected a range narrower than /0 (AWS WAF refuses /0), got ${text}`);
      if (config[list].indexOf(text) !== i) add([list, i], `expected each range once, got ${text} again`);
    });
  }
  config.blockCountries.forEach((code, i) => {
    if (config.blockCountries.indexOf(code) !== i)
      add(["blockCountries", i], `expected each country once, got "${code}" again`);
  });
}

function checkCapacity(config: WafConfig, ctx: z.RefinementCtx): void {
  const rules = plannedRules(config);
  const used = capacityOf(rules);
  if (used > WCU_BUDGET) {
    adder(ctx)(
      [],
      `expected rules within ${formatCount(WCU_BUDGET)} WCU (AWS bills every request extra above it), got ${describeCapacity(rules)}; drop an entry of additionalRuleGroups, anonymousIpList or botControl`,
    );
  }
}
