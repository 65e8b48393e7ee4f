import type { Body, Resource, Stack } from "../lib/stack-json";
import { portLabel } from "./labels";
import type { Diagram } from "./model";
import { VPC_CLUSTER } from "./network-view";

export const CLIENTS = "clients";
export const EDGE_CLUSTER = "edge";

/** The request path: clients → Route 53 → CloudFront/WAF → ALB → target groups (the service continues it). */
export function addRequestPath(d: Diagram, stack: Stack): void {
  d.node(CLIENTS, "actor", ["clients", "internet"]);
  for (const alb of stack.all("aws_lb")) addLoadBalancer(d, stack, alb);
  for (const distribution of stack.all("aws_cloudfront_distribution"))
    addDistribution(d, stack, distribution);
  addWebAcls(d, stack);
  addAliases(d, stack);
  if (!d.edges.some((e) => e.from === CLIENTS)) {
    for (const alb of stack.all("aws_lb").filter((a) => !a.body.internal)) {
      const ports = stack.referencing(alb, "aws_lb_listener").map((l) => portLabel(l.body));
      d.edge(CLIENTS, alb.address, "request", ports.join(", "));
    }
  }
}

function addLoadBalancer(d: Diagram, stack: Stack, alb: Resource): void {
  const b = alb.body;
  const listeners = stack.referencing(alb, "aws_lb_listener");
  const redirects = listeners.filter((l) => l.body.default_action?.[0]?.type === "redirect");
  const lines = [
    `ALB ${b.name}`,
    `${b.internal ? "internal, private subnets" : "internet-facing, public subnets"}`,
    ...redirects.map((l) => `${portLabel(l.body)} → 301 ${l.body.default_action[0].redirect.protocol}`),
  ];
  const tls = listeners.find((l) => l.body.ssl_policy)?.body.ssl_policy;
  if (tls) lines.push(String(tls));
  d.node(alb.address, "balancer", lines, VPC_CLUSTER);
  for (const subnet of stack.referenced(b.subnets, "aws_subnet"))
    d.edge(alb.address, subnet.address, "placement", "ENI");
  for (const group of stack.all("aws_lb_target_group")) {
    const tg = group.body;
    d.node(
      group.address,
      "target",
      [`target group ${tg.name}`, `${portLabel(tg)} to IP targets`, `health ${tg.health_check?.path ?? ""}`],
      VPC_CLUSTER,
    );
  }
  for (const listener of listeners) {
    for (const group of stack.referenced(listener.body.default_action, "aws_lb_target_group")) {
      d.edge(
        alb.address,
        group.address,
        "request",
        `${portLabel(listener.body)}${listenerRole(listener.body)}`,
      );
    }
    for (const rule of stack.referencing(listener, "aws_lb_listener_rule")) {
      for (const group of stack.referenced(rule.body.action, "aws_lb_target_group")) {
        d.edge(
          alb.address,
          group.address,
          "request",
          `${portLabel(listener.body)}${listenerRole(listener.body)} ${conditionLabel(rule.body)}`,
        );
      }
    }
  }
}

/** A listener other than 443 is the blue/green test listener. */
function listenerRole(listener: Body): string {
  return listener.port === 443 || listener.port === 80 ? "" : " (test)";
}

/** What a service's rule matches: its hosts, its paths, and the header every request must carry. */
function conditionLabel(rule: Body): string {
  const conditions: Body[] = rule.condition ?? [];
  const values = (key: string) => conditions.flatMap((c) => c[key]?.values ?? []);
  const header = conditions.find((c) => c.http_header)?.http_header;
  return [
    ...values("host_header"),
    ...values("path_pattern"),
    ...(header ? [`+ header ${header.http_header_name}`] : []),
  ].join(" ");
}

