import { type PlannedRule, plannedRules, type WafRuleChoices } from "../../facts/waf-rule-plan";
import { geoBlockRule, ipSetRule, managedRuleGroup, rateBasedRule, type WafRule } from "./rule-builder";

/**
 * The rules of this project's web ACL, built from the plan in facts/waf-rule-plan.ts (the one list the
 * config schema's WCU check reads too), in evaluation order.
 */

/** ARN of the allow or deny IP set. */
export type IpSetArnOf = (list: "allow" | "deny") => string;

function built(rule: PlannedRule, ipSetArnOf: IpSetArnOf): WafRule {
  switch (rule.kind) {
    case "ipSet":
      return ipSetRule(rule.name, ipSetArnOf(rule.list), rule.action);
    case "geoBlock":
      return geoBlockRule(rule.name, rule.countryCodes);
    case "rateBased":
      return rateBasedRule(rule.name, { limit: rule.limit, windowSeconds: rule.windowSeconds });
    case "managedGroup":
      return managedRuleGroup("AWS", rule.group, {
        overrides: rule.overrides,
        inspectionLevel: rule.inspectionLevel,
      });
  }
}

/** The plan's rules as the builder writes them; a rule whose WCU differs from the plan's is a bug here. */
export function webAclRules(choices: WafRuleChoices, ipSetArnOf: IpSetArnOf): WafRule[] {
  return plannedRules(choices).map((planned) => {
    const rule = built(planned, ipSetArnOf);
    if (rule.wcu !== planned.wcu) {
      throw new Error(
        `web ACL rule ${planned.name}: expected the planned ${planned.wcu} WCU, got ${rule.wcu} from the builder`,
      );
    }
    return rule;
  });
}
