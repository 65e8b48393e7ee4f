import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { capacityOf, describeCapacity, WCU_BUDGET } from "../../facts/waf";
import type { WafRuleChoices } from "../../facts/waf-rule-plan";
import { arn, type StackContext } from "../context";
import { EncryptedLogGroup } from "../log-group";
import { fitName, NAME_LIMITS, type Naming } from "../naming";
import { policyJson } from "../policy";
import { toProviderRule, type WafRule } from "./rule-builder";
import { webAclRules } from "./rules";

export type WafScope = "REGIONAL" | "CLOUDFRONT";

/** AWS WAF's limit on web ACL and IP set names. */
const WAF_NAME_LIMIT = 128;
/** CloudFront-scope WAF resources, and their logs, exist only in us-east-1. */
const CLOUDFRONT_REGION = "us-east-1";
/** The headers no WAF log record may contain. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

/** `aws-waf-logs-<prefix>-<name>`: WAF delivers logs only to log groups whose name starts `aws-waf-logs-`. */
export function wafLogGroupName(naming: Naming, name: string): string {
  return fitName(`aws-waf-logs-${naming.prefix}-${name}`, NAME_LIMITS.logGroupName);
}

/** The pattern every WAF log group of the environment matches, for the logs key's grant. */
export function wafLogGroupPattern(naming: Naming): string {
  return `aws-waf-logs-${naming.prefix}-*`;
}

/** The web ACL's settings: the rule choices plus logging (the parsed `edge.waf` section satisfies it). */
export interface WebAclSettings extends WafRuleChoices {
  /** Days the WAF log group keeps records. */
  readonly logRetentionDays: number;
  /** Log only requests a rule blocked or counted. */
  readonly logOnlyBlockedAndCounted: boolean;
}

export interface WebAclProps {
  readonly context: StackContext;
  /** `REGIONAL` for a load balancer, `CLOUDFRONT` for a distribution. */
  readonly scope: WafScope;
  /**
   * Provider of the ACL's region: for CLOUDFRONT an AWS provider in us-east-1 (the stack's alias).
   * @default the stack's default provider (for CLOUDFRONT only when the environment is in us-east-1)
   */
  readonly provider?: AwsProvider;
  /** What the ACL protects; names become `<prefix>-<name>` and `aws-waf-logs-<prefix>-<name>`. */
  readonly name: string;
  /** The parsed `edge.waf` section. */
  readonly config: WebAclSettings;
  /**
   * Key in the ACL's region (us-east-1 for CLOUDFRONT) whose policy lets CloudWatch Logs use it for
   * `wafLogGroupPattern(naming)`.
   */
  readonly kmsKeyArn: string;
}

