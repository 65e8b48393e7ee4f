import { type WafConfig, waf } from "../config/schema/waf";
import { NGINX_TIMEOUTS } from "../docker/contract";
import { CORE_RULE_SET_BODY_RULE } from "../facts/waf";
import { bodyLimitBytes } from "../facts/waf-rule-plan";
import { loadConfig, resourcesOf, synthConfig } from "./support/synth";

/** The web ACL lets through every body nginx accepts: WAF never 403s what the app would have served. */

const NGINX_BODY_LIMIT_BYTES = NGINX_TIMEOUTS.clientBodyLimitMb * 1024 * 1024;
const { group, rule } = CORE_RULE_SET_BODY_RULE;

describe("the web ACL's body limit and nginx's", () => {
  it("agree by default: the Core Rule Set's 8 KB size rule counts, nginx enforces client_max_body_size", () => {
    expect(NGINX_BODY_LIMIT_BYTES).toBeGreaterThan(CORE_RULE_SET_BODY_RULE.limitBytes);
    expect(waf.parse({}).ruleOverrides[group]).toEqual({ [rule]: "count" });
    expect(bodyLimitBytes(waf.parse({}))).toBeGreaterThanOrEqual(NGINX_BODY_LIMIT_BYTES);
  });

  it.each(["dev", "prod"])("agree in the %s stack's deployed web ACL", (env) => {
    const config = loadConfig(`config/${env}.yaml`);
    expect(bodyLimitBytes(config.edge.waf)).toBeGreaterThanOrEqual(NGINX_BODY_LIMIT_BYTES);
    const acls = resourcesOf(synthConfig(config), "aws_wafv2_web_acl");
    expect(acls.length).toBeGreaterThan(0);
    for (const [, acl] of acls) {
      const crs = (acl.rule as Record<string, any>[]).find((r) => r.name === group);
      expect(crs?.statement.managed_rule_group_statement.rule_action_override).toContainEqual({
        name: rule,
        action_to_use: { count: {} },
      });
    }
  });

  it("keeps the default beside other overrides of the same group, and lets config restore the block", () => {
    const more: WafConfig = waf.parse({ ruleOverrides: { [group]: { NoUserAgent_HEADER: "count" } } });
    expect(more.ruleOverrides[group]).toEqual({ [rule]: "count", NoUserAgent_HEADER: "count" });
    const strict = waf.parse({ ruleOverrides: { [group]: { [rule]: "block" } } });
    expect(strict.ruleOverrides[group]).toEqual({ [rule]: "block" });
    // Then WAF refuses bodies over 8 KB, below nginx's limit: the README says so.
    expect(bodyLimitBytes(strict)).toBe(8 * 1024);
  });
});
