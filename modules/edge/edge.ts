import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { EdgeMode } from "../../config/schema/edge";
import type { WafConfig } from "../../config/schema/waf";
import type { StackContext } from "../../constructs/context";
import type { Exposure } from "../../constructs/exposure";
import { KmsKey } from "../../constructs/kms-key";
import { WebAcl } from "../../constructs/waf/web-acl";
import { WebAclAssociation } from "../../constructs/waf/web-acl-association";
import { ORIGIN_FACING_PREFIX_LISTS } from "../../facts/cloudfront";
import { CloudFrontDistribution } from "./distribution";

export interface EdgeSettings {
  readonly mode: EdgeMode;
  readonly originSubdomain: string;
  readonly priceClass: string;
  readonly staticPaths: string[];
  readonly contentSecurityPolicy: string;
  readonly hstsMaxAgeSeconds: number;
  readonly originFacingPrefixListId?: string;
  readonly originHeaderName: string;
  /** CloudFront-VPCOrigins-Service-SG (cloudfront-vpc-origin, second apply on). @default none */
  readonly vpcOriginSecurityGroupId?: string;
  readonly logRetentionDays: number;
  readonly waf: WafConfig;
}

/** Name of the Terraform variables that carry the origin secret (cloudfront-public-alb). */
export const ORIGIN_SECRET_VARIABLES = {
  current: "origin_secret",
  previous: "origin_secret_previous",
} as const;

/**
 * What the edge mode asks of the load balancer, decided before it is created: who may reach it, where
 * it lives and the name CloudFront connects to. In cloudfront-public-alb mode this declares the
 * sensitive variables that carry the origin secret, so no secret appears in the synthesized JSON.
 */
export function loadBalancerFrontage(
  scope: Construct,
  settings: EdgeSettings,
  region: string,
  domainName: string | undefined,
): { exposure: Exposure; aliasName?: string; originSecret?: string } {
  const aliasName = domainName && `${settings.originSubdomain}.${domainName}`;
  if (settings.mode === "cloudfront-vpc-origin")
    return {
      exposure: { kind: "vpc", cloudFrontSecurityGroupId: settings.vpcOriginSecurityGroupId },
      aliasName,
    };
  if (settings.mode !== "cloudfront-public-alb") return { exposure: { kind: "internet" } };
  const prefixListId = settings.originFacingPrefixListId ?? ORIGIN_FACING_PREFIX_LISTS[region];
  if (!prefixListId)
    throw new Error(`no origin-facing prefix list known for ${region}: set edge.originFacingPrefixListId`);
  const current = new TerraformVariable(scope, ORIGIN_SECRET_VARIABLES.current, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: "Secret CloudFront sends in the origin header; the ALB forwards only requests that carry it",
  });
  const previous = new TerraformVariable(scope, ORIGIN_SECRET_VARIABLES.previous, {
    type: "string",
    sensitive: true,
    default: "",
    description: "The secret being rotated out: still accepted by the ALB until removed (README: rotation)",
  });
  const values = [current.stringValue, Fn.coalesce([previous.stringValue, current.stringValue])];
  return {
    exposure: { kind: "cloudfront", prefixListId, originHeader: { name: settings.originHeaderName, values } },
    aliasName,
    originSecret: current.stringValue,
  };
}

export interface EdgeProps {
  readonly context: StackContext;
  readonly settings: EdgeSettings;
  /** us-east-1 provider and context (CloudFront modes). */
  readonly usEast1?: { readonly provider: AwsProvider; readonly context: StackContext };
  /** The environment's logs key (REGIONAL web ACL logs). */
  readonly logsKmsKeyArn: string;
  readonly loadBalancer: {
    readonly arn: string;
    readonly domain?: { readonly name: string; readonly hostedZoneId: string };
    readonly aliasName?: string;
    readonly validationRecordFqdns?: string[];
  };
  /** Every service's host names besides the domain's: aliases and records of the distribution. @default [] */
  readonly hosts?: string[];
  /** The origin secret (cloudfront-public-alb). */
  readonly originSecret?: string;
}

/** WAF in front of the ALB, or CloudFront with WAF in front of it, as the mode says. */
export class Edge extends Construct {
  readonly webAcl?: WebAcl;
  readonly distribution?: CloudFrontDistribution;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { settings, context: ctx } = props;
    if (settings.mode === "none") return;
    if (settings.mode === "alb-waf") {
      this.webAcl = new WebAcl(this, "waf", {
        context: ctx,
        scope: "REGIONAL",
        name: "edge",
        config: settings.waf,
        kmsKeyArn: props.logsKmsKeyArn,
      });
      new WebAclAssociation(this, "waf-association", {
        webAcl: this.webAcl,
        resourceArn: props.loadBalancer.arn,
      });
      return;
    }
    const east = props.usEast1;
    const lb = props.loadBalancer;
    if (!east || !lb.domain || !lb.aliasName || !lb.validationRecordFqdns) {
      throw new Error(
        `edge mode ${settings.mode} needs the us-east-1 provider, a domain and the ALB's origin name`,
      );
    }
    const eastKey = new KmsKey(this, "us-east-1-logs-key", {
      context: east.context,
      provider: east.provider,
      purpose: "edge-logs",
      description: `CloudFront and WAF logs of ${ctx.naming.prefix} (us-east-1)`,
    });
    // CloudFront's access logs and the web ACL's logs below this module use the us-east-1 key.
    eastKey.servesLogGroupsOf(this);
    this.webAcl = new WebAcl(this, "waf", {
      context: ctx,
      scope: "CLOUDFRONT",
      provider: east.provider,
      name: "edge",
      config: settings.waf,
      kmsKeyArn: eastKey.arn,
    });
    this.distribution = new CloudFrontDistribution(this, "cloudfront", {
      context: ctx,
      usEast1: east,
      domain: lb.domain,
      hosts: props.hosts,
      validationRecordFqdns: lb.validationRecordFqdns,
      originDomainName: lb.aliasName,
      origin:
        settings.mode === "cloudfront-vpc-origin"
          ? { kind: "vpc-origin", albArn: lb.arn }
          : { kind: "public", header: { name: settings.originHeaderName, value: props.originSecret ?? "" } },
      staticPaths: settings.staticPaths,
      priceClass: settings.priceClass,
      contentSecurityPolicy: settings.contentSecurityPolicy,
      hstsMaxAgeSeconds: settings.hstsMaxAgeSeconds,
      logRetentionDays: settings.logRetentionDays,
      usEast1LogsKeyArn: eastKey.arn,
      webAclArn: this.webAcl.arn,
    });
  }
}