function addDistribution(d: Diagram, stack: Stack, distribution: Resource): void {
  const b = distribution.body;
  d.cluster(EDGE_CLUSTER, "edge (global, us-east-1)");
  const paths = (b.ordered_cache_behavior ?? []).map((c: Body) => c.path_pattern);
  d.node(
    distribution.address,
    "edge",
    [
      `CloudFront ${(b.aliases ?? []).join(", ")}`,
      `${b.http_version}, ${b.viewer_certificate?.minimum_protocol_version}, ${b.price_class}`,
      ...(paths.length > 0 ? [`cached: ${paths.join(" ")}`] : []),
    ],
    EDGE_CLUSTER,
  );
  for (const origin of b.origin ?? []) {
    const [vpcOrigin] = stack.referenced(origin.vpc_origin_config, "aws_cloudfront_vpc_origin");
    if (vpcOrigin) {
      const endpoint = vpcOrigin.body.vpc_origin_endpoint_config?.[0] ?? {};
      d.node(
        vpcOrigin.address,
        "edge",
        ["CloudFront VPC origin", `${endpoint.origin_protocol_policy}, no public path`],
        EDGE_CLUSTER,
      );
      d.edge(distribution.address, vpcOrigin.address, "request", "origin");
      for (const alb of stack.referenced(endpoint.arn, "aws_lb"))
        d.edge(vpcOrigin.address, alb.address, "request", `HTTPS :${endpoint.https_port}`);
      continue;
    }
    const record = stack.named("aws_route53_record", origin.domain_name);
    const secret = (origin.custom_header ?? []).map((h: Body) => h.name).join(", ");
    for (const alb of stack.referenced(record?.body.alias, "aws_lb")) {
      const port = origin.custom_origin_config?.https_port ?? 443;
      d.edge(
        distribution.address,
        alb.address,
        "request",
        `HTTPS :${port} to ${origin.domain_name}${secret ? ` + ${secret}` : ""}`,
      );
    }
  }
}

/** A web ACL inspects what it is attached to: a distribution (web_acl_id) or an ALB (association). */
function addWebAcls(d: Diagram, stack: Stack): void {
  for (const acl of stack.all("aws_wafv2_web_acl")) {
    const rules = acl.body.rule ?? [];
    const cluster = acl.body.scope === "CLOUDFRONT" ? EDGE_CLUSTER : undefined;
    d.node(
      acl.address,
      "firewall",
      [`WAF web ACL ${acl.body.name}`, `${acl.body.scope}, ${rules.length} rules`],
      cluster,
    );
    for (const distribution of stack.referencing(acl, "aws_cloudfront_distribution"))
      d.edge(acl.address, distribution.address, "control", "inspects");
    for (const association of stack.referencing(acl, "aws_wafv2_web_acl_association")) {
      for (const alb of stack.referenced(association.body.resource_arn, "aws_lb"))
        d.edge(acl.address, alb.address, "control", "inspects");
    }
  }
}

/** Alias records, A and AAAA of one name drawn once; clients resolve the names that face them. */
function addAliases(d: Diagram, stack: Stack): void {
  const aliases = stack.all("aws_route53_record").filter((r) => r.body.alias);
  const entry =
    stack.all("aws_cloudfront_distribution").length > 0 ? "aws_cloudfront_distribution" : "aws_lb";
  const byName = new Map<string, Resource[]>();
  for (const record of aliases)
    byName.set(record.body.name, [...(byName.get(record.body.name) ?? []), record]);
  for (const [name, records] of byName) {
    const first = records[0];
    const types = records.map((r) => r.body.type).join(", ");
    d.node(first.address, "dns", [`Route 53 ${name}`, `${types} alias`], edgeClusterIfAny(d));
    for (const target of stack.referenced(first.body.alias)) {
      d.edge(first.address, target.address, "request", "alias");
      if (target.type === entry) d.edge(CLIENTS, first.address, "request", `https://${name}`);
    }
  }
}

/** Route 53 sits with CloudFront when there is an edge; beside the VPC otherwise. */
function edgeClusterIfAny(d: Diagram): string | undefined {
  return d.clusters.has(EDGE_CLUSTER) ? EDGE_CLUSTER : undefined;
}
