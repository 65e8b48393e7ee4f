import { ACM_LIMITS } from "../../facts/acm";
import { ALB_LIMITS, conditionValues, isCatchAll, routeClaims, rulePriorities } from "../routing";
import type { AddIssue } from "./common";
import { CLOUDFRONT_MODES } from "./edge";

/** The parts of an environment the routing checks read. */
interface RoutedEnvironment {
  readonly loadBalancer: { readonly domain?: { readonly name: string } };
  readonly edge: { readonly mode: string; readonly originSubdomain: string };
  readonly services: Readonly<
    Record<
      string,
      {
        readonly routing: { readonly hosts: string[]; readonly paths: string[]; readonly priority?: number };
        readonly deployment: {
          readonly mode: string;
          readonly blueGreen: { readonly testListenerPort: number; readonly testListenerCidrs: string[] };
        };
      }
    >
  >;
}

/**
 * Several services on one load balancer: each rule within the ALB's limits, no route claimed twice, one
 * catch-all at most, unique priorities, hosts only with a domain, one test listener for every blue/green.
 */
export function routingChecks(env: RoutedEnvironment, add: AddIssue): void {
  const entries = Object.entries(env.services).map(([name, s]) => ({ name, ...s }));
  const at = (name: string, ...path: (string | number)[]) => ["services", name, ...path];
  if (entries.length > ALB_LIMITS.rulesPerListener) {
    add(
      ["services"],
      `expected at most ${ALB_LIMITS.rulesPerListener} services (one listener rule each, an ALB listener holds ${ALB_LIMITS.rulesPerListener}), got ${entries.length}`,
    );
  }
  // In cloudfront-public-alb mode every rule also matches the origin header: two values (one during rotation).
  const headerValues = env.edge.mode === "cloudfront-public-alb" ? 2 : 0;
  const catchAll: string[] = [];
  const claimed = new Map<string, string>();
  for (const s of entries) {
    if (isCatchAll(s)) catchAll.push(s.name);
    const values = conditionValues(s, headerValues);
    if (values > ALB_LIMITS.conditionValuesPerRule) {
      add(
        at(s.name, "routing"),
        `expected at most ${ALB_LIMITS.conditionValuesPerRule} condition values per listener rule (hosts and paths together${headerValues ? `, plus the origin header's ${headerValues}` : ""}), got ${values}`,
      );
    }
    if (s.routing.hosts.length > 0 && !env.loadBalancer.domain) {
      add(
        at(s.name, "routing", "hosts"),
        "expected no hosts without loadBalancer.domain (each host is a name on its certificate and a record in its zone), got hosts",
      );
    }
    for (const claim of routeClaims(s)) {
      const owner = claimed.get(claim);
      if (owner) {
        add(
          at(s.name, "routing"),
          `expected routes no other service claims, got "${claim}" (also services.${owner}.routing)`,
        );
      } else claimed.set(claim, s.name);
    }
  }
  for (const name of catchAll.slice(1)) {
    add(
      at(name, "routing"),
      `expected hosts or paths (only one service may take every request), got neither (services.${catchAll[0]} takes every request already)`,
    );
  }
  const byPriority = new Map<number, string>();
  for (const [name, priority] of rulePriorities(entries)) {
    const other = byPriority.get(priority);
    if (other) {
      const derived = env.services[name].routing.priority === undefined;
      add(
        at(name, "routing", "priority"),
        `expected a listener rule priority no other service has, got ${priority} (also services.${other})${derived ? "; it was derived from the service's name and routing: give routing.priority" : ""}`,
      );
    } else byPriority.set(priority, name);
  }
  testListenerChecks(entries, add);
  certificateNameChecks(env, add);
}

/**
 * Every host of every service is a name on the load balancer's certificate (and CloudFront's), beside the
 * domain and, behind CloudFront, the origin name: ACM refuses more names than its quota on the first apply.
 */
function certificateNameChecks(env: RoutedEnvironment, add: AddIssue): void {
  const domain = env.loadBalancer.domain?.name;
  if (!domain) return;
  const origin = (CLOUDFRONT_MODES as readonly string[]).includes(env.edge.mode)
    ? [`${env.edge.originSubdomain}.${domain}`]
    : [];
  const hosts = Object.values(env.services).flatMap((s) => s.routing.hosts);
  const names = new Set([domain, ...origin, ...hosts]);
  if (names.size > ACM_LIMITS.namesPerCertificate) {
    add(
      ["services"],
      `expected at most ${ACM_LIMITS.namesPerCertificate} names on the load balancer's certificate (ACM's default quota: loadBalancer.domain.name${origin.length ? ", the CloudFront origin name" : ""} and every service's routing.hosts together), got ${names.size}`,
    );
  }
}

/** Every blue/green service's test rules are on the one test listener: one port, one list of clients. */
function testListenerChecks(
  entries: readonly ({ name: string } & RoutedEnvironment["services"][string])[],
  add: AddIssue,
): void {
  const blueGreen = entries.filter((s) => s.deployment.mode === "blueGreen");
  const [first, ...others] = blueGreen;
  for (const s of others) {
    const a = first.deployment.blueGreen;
    const b = s.deployment.blueGreen;
    if (
      a.testListenerPort !== b.testListenerPort ||
      a.testListenerCidrs.join() !== b.testListenerCidrs.join()
    ) {
      add(
        ["services", s.name, "deployment", "blueGreen"],
        `expected testListenerPort ${a.testListenerPort} and testListenerCidrs [${a.testListenerCidrs.join(", ")}] like services.${first.name} (blue/green services share one test listener), got ${b.testListenerPort} and [${b.testListenerCidrs.join(", ")}]`,
      );
    }
  }
}
