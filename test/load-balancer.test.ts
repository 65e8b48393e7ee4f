import { readFileSync } from "node:fs";
import { WEB } from "../docker/contract";
import { resolverFor, simulate } from "./support/iam";
import {
  configFromText,
  loadConfig,
  policyOf,
  ref,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
  withoutServices,
} from "./support/synth";

/** dev: internet-facing (edge.mode alb-waf); prod: internal, behind CloudFront's VPC origin. */
describe.each(["dev", "prod"])("the %s load balancer", (env) => {
  const config = loadConfig(`config/${env}.yaml`);
  const internal = env === "prod";
  const domain = config.loadBalancer.domain?.name;
  const aliasName = internal ? `origin.${domain}` : domain;
  let json: StackJson;
  let albName: string;
  let alb: Record<string, any>;
  beforeAll(() => {
    // The site's view; the api beside it: test/service-instances.test.ts.
    json = withoutServices(synthConfig(config), ["api"]);
    [[albName, alb]] = resourcesOf(json, "aws_lb");
  });

  it(`is an ${internal ? "internal ALB in every private" : "internet-facing ALB in every public"} subnet, hardened against header attacks`, () => {
    expect(alb).toMatchObject({
      load_balancer_type: "application",
      internal,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "defensive",
      idle_timeout: config.loadBalancer.idleTimeoutSeconds,
      enable_deletion_protection: env === "prod",
    });
    const tier = internal ? "private" : "public";
    const subnets = resourcesOf(json, "aws_subnet").filter(([n]) => n.startsWith(`network_${tier}-`));
    expect(alb.subnets).toEqual(subnets.map(([n]) => ref("aws_subnet", n)));
  });

  it("terminates TLS 1.2/1.3 only, with the DNS-validated certificate, and hides its Server header", () => {
    const https = resourceNamed(json, "aws_lb_listener", "_https_");
    const [[validationName]] = resourcesOf(json, "aws_acm_certificate_validation").filter(([n]) =>
      n.startsWith("load-balancer_"),
    );
    expect(https).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: ref("aws_acm_certificate_validation", validationName, "certificate_arn"),
      routing_http_response_server_enabled: false,
    });
    const cert = resourceNamed(json, "aws_acm_certificate", "load-balancer_");
    expect(cert).toMatchObject({ domain_name: domain, validation_method: "DNS" });
    // Behind CloudFront the certificate also covers the origin name CloudFront connects to (SNI must match).
    // And every service's host other than the domain's (prod's api.example.com).
    const hosts = config.services.flatMap((s) => s.routing.hosts).filter((h) => h !== domain);
    const names = [...(internal ? [aliasName] : []), ...hosts];
    expect(cert.subject_alternative_names).toEqual(names.length > 0 ? names : undefined);
    const [[, record]] = resourcesOf(json, "aws_route53_record").filter(([n]) =>
      n.includes("validation-record"),
    );
    expect(record.zone_id).toBe(config.loadBalancer.domain?.hostedZoneId);
    expect(record.for_each).toMatch(
      /^\$\{\{ for o in aws_acm_certificate\.load-balancer_certificate_\w+\.domain_validation_options : o\.domain_name => o \}\}$/,
    );
  });

  it(
    internal ? "has no port 80 at all (CloudFront speaks HTTPS to it)" : "redirects HTTP to HTTPS with a 301",
    () => {
      if (internal) {
        // 443 for CloudFront, 8443 the blue/green test listener (VPC only).
        expect(
          resourcesOf(json, "aws_lb_listener")
            .map(([, l]) => l.port)
            .sort(),
        ).toEqual([443, 8443]);
        return;
      }
      const http = resourceNamed(json, "aws_lb_listener", "http-redirect");
      expect(http.port).toBe(80);
      expect(http.default_action).toEqual([
        expect.objectContaining({
          type: "redirect",
          redirect: expect.objectContaining({ protocol: "HTTPS", port: "443", status_code: "HTTP_301" }),
        }),
      ]);
    },
  );

  it(
    internal
      ? "publishes no DNS record that would resolve to the internal ALB's private addresses"
      : "points an alias record for the domain at the ALB",
    () => {
      const pointing = resourcesOf(json, "aws_route53_record").filter(([, r]) =>
        JSON.stringify(r.alias ?? {}).includes(`aws_lb.${albName}.`),
      );
      if (internal) {
        expect(pointing).toEqual([]);
        return;
      }
      expect(pointing.map(([, r]) => r)).toEqual([
        expect.objectContaining({
          name: aliasName,
          type: "A",
          zone_id: config.loadBalancer.domain?.hostedZoneId,
          alias: {
            name: ref("aws_lb", albName, "dns_name"),
            zone_id: ref("aws_lb", albName, "zone_id"),
            evaluate_target_health: true,
          },
        }),
      ]);
    },
  );

  it("forwards to an IP target group on the web container's port, checking its health path", () => {
    const [[tgName, tg]] = resourcesOf(json, "aws_lb_target_group").filter(([n]) =>
      n.includes("target-group_"),
    );
    expect(tg).toMatchObject({ target_type: "ip", protocol: "HTTP", port: WEB.port });
    expect(tg.health_check).toMatchObject({ path: WEB.healthPath, matcher: "200", port: "traffic-port" });
    expect(tg.name.length).toBeLessThanOrEqual(32);
    expect(Number(tg.deregistration_delay)).toBeLessThan(config.services[0].stopTimeoutSeconds);
    // The listener answers 404 to what no service takes; the service's rule forwards to its group.
    const https = resourceNamed(json, "aws_lb_listener", "_https_");
    expect(https.default_action[0]).toMatchObject({
      type: "fixed-response",
      fixed_response: { status_code: "404", content_type: "text/plain" },
    });
    const rule = resourceNamed(json, "aws_lb_listener_rule", "routing-site_rule_");
    expect(rule).toMatchObject({
      listener_arn: ref(
        "aws_lb_listener",
        resourcesOf(json, "aws_lb_listener").find(([n]) => n.includes("_https_"))![0],
        "arn",
      ),
      // dev: every path the api does not take; prod: the site's host.
      priority: config.services[0].routing.priority,
      condition:
        env === "dev"
          ? [{ path_pattern: { values: ["/*"] } }]
          : [{ host_header: { values: ["www.example.com"] } }],
      action: [{ type: "forward", target_group_arn: ref("aws_lb_target_group", tgName, "arn") }],
    });
  });

  describe("logs", () => {
    it("records who reads or deletes ALB logs: server access logging into a bucket only that logging may write", async () => {
      const bucketOf = (part: string) => resourcesOf(json, "aws_s3_bucket").find(([n]) => n.includes(part))!;
      const [logName] = bucketOf("log-bucket_");
      const [, target] = bucketOf("server-access-logs");
      const [targetName] = bucketOf("server-access-logs");
      const [policyName, { policy }] = resourcesOf(json, "aws_s3_bucket_policy").find(([n]) =>
        n.includes("server-access-logs"),
      )!;
      const logging = resourcesOf(json, "aws_s3_bucket_logging").map(([, l]) => l);
      // By reference, and only once the target's policy admits the delivery.
      expect(logging).toContainEqual(
        expect.objectContaining({
          bucket: ref("aws_s3_bucket", logName),
          target_bucket: ref("aws_s3_bucket", targetName, "bucket"),
          target_prefix: "alb-logs/",
          depends_on: [`aws_s3_bucket_policy.${policyName}`],
        }),
      );
      const resolve = resolverFor(json, { account: config.account, region: "eu-west-1" });
      const put = (sourceBucket: string) =>
        simulate({
          resourcePolicy: resolve(policy),
          principal: "logging.s3.amazonaws.com",
          action: "s3:PutObject",
          resource: `arn:aws:s3:::${target.bucket}/alb-logs/2026-12-04-10-00-00-0123456789ABCDEF`,
          resourceAccount: config.account,
          context: { "aws:SourceAccount": config.account, "aws:SourceArn": `arn:aws:s3:::${sourceBucket}` },
        });
      const logBucket = bucketOf("log-bucket_")[1].bucket;
      expect(await put(logBucket)).toBe("Allowed");
      expect(await put(`${logBucket}-other`)).toBe("ImplicitlyDenied");
      expect(target.bucket.length).toBeLessThanOrEqual(63);
    });

    it("delivers access and connection logs to the module's bucket, after its policy exists", () => {
      const [[bucketName]] = resourcesOf(json, "aws_s3_bucket").filter(([n]) => n.includes("log-bucket"));
      // The bucket's attribute: Terraform creates the bucket first.
      const bucket = ref("aws_s3_bucket", bucketName, "bucket");
      expect(alb.access_logs).toEqual({ bucket, prefix: "access", enabled: true });
      expect(alb.connection_logs).toEqual({ bucket, prefix: "connection", enabled: true });
      const [[policyName]] = resourcesOf(json, "aws_s3_bucket_policy").filter(([n]) =>
        n.includes("log-bucket"),
      );
      expect(alb.depends_on).toContain(`aws_s3_bucket_policy.${policyName}`);
    });

    it("keeps them in an SSE-S3, private, TLS-only bucket that only eu-west-1's ELB account may write to", () => {
      const sse = resourceNamed(json, "aws_s3_bucket_server_side_encryption_configuration", "log-bucket");
      expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
      expect(resourceNamed(json, "aws_s3_bucket_ownership_controls", "log-bucket").rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
      expect(resourceNamed(json, "aws_s3_bucket_public_access_block", "log-bucket")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const policy = policyOf(resourceNamed(json, "aws_s3_bucket_policy", "log-bucket").policy);
      const bucketArn = `arn:aws:s3:::fws-${env}-alb-logs-${config.account}-eu-west-1`;
      const resolve = resolverFor(json, { account: config.account, region: "eu-west-1" });
      expect(resolve(policy.Statement)).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "AlbLogDelivery",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::156460612806:root" },
          Action: "s3:PutObject",
          Resource: [
            `${bucketArn}/access/AWSLogs/${config.account}/*`,
            `${bucketArn}/connection/AWSLogs/${config.account}/*`,
          ],
        },
      ]);
    });

    it("expires them after the configured days", () => {
      const lifecycle = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "log-bucket");
      expect(lifecycle.rule[0].expiration).toEqual([{ days: config.loadBalancer.logRetentionDays }]);
    });
  });

  describe("security groups", () => {
    const rulesOf = (type: string, group: string) =>
      resourcesOf(json, type)
        .map(([, r]) => r)
        .filter((r) => r.security_group_id === ref("aws_security_group", group));
    const groupNamed = (part: string) =>
      resourcesOf(json, "aws_security_group").find(([n]) => n.includes(part))![0];

    it(
      internal
        ? "let only the VPC reach the ALB, on 443"
        : "let the internet reach the ALB on 80 and 443 only",
      () => {
        const ingress = rulesOf(
          "aws_vpc_security_group_ingress_rule",
          groupNamed("load-balancer_security-group"),
        );
        const expected = internal
          ? [
              [443, 443, config.network.cidr],
              [8443, 8443, config.network.cidr],
            ]
          : [
              [443, 443, "0.0.0.0/0"],
              [80, 80, "0.0.0.0/0"],
            ];
        expect(ingress.map((r) => [r.from_port, r.to_port, r.cidr_ipv4]).sort()).toEqual(expected.sort());
      },
    );

    it("let the ALB send only to the tasks' group, on the web port", () => {
      const egress = rulesOf(
        "aws_vpc_security_group_egress_rule",
        groupNamed("load-balancer_security-group"),
      );
      // One rule per service, each to its own tasks' group on its own web port (the api: node on 3000).
      expect(egress).toEqual([
        expect.objectContaining({
          ip_protocol: "tcp",
          from_port: 3000,
          to_port: 3000,
          referenced_security_group_id: expect.stringContaining(
            "aws_security_group.service-api_security-group_",
          ),
        }),
        expect.objectContaining({
          ip_protocol: "tcp",
          from_port: WEB.port,
          to_port: WEB.port,
          referenced_security_group_id: ref("aws_security_group", groupNamed("service")),
        }),
      ]);
    });

    it("let only the ALB reach the tasks, on the web port; tasks reach out on the egress ports only", () => {
      const tasks = groupNamed("service");
      expect(rulesOf("aws_vpc_security_group_ingress_rule", tasks)).toEqual([
        expect.objectContaining({
          from_port: WEB.port,
          to_port: WEB.port,
          referenced_security_group_id: ref("aws_security_group", groupNamed("load-balancer_security-group")),
        }),
      ]);
      const egress = rulesOf("aws_vpc_security_group_egress_rule", tasks);
      expect(egress.map((r) => [r.from_port, r.cidr_ipv4])).toEqual(
        config.network.egressPorts.map((p) => [p, "0.0.0.0/0"]),
      );
    });
  });
});

