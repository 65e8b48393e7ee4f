import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { DnsValidatedCertificate } from "../../constructs/dns-validated-certificate";
import type { Exposure } from "../../constructs/exposure";
import { ALB_LOG_PREFIXES, albLogBuckets } from "./alb-log-buckets";

export type { Exposure };

export interface LoadBalancerProps {
  readonly context: StackContext;
  readonly vpcId: string;
  /** VPC range: the only clients of an internal ALB. */
  readonly vpcCidr: string;
  /** Subnets the ALB listens in, one per AZ (public ones unless internal). */
  readonly subnetIds: string[];
  /** Who may reach it. @default { kind: "internet" } */
  readonly exposure?: Exposure;
  /** DNS name and hosted zone: HTTPS with a validated certificate and an alias record. @default HTTP only */
  readonly domain?: { readonly name: string; readonly hostedZoneId: string };
  /** Name of the alias record pointing at the ALB (the origin name behind CloudFront). @default domain.name */
  readonly aliasName?: string;
  /**
   * The services' other host names: each is a name on the certificate and, for an internet-facing ALB without
   * CloudFront, an alias record. @default [] (domain.name only)
   */
  readonly hosts?: string[];
  /** TLS policy of the HTTPS listener. */
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly deletionProtection: boolean;
  readonly desyncMitigationMode: "defensive" | "strictest";
  /** Days access and connection logs are kept. */
  readonly logRetentionDays: number;
  /**
   * A test listener on this port, reachable only from these CIDRs, for services that deploy blue/green.
   * @default none (every service rolls)
   */
  readonly testListener?: { readonly port: number; readonly cidrs: string[] };
}

/** What a request must carry, besides its service's hosts and paths, to be forwarded at all. */
export interface RequiredHeader {
  readonly name: string;
  readonly values: string[];
}

/**
 * The Application Load Balancer every service of the environment shares: HTTPS with a current TLS policy
 * and a DNS-validated certificate naming every host, HTTP redirected to HTTPS, access and connection logs,
 * and a security group that admits 80/443 and sends only to the targets it is told about. Its listeners
 * answer 404 (403 behind cloudfront-public-alb) to what no service's rule takes; each service adds its
 * own target groups and rules (modules/service/routing.ts).
 */
export class LoadBalancer extends Construct {
  readonly arn: string;
  /** The part of the ARN CloudWatch dimensions use. */
  readonly arnSuffix: string;
  readonly dnsName: string;
  readonly zoneId: string;
  readonly securityGroupId: string;
  /** An internal ALB (in private subnets); its target groups' names say so. */
  readonly internal: boolean;
  /** Header every service's rule must also match (cloudfront-public-alb). @default none */
  readonly requiredHeader?: RequiredHeader;
  /** Where CodeDeploy sends test traffic to the new tasks before the shift (blue/green). */
  readonly testListener?: LbListener;
  /** The listener that serves production traffic (HTTPS, or HTTP in an HTTP-only environment). */
  readonly productionListener: LbListener;
  /** The URL clients use (behind CloudFront: the origin's URL). */
  readonly url: string;
  readonly logBucketName: string;
  readonly logBucketArn: string;
  /** The certificate's validation records, for a certificate of the same name in another region. */
  readonly validationRecordFqdns?: string[];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const ctx = props.context;
    const exposure: Exposure = props.exposure ?? { kind: "internet" };
    const internal = exposure.kind === "vpc";

