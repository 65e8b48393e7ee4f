/**
 * How services share one load balancer: the listener rule each gets, derived from config in this one place
 * (the schema validates with it, the loader fills in the priorities, the stack builds the rules from them).
 */

/** ALB quotas: condition values per rule (hosts, paths and header values together), rules per listener. */
export const ALB_LIMITS = {
  conditionValuesPerRule: 5,
  rulesPerListener: 100,
  minPriority: 1,
  maxPriority: 50000,
} as const;

/** The priority of the catch-all service's rule: after every other. */
export const CATCH_ALL_PRIORITY = ALB_LIMITS.maxPriority;
/** Derived priorities step by this, leaving room for explicit ones in between. */
const PRIORITY_STEP = 100;

export interface RoutingInput {
  readonly name: string;
  readonly routing: { readonly hosts: string[]; readonly paths: string[]; readonly priority?: number };
}

/** A service with neither hosts nor paths: it takes every request no other rule takes. */
export const isCatchAll = (s: RoutingInput) => s.routing.hosts.length === 0 && s.routing.paths.length === 0;

/** Hosts and paths first, then paths only, then hosts only; a longer path first; then by name. */
function specificity(a: RoutingInput, b: RoutingInput): number {
  const rank = (s: RoutingInput) =>
    (s.routing.hosts.length > 0 ? 1 : 0) + (s.routing.paths.length > 0 ? 2 : 0);
  const longest = (s: RoutingInput) => Math.max(0, ...s.routing.paths.map((p) => p.length));
  return rank(b) - rank(a) || longest(b) - longest(a) || a.name.localeCompare(b.name);
}

/**
 * Each service's rule priority: its explicit one, else 100, 200, … in order of specificity, and the
 * catch-all 50000. Stable: it depends on the services' routing, not on their order in the file.
 */
export function rulePriorities(services: readonly RoutingInput[]): Map<string, number> {
  const result = new Map<string, number>();
  const derived = services.filter((s) => s.routing.priority === undefined && !isCatchAll(s));
  for (const [i, s] of [...derived].sort(specificity).entries()) result.set(s.name, (i + 1) * PRIORITY_STEP);
  for (const s of services) {
    if (s.routing.priority !== undefined) result.set(s.name, s.routing.priority);
    else if (isCatchAll(s)) result.set(s.name, CATCH_ALL_PRIORITY);
  }
  return result;
}

/** The (host, path) pairs a service claims; `*` stands for any host, `/*` for every path. */
export function routeClaims(s: RoutingInput): string[] {
  const hosts = s.routing.hosts.length > 0 ? s.routing.hosts : ["*"];
  const paths = s.routing.paths.length > 0 ? s.routing.paths : ["/*"];
  return hosts.flatMap((h) => paths.map((p) => `${h}${p}`));
}

/** Condition values of a service's rule: its hosts and paths, plus the origin header's values when there are. */
export function conditionValues(s: RoutingInput, headerValues: number): number {
  return s.routing.hosts.length + s.routing.paths.length + headerValues;
}