/**
 * An AWS WAF web ACL (default allow; rules from constructs/waf/rules.ts (planned in facts/waf-rule-plan.ts), metrics and sampled requests
 * on everywhere), its IP sets, and its logs: a KMS-encrypted `aws-waf-logs-…` group in the ACL's region
 * with retention, the resource policy that lets log delivery write to it, and a logging configuration
 * that redacts the authorization and cookie headers.
 */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly scope: WafScope;
  readonly arn: string;
  readonly name: string;
  /** The rules in evaluation order (priority = index). */
  readonly rules: WafRule[];
  /** WCU the rules use, computed from ./capacity; at most 1,500. */
  readonly capacity: number;
  readonly logGroupName: string;
  /** The region every resource of this ACL lives in. */
  readonly region: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const { context: ctx, config, provider } = props;
    this.scope = props.scope;
    this.region = props.scope === "CLOUDFRONT" ? CLOUDFRONT_REGION : ctx.region;
    checkProvider(props, this.region);
    // ARNs built from the context (the log group's, the policy's) must name the ACL's region.
    const aclCtx: StackContext = { ...ctx, region: this.region };
    this.name = fitName(ctx.naming.name("generic", props.name), WAF_NAME_LIMIT);

    const ipSets = {
      allow: this.ipSet("allow-ips", "allow", config.allowCidrs, provider),
      deny: this.ipSet("deny-ips", "deny", config.denyCidrs, provider),
    };
    this.rules = webAclRules(config, (list) => {
      const set = ipSets[list];
      if (!set) throw new Error(`WebAcl ${this.name}: the ${list} IP set is missing`);
      return set.arn;
    });
    this.capacity = capacityOf(this.rules);
    if (this.capacity > WCU_BUDGET) {
      throw new Error(
        `WebAcl ${this.name}: expected rules within 1,500 WCU, got ${describeCapacity(this.rules)}`,
      );
    }

    this.webAcl = new Wafv2WebAcl(this, "acl", {
      provider,
      name: this.name,
      scope: props.scope,
      description: `${props.name} of ${ctx.naming.prefix}: managed rules, rate limit, ${this.capacity} WCU`,
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudwatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
        metricName: this.name,
      },
      rule: this.rules.map((rule, priority) => toProviderRule(rule, priority)),
    });
    this.arn = this.webAcl.arn;

    this.logGroupName = wafLogGroupName(ctx.naming, props.name);
    this.logging(aclCtx, props);
  }

  private ipSet(
    id: string,
    list: "allow" | "deny",
    cidrs: readonly string[],
    provider?: AwsProvider,
  ): Wafv2IpSet | undefined {
    if (cidrs.length === 0) return undefined;
    return new Wafv2IpSet(this, id, {
      provider,
      name: fitName(`${this.name}-${list}`, WAF_NAME_LIMIT),
      description: `Addresses the ${this.name} web ACL always ${list === "allow" ? "allows" : "blocks"}`,
      scope: this.scope,
      ipAddressVersion: "IPV4",
      addresses: [...cidrs],
    });
  }

  private logging(ctx: StackContext, props: WebAclProps): void {
    const { provider, config } = props;
    const group = new EncryptedLogGroup(this, "logs", {
      context: ctx,
      name: this.logGroupName,
      retentionDays: config.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
      provider,
    });
    const delivery = new CloudwatchLogResourcePolicy(this, "log-delivery", {
      provider,
      policyName: fitName(`${this.name}-waf-log-delivery`, NAME_LIMITS.generic),
      policyDocument: policyJson([
        {
          sid: "WafLogDeliveryWritesThisGroup",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [group.streamsArn],
          conditions: {
            StringEquals: { "aws:SourceAccount": ctx.account },
            ArnLike: { "aws:SourceArn": arn(ctx, "logs", "*") },
          },
        },
      ]),
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider,
      resourceArn: this.webAcl.arn,
      // The token (not group.arn) so that Terraform creates the group first.
      logDestinationConfigs: [group.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
      loggingFilter: config.logOnlyBlockedAndCounted ? BLOCKED_AND_COUNTED : undefined,
      // Without the policy first, WAF would try to write its own, broader one.
      dependsOn: [delivery],
    });
  }
}

/**
 * Keep records of blocked and counted requests, drop the rest. EXCLUDED_AS_COUNT is how a managed rule
 * overridden to count (ruleOverrides: … count) shows in the log.
 */
const BLOCKED_AND_COUNTED = {
  defaultBehavior: "DROP",
  filter: [
    {
      behavior: "KEEP",
      requirement: "MEETS_ANY",
      condition: ["BLOCK", "COUNT", "EXCLUDED_AS_COUNT"].map((action) => ({ actionCondition: { action } })),
    },
  ],
};

function checkProvider(props: WebAclProps, region: string): void {
  const given = props.provider?.region;
  if (props.provider === undefined) {
    if (props.scope === "CLOUDFRONT" && props.context.region !== CLOUDFRONT_REGION) {
      throw new Error(
        `WebAcl ${props.name}: scope CLOUDFRONT needs provider (an AWS provider in us-east-1) when context.region is ${props.context.region}, got none`,
      );
    }
    return;
  }
  if (given !== undefined && !Token.isUnresolved(given) && given !== region) {
    throw new Error(
      `WebAcl ${props.name}: scope ${props.scope} needs provider in ${region}, got one in ${given}`,
    );
  }
}
