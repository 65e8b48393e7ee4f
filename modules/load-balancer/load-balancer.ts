import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { SecureBucket } from "../../constructs/secure-bucket";
import { DnsValidatedCertificate } from "./certificate";
import { elbLogWriter } from "./elb-log-delivery";

/** Prefixes of the two log streams in the log bucket. */
export const ALB_LOG_PREFIXES = { access: "access", connection: "connection" } as const;

export interface TargetSettings {
  /** Name of what the targets serve, part of the target group's name, e.g. the service's name. */
  readonly name: string;
  /** Port the targets (the web container) listen on. */
  readonly port: number;
  /** Path the health check requests. */
  readonly healthPath: string;
  readonly deregistrationDelaySeconds: number;
  readonly healthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

/**
 * Who may reach the load balancer; decides its scheme, security groups and listeners.
 * - `internet`: internet-facing, 443 (and 80, which redirects) from anywhere.
 * - `vpc`: internal, in private subnets, 443 from the VPC only (a CloudFront VPC origin).
 * - `cloudfront`: internet-facing, 443 only from CloudFront's origin-facing prefix list, and only
 *   requests carrying the secret origin header are forwarded (the rest get 403).
 */
export type Exposure =
  | { readonly kind: "internet" }
  | { readonly kind: "vpc" }
  | {
      readonly kind: "cloudfront";
      readonly prefixListId: string;
      /** Header CloudFront adds; any of the values passes (two during a rotation). */
      readonly originHeader: { readonly name: string; readonly values: string[] };
    };

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
  /** TLS policy of the HTTPS listener. */
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly deletionProtection: boolean;
  readonly desyncMitigationMode: "defensive" | "strictest";
  /** Days access and connection logs are kept. */
  readonly logRetentionDays: number;
  /** What the listeners forward to. */
  readonly target: TargetSettings;
}

/**
 * The Application Load Balancer: HTTPS with a current TLS policy and a DNS-validated certificate, HTTP
 * redirected to HTTPS, access and connection logs, an IP target group for the service, and a security
 * group that admits 80/443 and sends only to the targets it is told about.
 */
export class LoadBalancer extends Construct {
  readonly arn: string;
  /** The part of the ARN CloudWatch dimensions use. */
  readonly arnSuffix: string;
  readonly dnsName: string;
  readonly zoneId: string;
  readonly securityGroupId: string;
  readonly targetGroup: LbTargetGroup;
  /** The listener that serves production traffic (HTTPS, or HTTP in an HTTP-only environment). */
  readonly productionListener: LbListener;
  /** The URL clients use (behind CloudFront: the origin's URL). */
  readonly url: string;
  readonly logBucketName: string;
  /** The certificate's validation records, for a certificate of the same name in another region. */
  readonly validationRecordFqdns?: string[];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const ctx = props.context;
    const exposure: Exposure = props.exposure ?? { kind: "internet" };
    const internal = exposure.kind === "vpc";

    const group = new SecurityGroup(this, "security-group", {
      name: ctx.naming.name("securityGroupName", "alb"),
      description: {
        internet: "ALB: HTTP(S) from the internet",
        vpc: "ALB: HTTPS from inside the VPC (CloudFront VPC origin)",
        cloudfront: "ALB: egress to the tasks (ingress: the cloudfront group)",
      }[exposure.kind],
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    this.securityGroupId = group.id;
    const groups = [group.id];
    const ingress = (
      id: string,
      groupId: string,
      port: number,
      description: string,
      source: { cidrIpv4: string } | { prefixListId: string },
    ) =>
      new VpcSecurityGroupIngressRule(this, id, {
        securityGroupId: groupId,
        description,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...source,
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
      ingress("ingress-443", group.id, 443, "HTTPS from the VPC (CloudFront VPC origin)", {
        cidrIpv4: props.vpcCidr,
      });
    } else {
      // The prefix list weighs about 55 of a group's 60 rules: it gets a group of its own.
      const cloudfront = new SecurityGroup(this, "cloudfront-security-group", {
        name: ctx.naming.name("securityGroupName", "alb-cloudfront"),
        description: "ALB: HTTPS from CloudFront's origin-facing addresses only",
        vpcId: props.vpcId,
        revokeRulesOnDelete: true,
      });
      ingress("ingress-cloudfront", cloudfront.id, 443, "HTTPS from CloudFront origin-facing servers", {
        prefixListId: exposure.prefixListId,
      });
      groups.push(cloudfront.id);
    }

    const logs = new SecureBucket(this, "log-bucket", {
      context: ctx,
      purpose: "alb-logs",
      // ALB log delivery supports SSE-S3 only.
      encryption: "SSE-S3",
      expireAfterDays: props.logRetentionDays,
      noncurrentVersionDays: 7,
      statements: (bucketArn) => [
        {
          sid: "AlbLogDelivery",
          principals: elbLogWriter(ctx.region, ctx.partition),
          actions: ["s3:PutObject"],
          resources: Object.values(ALB_LOG_PREFIXES).map((p) => `${bucketArn}/${p}/AWSLogs/${ctx.account}/*`),
        },
      ],
    });
    this.logBucketName = logs.name;

    const alb = new Lb(this, "alb", {
      name: ctx.naming.name("albName", "alb"),
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

    const t = props.target;
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: ctx.naming.name("targetGroupName", t.name, "blue"),
      targetType: "ip",
      protocol: "HTTP",
      protocolVersion: "HTTP1",
      port: t.port,
      vpcId: props.vpcId,
      deregistrationDelay: String(t.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: t.healthPath,
        matcher: "200",
        interval: t.healthCheck.intervalSeconds,
        timeout: t.healthCheck.timeoutSeconds,
        healthyThreshold: t.healthCheck.healthyThreshold,
        unhealthyThreshold: t.healthCheck.unhealthyThreshold,
      },
    });
    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];

    if (!props.domain) {
      this.productionListener = new LbListener(this, "http", {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: forward,
      });
      this.url = `http://${alb.dnsName}`;
      return;
    }
    const aliasName = props.aliasName ?? props.domain.name;
    const certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domain.name,
      subjectAlternativeNames: aliasName === props.domain.name ? undefined : [aliasName],
      hostedZoneId: props.domain.hostedZoneId,
    });
    this.validationRecordFqdns = certificate.validationRecordFqdns;
    const guarded = exposure.kind === "cloudfront";
    this.productionListener = new LbListener(this, "https", {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy,
      certificateArn: certificate.arn,
      routingHttpResponseServerEnabled: false,
      defaultAction: guarded
        ? [
            {
              type: "fixed-response",
              fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" },
            },
          ]
        : forward,
    });
    if (exposure.kind === "cloudfront") {
      new LbListenerRule(this, "from-cloudfront", {
        listenerArn: this.productionListener.arn,
        priority: 10,
        condition: [
          {
            httpHeader: { httpHeaderName: exposure.originHeader.name, values: exposure.originHeader.values },
          },
        ],
        action: forward,
      });
    }
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
    new Route53Record(this, "alias", {
      zoneId: props.domain.hostedZoneId,
      name: aliasName,
      type: "A",
      alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
    });
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
