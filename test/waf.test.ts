import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { z } from "zod";
import { formatIssue } from "../config/load";
import { type WafConfig, waf } from "../config/schema/waf";
import type { StackContext } from "../constructs/context";
import { KmsKey } from "../constructs/kms-key";
import { logsKeyGrant } from "../constructs/log-group";
import { Naming } from "../constructs/naming";
import { managedRuleGroup, type RuleGroupRule } from "../constructs/waf/rule-builder";
import { WebAcl, wafLogGroupPattern } from "../constructs/waf/web-acl";
import { WebAclAssociation } from "../constructs/waf/web-acl-association";
import { AWS_MANAGED_RULE_GROUPS, type AwsManagedRuleGroupName, STATEMENT_WCU } from "../facts/waf";
import { resolverFor } from "./support/iam";
import { type Body, policyOf, resourcesOf, type StackJson } from "./support/synth";

const ctx: StackContext = {
  naming: new Naming("fws", "prod"),
  account: "222222222222",
  region: "eu-west-1",
  partition: "aws",
  dnsSuffix: "amazonaws.com",
  production: true,
};
const usEast1Ctx: StackContext = { ...ctx, region: "us-east-1" };
const ALB_ARN =
  "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/fws-prod/0123456789abcdef";

/** The ALB's ACL takes every default; the distribution's turns on every option. */
const regionalConfig = waf.parse({});
const edgeConfig = waf.parse({
  rateLimit: { limit: 500, windowSeconds: 60 },
  anonymousIpList: true,
  botControl: "TARGETED",
  ruleOverrides: { AWSManagedRulesCommonRuleSet: { SizeRestrictions_BODY: "count" } },
  allowCidrs: ["203.0.113.0/24"],
  denyCidrs: ["198.51.100.0/24", "192.0.2.0/28"],
  blockCountries: ["KP", "IR"],
  logRetentionDays: 365,
  logOnlyBlockedAndCounted: true,
});

interface Built {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly regional: WebAcl;
  readonly edge: WebAcl;
}

/** One stack: a REGIONAL ACL on an ALB in eu-west-1, a CLOUDFRONT ACL in us-east-1, each with its logs key. */
function buildStack(outdir: string): Built {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "waf");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const usEast1 = new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1" });
  const regionalKey = new KmsKey(stack, "regional-logs-key", {
    context: ctx,
    purpose: "waf-logs",
    description: "WAF logs of fws-prod in eu-west-1",
    grants: [logsKeyGrant(ctx, [wafLogGroupPattern(ctx.naming)])],
  });
  const edgeKey = new KmsKey(stack, "edge-logs-key", {
    context: usEast1Ctx,
    purpose: "edge-waf-logs",
    description: "WAF logs of fws-prod in us-east-1",
    grants: [logsKeyGrant(usEast1Ctx, [wafLogGroupPattern(ctx.naming)])],
    provider: usEast1,
  });
  const regional = new WebAcl(stack, "alb-waf", {
    context: ctx,
    scope: "REGIONAL",
    name: "alb",
    config: regionalConfig,
    kmsKeyArn: regionalKey.arn,
  });
  const edge = new WebAcl(stack, "edge-waf", {
    context: ctx,
    scope: "CLOUDFRONT",
    provider: usEast1,
    name: "edge",
    config: edgeConfig,
    kmsKeyArn: edgeKey.arn,
  });
  new WebAclAssociation(stack, "alb-waf-association", { webAcl: regional, resourceArn: ALB_ARN });
  return { app, stack, regional, edge };
}

const ref = (type: string, name: string, attr = "arn") => `\${${type}.${name}.${attr}}`;
/** The one resource of `type` whose logical name starts with the construct id `owner`. */
function owned(json: StackJson, type: string, owner: string): [string, Body] {
  const found = resourcesOf(json, type).filter(([n]) => n.startsWith(`${owner}_`));
  if (found.length !== 1) throw new Error(`expected one ${type} of ${owner}, found ${found.length}`);
  return found[0];
}
const aclOf = (json: StackJson, owner: string) => owned(json, "aws_wafv2_web_acl", owner)[1];
const rulesOf = (json: StackJson, owner: string) =>
  [...(aclOf(json, owner).rule as Body[])].sort((a, b) => a.priority - b.priority);