    const group = new SecurityGroup(this, "security-group", {
      namePrefix: ctx.naming.namePrefix("securityGroupName", "alb"),
      description: {
        internet: "ALB: HTTP(S) from the internet",
        vpc: "ALB: HTTPS from inside the VPC (CloudFront VPC origin)",
        cloudfront: "ALB: egress to the tasks (ingress: the cloudfront group)",
      }[exposure.kind],
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      // A replacement (a changed description or VPC) must exist before whatever uses the group lets go of it.
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    const groups = [group.id];
    const ingress = (
      id: string,
      groupId: string,
      port: number,
      description: string,
      source: { cidrIpv4: string } | { prefixListId: string } | { referencedSecurityGroupId: string },
    ) =>
      new VpcSecurityGroupIngressRule(this, id, {
        securityGroupId: groupId,
        description,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...source,
        // A changed source replaces the rule: the new one admits traffic before the old one goes.
        lifecycle: { createBeforeDestroy: true },
      });
    if (exposure.kind === "internet") {
      if (props.domain) ingress("ingress-443", group.id, 443, "HTTPS clients", { cidrIpv4: "0.0.0.0/0" });
      ingress(
        "ingress-80",
        group.id,
        80,
        props.domain ? "HTTP clients, redirected to HTTPS" : "HTTP clients",
        { cidrIpv4: "0.0.0.0/0" },
      );
    } else if (exposure.kind === "vpc") {
      // Anything in the VPC could reach the ALB past CloudFront and its web ACL; AWS documents the tighter
      // rule: only CloudFront's VPC-origin group, which AWS creates in the VPC with the first VPC origin.
      // One rule either way, replaced create-before-destroy on the second apply: no moment without 443.
      if (exposure.cloudFrontSecurityGroupId) {
        ingress("ingress-443", group.id, 443, "HTTPS from CloudFront VPC origins only", {
          referencedSecurityGroupId: exposure.cloudFrontSecurityGroupId,
        });
      } else {
        ingress("ingress-443", group.id, 443, "HTTPS from the VPC (CloudFront VPC origin)", {
          cidrIpv4: props.vpcCidr,
        });
      }
    } else {
      // The prefix list weighs about 55 of a group's 60 rules: it gets a group of its own.
      const cloudfront = new SecurityGroup(this, "cloudfront-security-group", {
        namePrefix: ctx.naming.namePrefix("securityGroupName", "alb-cloudfront"),
        description: "ALB: HTTPS from CloudFront's origin-facing addresses only",
        vpcId: props.vpcId,
        revokeRulesOnDelete: true,
        // A replacement (a changed description or VPC) must exist before whatever uses the group lets go of it.
        lifecycle: { createBeforeDestroy: true },
      });
      ingress("ingress-cloudfront", cloudfront.id, 443, "HTTPS from CloudFront origin-facing servers", {
        prefixListId: exposure.prefixListId,
      });
      groups.push(cloudfront.id);
    }

    const logs = albLogBuckets(this, ctx, props.logRetentionDays);
    this.logBucketName = logs.name;
    this.logBucketArn = logs.arn;

    const alb = new Lb(this, "alb", {
      // A change of scheme replaces the ALB: the scheme is in the name, so the new one is created first.
      name: ctx.naming.name("albName", internal ? "alb-internal" : "alb"),
      lifecycle: { createBeforeDestroy: true },
      loadBalancerType: "application",
      internal,
      subnets: props.subnetIds,
      securityGroups: groups,
      idleTimeout: props.idleTimeoutSeconds,
      enableDeletionProtection: props.deletionProtection,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: props.desyncMitigationMode,
      enableHttp2: true,
      xffHeaderProcessingMode: "append",
      enableWafFailOpen: false,
      accessLogs: { bucket: logs.name, prefix: ALB_LOG_PREFIXES.access, enabled: true },
      connectionLogs: { bucket: logs.name, prefix: ALB_LOG_PREFIXES.connection, enabled: true },
      dependsOn: [logs.policy],
    });
    this.arn = alb.arn;
    this.arnSuffix = alb.arnSuffix;
    this.dnsName = alb.dnsName;
    this.zoneId = alb.zoneId;

    this.internal = internal;
    if (exposure.kind === "cloudfront") this.requiredHeader = exposure.originHeader;
    // No service by default: a request no service's rule takes gets a 404 (behind CloudFront's header
    // check, one without the header a 403).
    const fixed = (statusCode: string, messageBody: string): LbListenerDefaultAction[] => [
      { type: "fixed-response", fixedResponse: { statusCode, contentType: "text/plain", messageBody } },
    ];
    const notFound = fixed("404", "Not Found");
    const listener = (
      id: string,
      port: number,
      defaultAction: LbListenerDefaultAction[],
      certificateArn?: string,
    ) =>
      new LbListener(this, id, {
        loadBalancerArn: alb.arn,
        port,
        protocol: certificateArn ? "HTTPS" : "HTTP",
        ...(certificateArn ? { sslPolicy: props.sslPolicy, certificateArn } : {}),
        routingHttpResponseServerEnabled: false,
        defaultAction,
      });
    const testListener = (certificateArn?: string) => {
      if (!props.testListener) return undefined;
      const port = props.testListener.port;
      props.testListener.cidrs.forEach((cidr, i) => {
        ingress(`ingress-test-${i}`, group.id, port, "Test traffic to new tasks (blue/green)", {
          cidrIpv4: cidr,
        });
      });
      return listener("test", port, notFound, certificateArn);
    };

    if (!props.domain) {
      this.productionListener = listener("http", 80, notFound);
      this.testListener = testListener();
      this.url = `http://${alb.dnsName}`;
      return;
    }
    const aliasName = props.aliasName ?? props.domain.name;
    // Every host is on the certificate, behind CloudFront too: CloudFront's us-east-1 certificate for the
    // same names reuses these validation records.
    const hosts = (props.hosts ?? []).filter((h) => h !== props.domain?.name);
    const names = [...new Set([aliasName, ...hosts])].filter((n) => n !== props.domain?.name);
    const certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domain.name,
      subjectAlternativeNames: names.length > 0 ? names : undefined,
      hostedZoneId: props.domain.hostedZoneId,
    });
    this.validationRecordFqdns = certificate.validationRecordFqdns;
    this.productionListener = listener(
      "https",
      443,
      exposure.kind === "cloudfront" ? fixed("403", "Forbidden") : notFound,
      certificate.arn,
    );
    this.testListener = testListener(certificate.arn);
    if (exposure.kind === "internet") {
      new LbListener(this, "http-redirect", {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        routingHttpResponseServerEnabled: false,
        defaultAction: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
      });
    }
    // An internal ALB gets no record: a public zone would publish its private addresses, and the VPC origin
    // reaches it by ARN (the name only has to match the certificate).
    if (!internal) {
      const record = (id: string, name: string) =>
        new Route53Record(this, id, {
          zoneId: props.domain?.hostedZoneId ?? "",
          name,
          type: "A",
          alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
        });
      record("alias", aliasName);
      // Behind CloudFront the hosts' records point at the distribution (modules/edge).
      if (!props.aliasName) for (const host of hosts) record(`alias-${host}`, host);
    }
    this.url = `https://${aliasName}`;
  }

  /** Lets the ALB open connections to `securityGroupId` on `port` (the tasks' web port), and nowhere else. */
  allowEgressTo(id: string, securityGroupId: string, port: number, description: string): void {
    new VpcSecurityGroupEgressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: securityGroupId,
    });
  }
}
