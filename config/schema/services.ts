import { z } from "zod";
import { deployment, pipeline } from "./delivery";
import { hostname } from "./load-balancer";
import { DEFAULT_SERVICE_NAME, serviceChecks, serviceFields, serviceName } from "./service";

/** ALB path patterns: case-sensitive, `*` and `?` wildcards, at most 128 characters. */
const pathPattern = z
  .string()
  .max(128)
  .regex(/^\/[A-Za-z0-9_\-.$/~"'@:+&*?]*$/, {
    message: "expected an absolute path pattern such as /api/* (letters, digits, _-.$/~\"'@:+&, * and ?)",
  });

/** Which requests reach a service: its listener rule's conditions, priority and health check. */
export const routing = z.strictObject({
  /**
   * Host names (the Host header) the service answers; each is a name on the certificate and a DNS record in
   * loadBalancer.domain's hosted zone. @default [] (any host)
   */
  hosts: z.array(hostname).default([]),
  /** Path patterns (ALB syntax: `*`, `?`; case-sensitive), e.g. `/api/*`. @default [] (every path) */
  paths: z.array(pathPattern).default([]),
  /**
   * Listener rule priority, 1-50000, lower wins. @default derived: host and path first, then path only, then
   * host only, longer paths first, then by name (config/routing.ts); a catch-all last (50000)
   */
  priority: z.number().int().min(1).max(50000).optional(),
  /** Path the target group's health check requests. @default the front container's health path */
  healthPath: z
    .string()
    .regex(/^\/[\w./-]*$/, { message: "expected an absolute URL path" })
    .optional(),
});

/** One entry of `services`: the service's section plus its routing, deployment and pipeline. */
export const serviceEntry = serviceFields
  .extend({
    routing: routing.prefault({}),
    deployment: deployment.prefault({}),
    pipeline: pipeline.prefault({}),
  })
  .superRefine(serviceChecks);

/** `services:` — service name → its section. @default { site: {} } */
export const services = z
  .record(serviceName, serviceEntry)
  .refine((s) => Object.keys(s).length > 0, { message: "expected at least one service" })
  .prefault({ [DEFAULT_SERVICE_NAME]: {} });

/** The top-level keys of the one-service form, which `services:` replaces. */
export const ONE_SERVICE_KEYS = ["service", "deployment", "pipeline"] as const;

/**
 * The one-service form (`service:`, `deployment:`, `pipeline:` at the top) as a one-entry `services` map,
 * keyed by `service.name` (default "site"). Returns the data unchanged when it has none of those keys, and
 * the name used when it had them (so that messages can name the fields the file wrote).
 */
export function oneServiceAsMap(data: unknown): { data: unknown; oneService?: string } {
  if (!isMapping(data)) return { data };
  const present = ONE_SERVICE_KEYS.filter((k) => k in data);
  if (present.length === 0 || "services" in data) return { data };
  const { service, deployment, pipeline, ...rest } = data;
  // A section that is not a mapping is passed on as it is, for the schema to say so.
  if (service !== undefined && !isMapping(service))
    return {
      data: { ...rest, services: { [DEFAULT_SERVICE_NAME]: service } },
      oneService: DEFAULT_SERVICE_NAME,
    };
  const { name, ...section } = service ?? {};
  const key = typeof name === "string" ? name : DEFAULT_SERVICE_NAME;
  const entry = {
    ...section,
    ...(deployment === undefined ? {} : { deployment }),
    ...(pipeline === undefined ? {} : { pipeline }),
  };
  return { data: { ...rest, services: { [key]: entry } }, oneService: key };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A message's field path in the words of the one-service form: `services.<name>.deployment.x` is
 * `deployment.x`, `services.<name>.pipeline.x` is `pipeline.x`, any other `services.<name>.x` is `service.x`.
 */
export function asOneServicePath(text: string, name: string): string {
  const at = `services.${name}.`;
  return text
    .replaceAll(`${at}deployment.`, "deployment.")
    .replaceAll(`${at}pipeline.`, "pipeline.")
    .replaceAll(`${at}deployment:`, "deployment:")
    .replaceAll(`${at}pipeline:`, "pipeline:")
    .replaceAll(at, "service.")
    .replaceAll(`services.${name}:`, "service.name:");
}