describe("a load balancer in a Region opened after August 2022", () => {
  it("lets the log-delivery service principal write the logs", () => {
    const json = synthConfig(
      configFromText(`
account: "123456789012"
region: eu-central-2
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-central-2a, eu-central-2b] }
loadBalancer: { domain: { name: app.example.com, hostedZoneId: Z0EXAMPLE } }
service: { images: { tag: "1" } }
`),
    );
    const policy = policyOf(resourceNamed(json, "aws_s3_bucket_policy", "log-bucket").policy);
    expect(policy.Statement[1].Principal).toEqual({
      Service: "logdelivery.elasticloadbalancing.amazonaws.com",
    });
  });
});

describe("an HTTP-only environment (explicitly allowed, no domain)", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig("test/fixtures/configs/minimal.yaml"));
  });

  it("forwards plain HTTP and has no certificate, redirect or HTTPS port", () => {
    const listeners = resourcesOf(json, "aws_lb_listener").map(([, l]) => l);
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listeners[0].default_action[0].type).toBe("fixed-response");
    expect(resourcesOf(json, "aws_lb_listener_rule").map(([, r]) => r.action[0].type)).toEqual(["forward"]);
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual([]);
    const albGroup = resourcesOf(json, "aws_security_group").find(([n]) => n.includes("load-balancer"))![0];
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === ref("aws_security_group", albGroup));
    expect(ingress.map((r) => r.from_port)).toEqual([80]);
  });
});

describe("an internal ALB once CloudFront's VPC-origin security group exists", () => {
  const group = "sg-0123456789abcdef0";
  let json: StackJson;
  beforeAll(() => {
    const prod = readFileSync("config/prod.yaml", "utf8");
    expect(prod).toMatch(/^edge:\n/m);
    json = synthConfig(
      configFromText(
        prod.replace(/^edge:\n/m, `edge:\n  vpcOriginSecurityGroupId: ${group}\n`),
        "prod.yaml",
        "prod",
      ),
    );
  });

  it("admits HTTPS only from that group, not from the whole VPC (no way around CloudFront and its web ACL)", () => {
    const albGroup = resourcesOf(json, "aws_security_group").find(([n]) =>
      n.includes("load-balancer_security"),
    )![0];
    const https = resourcesOf(json, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === ref("aws_security_group", albGroup) && r.from_port === 443);
    expect(https).toEqual([expect.objectContaining({ referenced_security_group_id: group, to_port: 443 })]);
    expect(https[0].cidr_ipv4).toBeUndefined();
  });
});
