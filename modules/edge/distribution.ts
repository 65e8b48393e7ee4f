import {
  CloudfrontDistribution,
  type CloudfrontDistributionOrigin,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudfrontVpcOrigin } from "@cdktf/provider-aws/lib/cloudfront-vpc-origin";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { DnsValidatedCertificate } from "../../constructs/dns-validated-certificate";
import { MANAGED_POLICIES } from "../../facts/cloudfront";
import { CloudFrontAccessLogs } from "./cloudfront-access-logs";

/** How CloudFront reaches the load balancer. */
export type EdgeOrigin =
  | { readonly kind: "vpc-origin"; readonly albArn: string }
  | { readonly kind: "public"; readonly header: { readonly name: string; readonly value: string } };

export interface CloudFrontDistributionProps {
  readonly context: StackContext;
  /** us-east-1, where CloudFront's certificate, web ACL and logging live. */
  readonly usEast1: { readonly provider: TerraformProvider; readonly context: StackContext };
  readonly domain: { readonly name: string; readonly hostedZoneId: string };
  /** The services' other host names: aliases of the distribution, names on its certificate, records. @default [] */
  readonly hosts?: string[];
  /** Validation records of the regional certificate for the same name: reused, not written twice. */
  readonly validationRecordFqdns: string[];
  /** The name CloudFront connects to, which the ALB's certificate covers. */
  readonly originDomainName: string;
  readonly origin: EdgeOrigin;
  readonly staticPaths: string[];
  readonly priceClass: string;
  readonly contentSecurityPolicy: string;
  readonly hstsMaxAgeSeconds: number;
  readonly logRetentionDays: number;
  /** Key in us-east-1 that may encrypt the access-log group. */
  readonly usEast1LogsKeyArn: string;
  /** CLOUDFRONT-scope web ACL. */
  readonly webAclArn: string;
}

/** Seconds CloudFront waits for the origin: the default quota's maximum, as long as the ALB's idle timeout. */
export const ORIGIN_READ_TIMEOUT_SECONDS = 60;
const ORIGIN_KEEPALIVE_SECONDS = 30;
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

/**
 * The CloudFront distribution in front of the load balancer: TLS 1.2+ with a us-east-1 certificate,
 * HTTP/2 and 3, IPv6, every behaviour redirecting HTTP to HTTPS; dynamic paths uncached with every
 * viewer header forwarded, static paths cached and compressed; security headers; access logs.
 */
export class CloudFrontDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  /** The distribution's own DNS name (`d….cloudfront.net`). */
  readonly domainName: string;
  /** The name clients use. */
  readonly aliasName: string;
  readonly arn: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: CloudFrontDistributionProps) {
    super(scope, id);
    const ctx = props.context;
    const east = props.usEast1;
    const hosts = (props.hosts ?? []).filter((h) => h !== props.domain.name);
    const certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domain.name,
      subjectAlternativeNames: hosts.length > 0 ? hosts : undefined,
      hostedZoneId: props.domain.hostedZoneId,
      existingValidationRecordFqdns: props.validationRecordFqdns,
      provider: east.provider,
    });

    const headers = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: ctx.naming.name("generic", "security-headers"),
      comment: "HSTS, nosniff, frame DENY, referrer policy, CSP",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: props.hstsMaxAgeSeconds,
          includeSubdomains: true,
          preload: false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy, override: true },
      },
    });

    const originId = "load-balancer";
    const timeouts = {
      originReadTimeout: ORIGIN_READ_TIMEOUT_SECONDS,
      originKeepaliveTimeout: ORIGIN_KEEPALIVE_SECONDS,
    };
    let origin: CloudfrontDistributionOrigin;
    if (props.origin.kind === "vpc-origin") {
      const vpcOrigin = new CloudfrontVpcOrigin(this, "vpc-origin", {
        vpcOriginEndpointConfig: [
          {
            name: ctx.naming.name("generic", "alb"),
            arn: props.origin.albArn,
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: [{ items: ["TLSv1.2"], quantity: 1 }],
          },
        ],
      });
      origin = {
        domainName: props.originDomainName,
        originId,
        vpcOriginConfig: { vpcOriginId: vpcOrigin.id, ...timeouts },
      };
    } else {
      origin = {
        domainName: props.originDomainName,
        originId,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
          ...timeouts,
        },
        customHeader: [props.origin.header],
      };
    }

    const behaviour = {
      targetOriginId: originId,
      viewerProtocolPolicy: "redirect-to-https",
      responseHeadersPolicyId: headers.id,
      compress: true,
    };
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${ctx.naming.prefix}: ${props.domain.name}`,
      aliases: [props.domain.name, ...hosts],
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: props.priceClass,
      webAclId: props.webAclArn,
      origin: [origin],
      defaultCacheBehavior: {
        ...behaviour,
        allowedMethods: ALL_METHODS,
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED_POLICIES.cachingDisabled,
        originRequestPolicyId: MANAGED_POLICIES.allViewer,
      },
      orderedCacheBehavior: props.staticPaths.map((pathPattern) => ({
        ...behaviour,
        pathPattern,
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED_POLICIES.cachingOptimized,
      })),
      // Countries are blocked in WAF, where the block is logged and counted.
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: certificate.arn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      waitForDeployment: false,
    });
    this.domainName = this.distribution.domainName;
    this.aliasName = props.domain.name;
    this.arn = this.distribution.arn;

    const records = [
      { suffix: "", name: props.domain.name },
      ...hosts.map((h) => ({ suffix: `-${h}`, name: h })),
    ];
    for (const { suffix, name } of records)
      for (const type of ["A", "AAAA"]) {
        new Route53Record(this, `alias-${type.toLowerCase()}${suffix}`, {
          zoneId: props.domain.hostedZoneId,
          name,
          type,
          alias: {
            name: this.distribution.domainName,
            zoneId: this.distribution.hostedZoneId,
            evaluateTargetHealth: false,
          },
        });
      }

    const logs = new CloudFrontAccessLogs(this, "access-logs", {
      context: east.context,
      provider: east.provider,
      distributionArn: this.distribution.arn,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: props.usEast1LogsKeyArn,
    });
    this.logGroupName = logs.logGroupName;
  }
}
