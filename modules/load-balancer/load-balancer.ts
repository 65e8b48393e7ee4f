import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
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

export interface LoadBalancerProps {
  readonly context: StackContext;
  readonly vpcId: string;
  /** VPC range: the only clients of an internal ALB. */
  readonly vpcCidr: string;
  /** Subnets the ALB listens in, one per AZ (public ones unless internal). */
  readonly subnetIds: string[];
  /** An internal ALB (reached through CloudFront VPC origins) instead of an internet-facing one. @default false */
  readonly internal?: boolean;
  /** DNS name and hosted zone: HTTPS with a validated certificate and an alias record. @default HTTP only */
  readonly domain?: { readonly name: string; readonly hostedZoneId: string };
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
  /** The URL clients use. */
  readonly url: string;
  readonly logBucketName: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const ctx = props.context;
    const internal = props.internal ?? false;

    const group = new SecurityGroup(this, "security-group", {
      name: ctx.naming.name("securityGroupName", "alb"),
      description: internal ? "ALB: HTTP(S) from inside the VPC" : "ALB: HTTP(S) from the internet",
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    this.securityGroupId = group.id;
    for (const port of props.domain ? [443, 80] : [80]) {
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: group.id,
        description:
          port === 443
            ? "HTTPS clients"
            : props.domain
              ? "HTTP clients, redirected to HTTPS"
              : "HTTP clients",
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: internal ? props.vpcCidr : "0.0.0.0/0",
      });
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
      securityGroups: [group.id],
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
    const certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: props.domain.name,
      hostedZoneId: props.domain.hostedZoneId,
    });
    this.productionListener = new LbListener(this, "https", {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy,
      certificateArn: certificate.arn,
      routingHttpResponseServerEnabled: false,
      defaultAction: forward,
    });
    new LbListener(this, "http-redirect", {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      routingHttpResponseServerEnabled: false,
      defaultAction: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    new Route53Record(this, "alias", {
      zoneId: props.domain.hostedZoneId,
      name: props.domain.name,
      type: "A",
      alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
    });
    this.url = `https://${props.domain.name}`;
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
