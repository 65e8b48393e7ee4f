import { parseEnvironment } from "../config/load";
import { ORIGIN_FACING_PREFIX_LISTS } from "../facts/cloudfront";
import {
  loadConfig,
  policyOf,
  ref,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
} from "./support/synth";

const EAST = "aws.us_east_1";

describe("prod: CloudFront and WAF in front of an internal ALB (cloudfront-vpc-origin)", () => {
  const config = loadConfig("config/prod.yaml");
  let json: StackJson;
  let cf: Record<string, any>;
  beforeAll(() => {
    json = synthConfig(config);
    [[, cf]] = resourcesOf(json, "aws_cloudfront_distribution");
  });

  it("serves www.example.com and the api's api.example.com over HTTP/2 and 3 and IPv6, behind the CLOUDFRONT-scope web ACL", () => {
    const [[aclName, acl]] = resourcesOf(json, "aws_wafv2_web_acl");
    expect(acl).toMatchObject({ scope: "CLOUDFRONT", provider: EAST });
    const records = resourcesOf(json, "aws_route53_record")
      .filter(([n]) => n.startsWith("edge_"))
      .map(([, r]) => `${r.name} ${r.type}`);
    expect(records.sort()).toEqual([
      "api.example.com A",
      "api.example.com AAAA",
      "www.example.com A",
      "www.example.com AAAA",
    ]);
    expect(cf).toMatchObject({
      enabled: true,
      aliases: ["www.example.com", "api.example.com"],
      http_version: "http2and3",
      is_ipv6_enabled: true,
      price_class: "PriceClass_100",
      web_acl_id: ref("aws_wafv2_web_acl", aclName, "arn"),
    });
  });

  it("presents a us-east-1 certificate, SNI only, TLS 1.2 (2021) at least, validated by the regional certificate's records", () => {
    const cert = resourceNamed(json, "aws_acm_certificate", "edge_");
    expect(cert).toMatchObject({
      domain_name: "www.example.com",
      subject_alternative_names: ["api.example.com"],
      provider: EAST,
    });
    const [[validationName, validation]] = resourcesOf(json, "aws_acm_certificate_validation").filter(([n]) =>
      n.startsWith("edge_"),
    );
    expect(validation.provider).toBe(EAST);
    expect(validation.validation_record_fqdns).toMatch(
      /aws_route53_record\.load-balancer_certificate_validation-record/,
    );
    expect(
      resourcesOf(json, "aws_route53_record").filter(([n]) => n.includes("validation-record")),
    ).toHaveLength(1);
    expect(cf.viewer_certificate).toEqual({
      acm_certificate_arn: ref("aws_acm_certificate_validation", validationName, "certificate_arn"),
      ssl_support_method: "sni-only",
      minimum_protocol_version: "TLSv1.2_2021",
    });
  });

  it("reaches the ALB through a VPC origin, over HTTPS with TLS 1.2, at a name the ALB's certificate covers", () => {
    const [[voName, vo]] = resourcesOf(json, "aws_cloudfront_vpc_origin");
    const [[albName]] = resourcesOf(json, "aws_lb");
    expect(vo.vpc_origin_endpoint_config).toEqual([
      expect.objectContaining({
        arn: ref("aws_lb", albName, "arn"),
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }],
      }),
    ]);
    expect(cf.origin).toEqual([
      expect.objectContaining({
        domain_name: "origin.www.example.com",
        vpc_origin_config: {
          vpc_origin_id: ref("aws_cloudfront_vpc_origin", voName),
          origin_read_timeout: 60,
          origin_keepalive_timeout: 30,
        },
      }),
    ]);
    // Every host too: CloudFront forwards the viewer's Host, and its certificate reuses these validation records.
    expect(resourceNamed(json, "aws_acm_certificate", "load-balancer_").subject_alternative_names).toEqual([
      "origin.www.example.com",
      "api.example.com",
    ]);
  });

  it("passes dynamic paths through uncached with every viewer header, and redirects HTTP to HTTPS everywhere", () => {
    expect(cf.default_cache_behavior).toMatchObject({
      viewer_protocol_policy: "redirect-to-https",
      cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      origin_request_policy_id: "216adef6-5c7f-47e4-b989-5492eafa07d3",
      allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    });
    for (const b of cf.ordered_cache_behavior) expect(b.viewer_protocol_policy).toBe("redirect-to-https");
  });

  it("caches and compresses the static paths, honouring the origin's Cache-Control", () => {
    expect(cf.ordered_cache_behavior).toEqual([
      expect.objectContaining({
        path_pattern: "/static/*",
        cache_policy_id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        compress: true,
        allowed_methods: ["GET", "HEAD", "OPTIONS"],
      }),
    ]);
  });

  it("adds HSTS for at least a year, nosniff, frame DENY, a referrer policy and the configured CSP", () => {
    const [[policyName, policy]] = resourcesOf(json, "aws_cloudfront_response_headers_policy");
    expect(cf.default_cache_behavior.response_headers_policy_id).toBe(
      ref("aws_cloudfront_response_headers_policy", policyName),
    );
    const h = policy.security_headers_config;
    expect(h.strict_transport_security.access_control_max_age_sec).toBeGreaterThanOrEqual(31536000);
    expect(h.content_type_options).toEqual({ override: true });
    expect(h.frame_options).toEqual({ frame_option: "DENY", override: true });
    expect(h.referrer_policy.referrer_policy).toBe("strict-origin-when-cross-origin");
    expect(h.content_security_policy.content_security_policy).toBe(config.edge.contentSecurityPolicy);
  });

  it("points A and AAAA records of the domain at the distribution", () => {
    const [[cfName]] = resourcesOf(json, "aws_cloudfront_distribution");
    for (const type of ["a", "aaaa"]) {
      expect(resourceNamed(json, "aws_route53_record", `alias-${type}_`)).toMatchObject({
        name: "www.example.com",
        type: type.toUpperCase(),
        alias: {
          name: ref("aws_cloudfront_distribution", cfName, "domain_name"),
          zone_id: ref("aws_cloudfront_distribution", cfName, "hosted_zone_id"),
        },
      });
    }
  });

  it("logs access with standard logging v2 to an encrypted log group in us-east-1", () => {
    const group = resourceNamed(json, "aws_cloudwatch_log_group", "access-logs");
    expect(group).toMatchObject({
      name: "/fws/prod/cloudfront",
      provider: EAST,
      retention_in_days: config.edge.logRetentionDays,
    });
    const [[keyName, key]] = resourcesOf(json, "aws_kms_key").filter(([n]) => n.includes("us-east-1"));
    expect(key.provider).toBe(EAST);
    expect(group.kms_key_id).toBe(ref("aws_kms_key", keyName, "arn"));
    const [[, source]] = resourcesOf(json, "aws_cloudwatch_log_delivery_source");
    expect(source).toMatchObject({ log_type: "ACCESS_LOGS", provider: EAST });
    for (const type of ["aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery"]) {
      expect(resourcesOf(json, type)[0][1].provider).toBe(EAST);
    }
    const policy = policyOf(
      resourceNamed(json, "aws_cloudwatch_log_resource_policy", "cloudfront").policy_document,
    );
    expect(policy.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": config.account },
      ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${config.account}:delivery-source:*` },
    });
  });

  it("opens no security group to the world, and keeps the internet gateway (VPC origins need it)", () => {
    for (const [, rule] of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) {
      expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
    }
    expect(resourcesOf(json, "aws_internet_gateway")).toHaveLength(1);
  });
});

describe("cloudfront-public-alb (fixture)", () => {
  const config = loadConfig("test/fixtures/configs/publicalb.yaml");
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(config);
  });

  it("keeps the ALB public, admitting 443 only from CloudFront's origin-facing prefix list, in a group of its own", () => {
    const [[, alb]] = resourcesOf(json, "aws_lb");
    expect(alb.internal).toBe(false);
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter(([n]) =>
      n.startsWith("load-balancer_"),
    );
    expect(ingress.map(([, r]) => r)).toEqual([
      expect.objectContaining({
        from_port: 443,
        to_port: 443,
        prefix_list_id: ORIGIN_FACING_PREFIX_LISTS["us-west-2"],
      }),
    ]);
    const [[groupName]] = resourcesOf(json, "aws_security_group").filter(([n]) =>
      n.includes("cloudfront-security-group"),
    );
    expect(ingress[0][1].security_group_id).toBe(ref("aws_security_group", groupName));
    expect(alb.security_groups).toHaveLength(2);
  });

  it("answers 403 unless the request carries the origin secret, of which two values pass during a rotation", () => {
    const https = resourceNamed(json, "aws_lb_listener", "_https_");
    expect(https.default_action[0]).toMatchObject({
      type: "fixed-response",
      fixed_response: { status_code: "403" },
    });
    const [[, rule]] = resourcesOf(json, "aws_lb_listener_rule");
    expect(rule.condition).toEqual([
      {
        http_header: {
          http_header_name: "X-Origin-Verify",
          values: ["${var.origin_secret}", "${coalesce(var.origin_secret_previous, var.origin_secret)}"],
        },
      },
    ]);
    expect(rule.action[0].type).toBe("forward");
  });

  it("sends the secret from a sensitive variable, never as a literal in the synthesized JSON", () => {
    expect(json.variable?.origin_secret).toMatchObject({ sensitive: true, type: "string", nullable: false });
    expect(json.variable?.origin_secret.default).toBeUndefined();
    const [[, cf]] = resourcesOf(json, "aws_cloudfront_distribution");
    expect(cf.origin[0].custom_header).toEqual([{ name: "X-Origin-Verify", value: "${var.origin_secret}" }]);
    expect(cf.origin[0].custom_origin_config).toMatchObject({
      origin_protocol_policy: "https-only",
      origin_ssl_protocols: ["TLSv1.2"],
    });
  });

  it("caches every configured static path and applies the WAF overrides from config", () => {
    const [[, cf]] = resourcesOf(json, "aws_cloudfront_distribution");
    expect(cf.ordered_cache_behavior.map((b: any) => b.path_pattern)).toEqual(["/static/*", "/assets/*"]);
    const [[, acl]] = resourcesOf(json, "aws_wafv2_web_acl");
    expect(JSON.stringify(acl.rule)).toContain("SizeRestrictions_BODY");
  });
});

describe("dev: a REGIONAL web ACL on the public ALB (alb-waf)", () => {
  it("associates the ACL with the ALB and creates no distribution and no us-east-1 provider", () => {
    const json = synthConfig(loadConfig("config/dev.yaml"));
    const [[aclName, acl]] = resourcesOf(json, "aws_wafv2_web_acl");
    expect(acl.scope).toBe("REGIONAL");
    expect(acl.provider).toBeUndefined();
    const [[albName]] = resourcesOf(json, "aws_lb");
    expect(resourcesOf(json, "aws_wafv2_web_acl_association")[0][1]).toMatchObject({
      web_acl_arn: ref("aws_wafv2_web_acl", aclName, "arn"),
      resource_arn: ref("aws_lb", albName, "arn"),
    });
    expect(resourcesOf(json, "aws_cloudfront_distribution")).toEqual([]);
    expect(json.provider.aws).toHaveLength(1);
  });
});

describe("bad edge config", () => {
  const base = `
account: "123456789012"
region: eu-west-1
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
service: { images: { tag: "1" } }
`;
  const errorsOf = (text: string) => {
    const result = parseEnvironment(text, "config/edge.yaml", "edge");
    return "errors" in result ? result.errors : [];
  };

  it.each([
    [
      "a CloudFront mode without a domain",
      `${base}loadBalancer: { allowHttpWithoutDomain: true }\nedge: { mode: cloudfront-public-alb }\n`,
      'config/edge.yaml: edge.mode: expected "alb-waf" or "none" without loadBalancer.domain (CloudFront needs a name and a certificate), got "cloudfront-public-alb"',
    ],
    [
      "no firewall in production",
      `production: true\n${base}loadBalancer: { domain: { name: a.example.com, hostedZoneId: Z0AB } }\nedge: { mode: none }\n`,
      'config/edge.yaml: edge.mode: expected a mode with a web application firewall in a production environment, got "none"',
    ],
    [
      "a region without a known prefix list",
      base.replace(/eu-west-1/g, "ap-east-1") +
        `loadBalancer: { domain: { name: a.example.com, hostedZoneId: Z0AB } }\nedge: { mode: cloudfront-public-alb }\n`,
      "config/edge.yaml: edge.originFacingPrefixListId: expected the id of com.amazonaws.global.cloudfront.origin-facing in ap-east-1 (not in the built-in table), got nothing",
    ],
    [
      "a rate limit below AWS's minimum",
      `${base}loadBalancer: { domain: { name: a.example.com, hostedZoneId: Z0AB } }\nedge: { waf: { rateLimit: { limit: 5 } } }\n`,
      "config/edge.yaml: edge.waf.rateLimit.limit: expected at least 10 requests per window (AWS WAF's minimum), got 5",
    ],
    [
      "rules over the WCU budget",
      `${base}loadBalancer: { domain: { name: a.example.com, hostedZoneId: Z0AB } }\nedge: { waf: { botControl: TARGETED, anonymousIpList: true, additionalRuleGroups: [AWSManagedRulesWindowsRuleSet] } }\n`,
      "config/edge.yaml: edge.waf: expected rules within 1,500 WCU",
    ],
    [
      "an unknown mode",
      `${base}loadBalancer: { domain: { name: a.example.com, hostedZoneId: Z0AB } }\nedge: { mode: cloudfront }\n`,
      'config/edge.yaml: edge.mode: expected one of "cloudfront-vpc-origin" | "cloudfront-public-alb" | "alb-waf" | "none", got "cloudfront"',
    ],
  ])("with %s gets a clear message", (_what, text, message) => {
    const errors = errorsOf(text);
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });
});
