/**
 * How services share one load balancer: the listener rule each gets, derived from config in this one place
 * (the schema validates with it, the loader fills in the priorities, the stack builds the rules from them).
 */
import { createHash } from "node:crypto";

/** ALB quotas: condition values per rule (hosts, paths and header values together), rules per listener. */
export const ALB_LIMITS = {
  conditionValuesPerRule: 5,
  rulesPerListener: 100,
  minPriority: 1,
  maxPriority: 50000,
} as const;

/** The priority of the catch-all service's rule: after every other. */
export const CATCH_ALL_PRIORITY = ALB_LIMITS.maxPriority;

/**
 * Derived priorities: a band per kind of rule (hosts and paths, then paths only, then hosts only); in a band
 * with paths, a slot per length of the longest path (longer first); in the slot (or, hosts only, the
 * whole band: different hosts never overlap) a place from a hash of the service's name.
 */
const PRIORITY_BAND = 15000;
/** Path patterns are at most 128 characters: a slot for each length 0-128. */
const PATH_SLOTS = 129;
const SLOT_WIDTH = Math.floor(PRIORITY_BAND / PATH_SLOTS);

export interface RoutingInput {
  readonly name: string;
  readonly routing: { readonly hosts: string[]; readonly paths: string[]; readonly priority?: number };
}

/** A service with neither hosts nor paths: it takes every request no other rule takes. */
export const isCatchAll = (s: RoutingInput) => s.routing.hosts.length === 0 && s.routing.paths.length === 0;

/**
 * The priority a service's rule gets when config gives none, from its own name and routing only: adding,
 * removing or reordering other services never moves it. (Priorities derived from a rank among the services
 * did move, and an apply that shifts rule A onto rule B's priority, or creates a rule on one still in use,
 * fails with PriorityInUse.) Two services that land on one priority are refused by config; one then names
 * its priority.
 */
export function derivedPriority(s: RoutingInput): number {
  if (isCatchAll(s)) return CATCH_ALL_PRIORITY;
  const { hosts, paths } = s.routing;
  const hash = createHash("sha256").update(s.name).digest().readUInt32BE(0);
  if (paths.length === 0) return 2 * PRIORITY_BAND + 1 + (hash % (PRIORITY_BAND - 1));
  const band = hosts.length > 0 ? 0 : 1;
  const longest = Math.min(PATH_SLOTS - 1, Math.max(...paths.map((p) => p.length)));
  const slot = PATH_SLOTS - 1 - longest;
  return band * PRIORITY_BAND + slot * SLOT_WIDTH + 1 + (hash % (SLOT_WIDTH - 1));
}

/** Each service's rule priority: its explicit one, else derived from its own name and routing. */
export function rulePriorities(services: readonly RoutingInput[]): Map<string, number> {
  return new Map(services.map((s) => [s.name, s.routing.priority ?? derivedPriority(s)]));
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