/** The WCU of a synthesized rule, looked up in the published table. */
function wcuOf(rule: Body): number {
  const s = rule.statement;
  if (s.managed_rule_group_statement)
    return AWS_MANAGED_RULE_GROUPS[s.managed_rule_group_statement.name as AwsManagedRuleGroupName].wcu;
  if (s.rate_based_statement) return STATEMENT_WCU.rateBased;
  if (s.ip_set_reference_statement) return STATEMENT_WCU.ipSetReference;
  if (s.geo_match_statement) return STATEMENT_WCU.geoMatch;
  throw new Error(`no WCU for ${rule.name}`);
}

const WAF_TYPES = [
  "aws_wafv2_web_acl",
  "aws_wafv2_ip_set",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_log_resource_policy",
  "aws_wafv2_web_acl_logging_configuration",
];

describe("WAF web ACLs for both scopes", () => {
  const root = mkdtempSync(join(tmpdir(), "fws-waf-test-"));
  let built: Built;
  let json: StackJson;
  beforeAll(() => {
    built = buildStack(join(root, "cdktf.out"));
    json = JSON.parse(Testing.synth(built.stack)) as StackJson;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe("scope and region", () => {
    it("puts every CLOUDFRONT-scope resource, its logs and its key in us-east-1 through the alias", () => {
      for (const type of [...WAF_TYPES, "aws_kms_key", "aws_kms_alias"]) {
        const edge = resourcesOf(json, type).filter(([n]) => n.startsWith("edge-"));
        expect(edge.length).toBeGreaterThan(0);
        for (const [, r] of edge) expect(r.provider).toBe("aws.us_east_1");
      }
      expect(aclOf(json, "edge-waf").scope).toBe("CLOUDFRONT");
      for (const [, set] of resourcesOf(json, "aws_wafv2_ip_set").filter(([n]) => n.startsWith("edge-"))) {
        expect(set.scope).toBe("CLOUDFRONT");
      }
      expect(built.edge.region).toBe("us-east-1");
    });

    it("keeps every REGIONAL resource on the default provider, in the environment's region", () => {
      const types = WAF_TYPES.filter((t) => t !== "aws_wafv2_ip_set"); // the ALB's ACL has no lists
      for (const type of [...types, "aws_wafv2_web_acl_association", "aws_kms_key"]) {
        const regional = resourcesOf(json, type).filter(
          ([n]) => n.startsWith("alb-") || n.startsWith("regional-"),
        );
        expect(regional.length).toBeGreaterThan(0);
        for (const [, r] of regional) expect(r.provider).toBeUndefined();
      }
      expect(aclOf(json, "alb-waf").scope).toBe("REGIONAL");
      expect(json.provider.aws).toEqual([
        { region: "eu-west-1" },
        { region: "us-east-1", alias: "us_east_1" },
      ]);
    });

    it("associates the REGIONAL ACL with the load balancer, and refuses a CLOUDFRONT one", () => {
      const [[, association]] = resourcesOf(json, "aws_wafv2_web_acl_association");
      const [aclName] = owned(json, "aws_wafv2_web_acl", "alb-waf");
      expect(association).toEqual({ web_acl_arn: ref("aws_wafv2_web_acl", aclName), resource_arn: ALB_ARN });
      expect(
        () => new WebAclAssociation(built.stack, "wrong", { webAcl: built.edge, resourceArn: ALB_ARN }),
      ).toThrow(/expected a REGIONAL web ACL .* got CLOUDFRONT fws-prod-edge/);
    });

    it("refuses a CLOUDFRONT ACL without a us-east-1 provider outside us-east-1", () => {
      const stack = new TerraformStack(Testing.app(), "bad");
      const props = { context: ctx, name: "x", config: regionalConfig, kmsKeyArn: "k" } as const;
      expect(() => new WebAcl(stack, "no-provider", { ...props, scope: "CLOUDFRONT" })).toThrow(
        "WebAcl x: scope CLOUDFRONT needs provider (an AWS provider in us-east-1) when context.region is eu-west-1, got none",
      );
      const euWest2 = new AwsProvider(stack, "aws-eu-west-2", { region: "eu-west-2", alias: "eu_west_2" });
      expect(
        () => new WebAcl(stack, "wrong-provider", { ...props, scope: "CLOUDFRONT", provider: euWest2 }),
      ).toThrow("WebAcl x: scope CLOUDFRONT needs provider in us-east-1, got one in eu-west-2");
    });
  });

  describe("rules", () => {
    it("evaluates the lists, the rate limit, then the managed groups in order, Bot Control last", () => {
      const names = rulesOf(json, "edge-waf").map((r) => r.name);
      expect(names).toEqual([
        "allow-listed-ips",
        "deny-listed-ips",
        "block-countries",
        "rate-limit-per-ip",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesAnonymousIpList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesLinuxRuleSet",
        "AWSManagedRulesBotControlRuleSet",
      ]);
      expect(rulesOf(json, "edge-waf").map((r) => r.priority)).toEqual(names.map((_, i) => i));
      expect(rulesOf(json, "alb-waf").map((r) => r.name)).toEqual([
        "rate-limit-per-ip",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesLinuxRuleSet",
      ]);
    });

    it("allows by default and blocks each client IP above the configured rate per window", () => {
      expect(aclOf(json, "edge-waf").default_action).toEqual({ allow: {} });
      const [edgeRate] = rulesOf(json, "edge-waf").filter((r) => r.name === "rate-limit-per-ip");
      expect(edgeRate.action).toEqual({ block: {} });
      expect(edgeRate.statement).toEqual({
        rate_based_statement: { limit: 500, evaluation_window_sec: 60, aggregate_key_type: "IP" },
      });
      const [albRate] = rulesOf(json, "alb-waf").filter((r) => r.name === "rate-limit-per-ip");
      expect(albRate.statement.rate_based_statement).toMatchObject({
        limit: 2000,
        evaluation_window_sec: 300,
      });
    });

    it("runs AWS managed groups with override_action none and never an action; plain rules the reverse", () => {
      for (const owner of ["edge-waf", "alb-waf"]) {
        for (const rule of rulesOf(json, owner)) {
          if (rule.statement.managed_rule_group_statement) {
            expect(rule.override_action).toEqual({ none: {} });
            expect(rule.action).toBeUndefined();
            expect(rule.statement.managed_rule_group_statement.vendor_name).toBe("AWS");
          } else {
            expect(Object.keys(rule.action)).toHaveLength(1);
            expect(rule.override_action).toBeUndefined();
          }
        }
      }
    });

    it("counts instead of blocking the one rule config overrides (large upload bodies)", () => {
      const [crs] = rulesOf(json, "edge-waf").filter((r) => r.name === "AWSManagedRulesCommonRuleSet");
      expect(crs.statement.managed_rule_group_statement.rule_action_override).toEqual([
        { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
      ]);
      // The ALB's ACL takes the defaults, which count the body size rule too (test/waf-body-limit.test.ts).
      const [albCrs] = rulesOf(json, "alb-waf").filter((r) => r.name === "AWSManagedRulesCommonRuleSet");
      expect(albCrs.statement.managed_rule_group_statement.rule_action_override).toEqual([
        { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
      ]);
    });

    it("runs Bot Control at the configured inspection level", () => {
      const bot = rulesOf(json, "edge-waf").at(-1)!;
      expect(bot.statement.managed_rule_group_statement.managed_rule_group_configs).toEqual([
        { aws_managed_rules_bot_control_rule_set: { inspection_level: "TARGETED" } },
      ]);
    });

    it("allows the allow list, blocks the deny list and the configured countries, from IPv4 sets of the same scope", () => {
      const rules = rulesOf(json, "edge-waf");
      const [allowSetName, allowSet] = owned(json, "aws_wafv2_ip_set", "edge-waf_allow-ips");
      const [denySetName, denySet] = owned(json, "aws_wafv2_ip_set", "edge-waf_deny-ips");
      expect(allowSet).toMatchObject({ ip_address_version: "IPV4", addresses: ["203.0.113.0/24"] });
      expect(denySet).toMatchObject({
        ip_address_version: "IPV4",
        addresses: ["198.51.100.0/24", "192.0.2.0/28"],
      });
      expect(rules[0]).toMatchObject({
        action: { allow: {} },
        statement: { ip_set_reference_statement: { arn: ref("aws_wafv2_ip_set", allowSetName) } },
      });
      expect(rules[1]).toMatchObject({
        action: { block: {} },
        statement: { ip_set_reference_statement: { arn: ref("aws_wafv2_ip_set", denySetName) } },
      });
      expect(rules[2]).toMatchObject({
        action: { block: {} },
        statement: { geo_match_statement: { country_codes: ["KP", "IR"] } },
      });
      expect(resourcesOf(json, "aws_wafv2_ip_set").filter(([n]) => n.startsWith("alb-"))).toEqual([]);
    });

    it("turns CloudWatch metrics and sampled requests on for the ACL and every rule", () => {
      for (const owner of ["edge-waf", "alb-waf"]) {
        const acl = aclOf(json, owner);
        for (const holder of [acl, ...acl.rule]) {
          expect(holder.visibility_config).toMatchObject({
            cloudwatch_metrics_enabled: true,
            sampled_requests_enabled: true,
          });
          expect(holder.visibility_config.metric_name).toMatch(/^[\w-]{1,128}$/);
        }
      }
    });
  });

  describe("capacity", () => {
    it("uses 1,327 WCU with the defaults, within the 1,500 AWS bills at the base price", () => {
      expect(built.regional.capacity).toBe(2 + 25 + 700 + 200 + 200 + 200);
      expect(built.regional.capacity).toBeLessThanOrEqual(1500);
    });

    it("computes the capacity as the sum of the published WCU of the synthesized rules", () => {
      for (const [owner, acl] of [
        ["alb-waf", built.regional],
        ["edge-waf", built.edge],
      ] as const) {
        const sum = rulesOf(json, owner).reduce((total, rule) => total + wcuOf(rule), 0);
        expect(acl.capacity).toBe(sum);
      }
      expect(built.edge.capacity).toBe(1430);
    });
  });

  describe("logging", () => {
    it("writes to a KMS-encrypted aws-waf-logs- group with the configured retention, in the ACL's region", () => {
      const [edgeGroupName, edgeGroup] = owned(json, "aws_cloudwatch_log_group", "edge-waf");
      const [, albGroup] = owned(json, "aws_cloudwatch_log_group", "alb-waf");
      const [edgeKeyName] = owned(json, "aws_kms_key", "edge-logs-key");
      const [albKeyName] = owned(json, "aws_kms_key", "regional-logs-key");
      expect(edgeGroup).toMatchObject({
        name: "aws-waf-logs-fws-prod-edge",
        retention_in_days: 365,
        kms_key_id: ref("aws_kms_key", edgeKeyName),
        provider: "aws.us_east_1",
        lifecycle: { prevent_destroy: true },
      });
      expect(albGroup).toMatchObject({
        name: "aws-waf-logs-fws-prod-alb",
        retention_in_days: 90,
        kms_key_id: ref("aws_kms_key", albKeyName),
      });
      expect(built.edge.logGroupName).toBe("aws-waf-logs-fws-prod-edge");
      const [, logging] = owned(json, "aws_wafv2_web_acl_logging_configuration", "edge-waf");
      const [aclName] = owned(json, "aws_wafv2_web_acl", "edge-waf");
      expect(logging.log_destination_configs).toEqual([ref("aws_cloudwatch_log_group", edgeGroupName)]);
      expect(logging.resource_arn).toBe(ref("aws_wafv2_web_acl", aclName));
    });

    it("lets CloudWatch Logs use each key only for the environment's WAF log groups in the key's region", () => {
      for (const [key, region] of [
        ["edge-logs-key", "us-east-1"],
        ["regional-logs-key", "eu-west-1"],
      ]) {
        const statements = policyOf(owned(json, "aws_kms_key", key)[1].policy).Statement;
        const logs = statements.find((s) => s.Principal?.Service === `logs.${region}.amazonaws.com`);
        expect(logs?.Condition).toEqual({
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": [
              `arn:aws:logs:${region}:222222222222:log-group:aws-waf-logs-fws-prod-*`,
            ],
          },
        });
      }
    });

    it("redacts the authorization and cookie headers from every record", () => {
      for (const owner of ["edge-waf", "alb-waf"]) {
        const [, logging] = owned(json, "aws_wafv2_web_acl_logging_configuration", owner);
        expect(logging.redacted_fields).toEqual([
          { single_header: { name: "authorization" } },
          { single_header: { name: "cookie" } },
        ]);
      }
    });

    it("keeps only blocked and counted records when asked, and every record otherwise", () => {
      const [, edge] = owned(json, "aws_wafv2_web_acl_logging_configuration", "edge-waf");
      expect(edge.logging_filter).toEqual({
        default_behavior: "DROP",
        filter: [
          {
            behavior: "KEEP",
            requirement: "MEETS_ANY",
            condition: [
              { action_condition: { action: "BLOCK" } },
              { action_condition: { action: "COUNT" } },
              { action_condition: { action: "EXCLUDED_AS_COUNT" } },
            ],
          },
        ],
      });
      const [, alb] = owned(json, "aws_wafv2_web_acl_logging_configuration", "alb-waf");
      expect(alb.logging_filter).toBeUndefined();
    });

    it("lets only log delivery for this account write, only into the ACL's group, before logging starts", () => {
      const [policyName, policy] = owned(json, "aws_cloudwatch_log_resource_policy", "edge-waf");
      expect(policy.policy_name).toBe("fws-prod-edge-waf-log-delivery");
      const resolve = resolverFor(json, { account: "222222222222", region: "eu-west-1" });
      expect(resolve(policyOf(policy.policy_document).Statement)).toEqual([
        {
          Sid: "WafLogDeliveryWritesThisGroup",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: "arn:aws:logs:us-east-1:222222222222:log-group:aws-waf-logs-fws-prod-edge:log-stream:*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "222222222222" },
            ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:222222222222:*" },
          },
        },
      ]);
      const [, logging] = owned(json, "aws_wafv2_web_acl_logging_configuration", "edge-waf");
      expect(logging.depends_on).toEqual([`aws_cloudwatch_log_resource_policy.${policyName}`]);
      const [, albPolicy] = owned(json, "aws_cloudwatch_log_resource_policy", "alb-waf");
      expect(resolve(policyOf(albPolicy.policy_document).Statement[0].Resource)).toBe(
        "arn:aws:logs:eu-west-1:222222222222:log-group:aws-waf-logs-fws-prod-alb:log-stream:*",
      );
    });
  });
});

describe("the typed rule builder", () => {
  it("gives a rule group an override action and no action, which the types also enforce", () => {
    const rule = managedRuleGroup("AWS", "AWSManagedRulesSQLiRuleSet");
    expect(rule).toMatchObject({ overrideAction: "none", wcu: 200 });
    expect("action" in rule).toBe(false);
    // @ts-expect-error a rule group carries override_action only; AWS rejects both at apply
    const both: RuleGroupRule = { ...rule, action: "block" };
    expect(both.action).toBe("block");
  });

  it("requires an inspection level for Bot Control and refuses one elsewhere", () => {
    expect(() => managedRuleGroup("AWS", "AWSManagedRulesBotControlRuleSet")).toThrow(/inspectionLevel/);
    expect(() =>
      managedRuleGroup("AWS", "AWSManagedRulesLinuxRuleSet", { inspectionLevel: "COMMON" }),
    ).toThrow(/Bot Control only/);
  });
});

describe("edge.waf config", () => {
  // Nested as the environment schema nests it, so messages carry the full field path.
  const environment = z.object({ edge: z.object({ waf }) });
  const errorsOf = (input: object): string[] => {
    const result = environment.safeParse({ edge: { waf: input } }, { reportInput: true });
    return result.success ? [] : result.error.issues.flatMap((i) => formatIssue("config/prod.yaml", i));
  };

  it("defaults to a 2,000-request, 5-minute rate limit, 90-day logs, no Bot Control and no lists", () => {
    expect(waf.parse({})).toEqual<WafConfig>({
      rateLimit: { limit: 2000, windowSeconds: 300 },
      anonymousIpList: false,
      botControl: false,
      additionalRuleGroups: [],
      ruleOverrides: { AWSManagedRulesCommonRuleSet: { SizeRestrictions_BODY: "count" } },
      allowCidrs: [],
      denyCidrs: [],
      blockCountries: [],
      logRetentionDays: 90,
      logOnlyBlockedAndCounted: false,
    });
    expect(waf.parse({ botControl: true }).botControl).toBe("COMMON");
  });

  it("refuses rules over 1,500 WCU, naming the biggest users", () => {
    expect(
      errorsOf({ anonymousIpList: true, additionalRuleGroups: ["AWSManagedRulesWindowsRuleSet"] }),
    ).toEqual([
      "config/prod.yaml: edge.waf: expected rules within 1,500 WCU (AWS bills every request extra above it), got 1,577 WCU (AWSManagedRulesCommonRuleSet 700, AWSManagedRulesKnownBadInputsRuleSet 200, AWSManagedRulesSQLiRuleSet 200, AWSManagedRulesLinuxRuleSet 200, AWSManagedRulesWindowsRuleSet 200, and 3 more using 77); drop an entry of additionalRuleGroups, anonymousIpList or botControl",
    ]);
    expect(errorsOf({ anonymousIpList: true, botControl: "TARGETED", blockCountries: ["KP"] })).toEqual([]);
  });

  it("refuses overrides for a rule group the ACL does not run", () => {
    expect(
      errorsOf({ ruleOverrides: { AWSManagedRulesCommonRuleSets: { SizeRestrictions_BODY: "count" } } }),
    ).toEqual([
      'config/prod.yaml: edge.waf.ruleOverrides.AWSManagedRulesCommonRuleSets: expected a managed rule group this web ACL runs (AWSManagedRulesAmazonIpReputationList, AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet, AWSManagedRulesLinuxRuleSet), got "AWSManagedRulesCommonRuleSets" (no such group)',
    ]);
    expect(
      errorsOf({ ruleOverrides: { AWSManagedRulesBotControlRuleSet: { CategoryHttpLibrary: "count" } } }),
    ).toEqual([
      expect.stringMatching(
        /edge\.waf\.ruleOverrides\.AWSManagedRulesBotControlRuleSet: .*got "AWSManagedRulesBotControlRuleSet" \(a known group this config does not turn on\)$/,
      ),
    ]);
    expect(
      errorsOf({ ruleOverrides: { AWSManagedRulesCommonRuleSet: { SizeRestrictions_BODY: "ignore" } } }),
    ).toEqual([
      'config/prod.yaml: edge.waf.ruleOverrides.AWSManagedRulesCommonRuleSet.SizeRestrictions_BODY: expected one of "allow" | "block" | "count" | "captcha" | "challenge", got "ignore"',
    ]);
  });

  it.each([
    [5, "expected at least 10 requests per window (AWS WAF's minimum), got 5"],
    [2_000_000_001, "expected at most 2,000,000,000 requests per window (AWS WAF's maximum), got 2000000001"],
  ])("refuses a rate limit of %d, outside AWS's range", (limit, message) => {
    expect(errorsOf({ rateLimit: { limit } })).toEqual([
      `config/prod.yaml: edge.waf.rateLimit.limit: ${message}`,
    ]);
  });

  it("refuses an evaluation window AWS does not offer", () => {
    expect(errorsOf({ rateLimit: { windowSeconds: 90 } })).toEqual([
      "config/prod.yaml: edge.waf.rateLimit.windowSeconds: expected one of 60 | 120 | 300 | 600, got 90",
    ]);
  });

  it("refuses /0, repeated ranges and countries, lowercase country codes and unknown Bot Control levels", () => {
    expect(
      errorsOf({
        allowCidrs: ["0.0.0.0/0"],
        denyCidrs: ["192.0.2.0/24", "192.0.2.0/24"],
        blockCountries: ["KP", "KP"],
      }),
    ).toEqual([
      "config/prod.yaml: edge.waf.allowCidrs.0: expected a range narrower than /0 (AWS WAF refuses /0), got 0.0.0.0/0",
      "config/prod.yaml: edge.waf.denyCidrs.1: expected each range once, got 192.0.2.0/24 again",
      'config/prod.yaml: edge.waf.blockCountries.1: expected each country once, got "KP" again',
    ]);
    expect(errorsOf({ blockCountries: ["kp"], botControl: "FULL" })).toEqual([
      'config/prod.yaml: edge.waf.botControl: expected false, true (COMMON), "COMMON" or "TARGETED", got "FULL"',
      'config/prod.yaml: edge.waf.blockCountries.0: expected an ISO 3166-1 alpha-2 country code in capitals, such as KP, got "kp"',
    ]);
  });
});
