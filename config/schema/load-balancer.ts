import { z } from "zod";
import { adder } from "./common";

/** TLS policies that allow only TLS 1.2 and 1.3 with forward-secret ciphers. */
export const TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
] as const;

/** A lowercase DNS name, as a certificate, a record and a Host condition take it. */
export const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "expected a lowercase DNS name such as app.example.com",
  });

const domain = z.strictObject({
  /** The service's DNS name, e.g. app.example.com; the certificate covers exactly this name. */
  name: hostname,
  /** Existing public Route 53 hosted zone the name lives in (validation and alias records go there). */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, {
    message: "expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
  }),
});

const healthCheck = z.strictObject({
  /** Seconds between checks. @default 15 */
  intervalSeconds: z.number().int().min(5).max(300).default(15),
  /** Seconds without answer before a check fails. @default 5 */
  timeoutSeconds: z.number().int().min(2).max(120).default(5),
  /** Successes before a target is healthy. @default 2 */
  healthyThreshold: z.number().int().min(2).max(10).default(2),
  /** Failures before a target is unhealthy. @default 3 */
  unhealthyThreshold: z.number().int().min(2).max(10).default(3),
});

const loadBalancerFields = z.strictObject({
  /** DNS name and hosted zone; without it the environment runs HTTP only, if allowHttpWithoutDomain says so. */
  domain: domain.optional(),
  /** Explicit consent to a plain-HTTP environment without a domain (refused in production). @default false */
  allowHttpWithoutDomain: z.boolean().default(false),
  /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  sslPolicy: z.enum(TLS_POLICIES).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
  /** Seconds an idle connection stays open; nginx's keep-alive must outlast it. @default 60 */
  idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60),
  /** Keep the ALB from being deleted. @default true in production, false elsewhere */
  deletionProtection: z.boolean().optional(),
  /** HTTP desync mitigation. @default "defensive" */
  desyncMitigationMode: z.enum(["defensive", "strictest"]).default("defensive"),
  /** Days access and connection logs are kept. @default 90 */
  logRetentionDays: z.number().int().min(1).max(3650).default(90),
  /** Seconds a deregistering target keeps its connections; shorter than the containers' stop timeout. @default 30 */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  healthCheck: healthCheck.prefault({}),
});

function loadBalancerChecks(lb: z.output<typeof loadBalancerFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  if (!lb.domain && !lb.allowHttpWithoutDomain) {
    add(
      ["domain"],
      "expected a domain (name and hostedZoneId) for HTTPS, or allowHttpWithoutDomain: true for an HTTP-only environment, got nothing",
    );
  }
  if (lb.domain && lb.allowHttpWithoutDomain) {
    add(["allowHttpWithoutDomain"], "expected false (or no field) when a domain is given, got true");
  }
  if (lb.healthCheck.timeoutSeconds >= lb.healthCheck.intervalSeconds) {
    add(
      ["healthCheck", "timeoutSeconds"],
      `expected less than healthCheck.intervalSeconds (${lb.healthCheck.intervalSeconds}), got ${lb.healthCheck.timeoutSeconds}`,
    );
  }
}

export const loadBalancer = loadBalancerFields.superRefine(loadBalancerChecks);
