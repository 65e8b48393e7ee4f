import { z } from "zod";
import { checkAlbIdleTimeout, NGINX_TIMEOUTS, STOP_TIMEOUT_SECONDS } from "../docker/contract";
import { ORIGIN_FACING_PREFIX_LISTS } from "../facts/cloudfront";
import { audit } from "./schema/audit";
import { type AddIssue, adder, region } from "./schema/common";
import { connectionChecks } from "./schema/connection-checks";
import { cost } from "./schema/cost";
import { CLOUDFRONT_MODES, edge } from "./schema/edge";
import { loadBalancer } from "./schema/load-balancer";
import { monitoring } from "./schema/monitoring";
import { network } from "./schema/network";
import { routingChecks } from "./schema/routing-checks";
import { services } from "./schema/services";
import { state } from "./schema/state";

/**
 * The contract for `config/<environment>.yaml`: every field, its type, range and default. Defaults
 * live here (and in ./schema/) and nowhere else; modules receive values that are complete and checked.
 */

const tagKey = z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
  message: "expected a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:",
});
const tagValue = z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, {
  message: "expected a tag value of at most 256 letters, digits, spaces or _.:/=+-@",
});

const environmentFields = z.strictObject({
  /** Short project name, the first part of every resource name. @default "fws" */
  project: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,9}$/, {
      message: "expected 2-10 lowercase letters and digits, starting with a letter",
    })
    .default("fws"),
  /** Marks a production environment: stricter checks and data that cannot be destroyed. @default false */
  production: z.boolean().default(false),
  /** The AWS account this environment deploys to; a plan against another account fails. */
  account: z
    .string({ error: "expected a 12-digit AWS account id in quotes" })
    .regex(/^\d{12}$/, { message: "expected a 12-digit AWS account id in quotes" }),
  /** The environment's region. */
  region,
  /** Tags added to every resource, beside project, environment and managed-by. @default {} */
  tags: z.record(tagKey, tagValue).default({}),
  state: state.prefault({}),
  network,
  loadBalancer: loadBalancer.prefault({}),
  /** The services behind the load balancer: name → section (README: "Services"). @default { site: {} } */
  services,
  monitoring: monitoring.prefault({}),
  edge: edge.prefault({}),
  audit: audit.prefault({}),
  cost: cost.prefault({}),
});

export const environmentSchema = environmentFields.superRefine(environmentChecks, {
  // Run even when unrelated fields are invalid, so that one pass reports every problem of a file.
  when: (payload) => payload.issues.every((issue) => !ENVIRONMENT_CHECK_INPUTS.has(String(issue.path?.[0]))),
});

export type ParsedEnvironment = z.output<typeof environmentSchema>;

/** The top-level fields environmentChecks reads: it runs once these are valid. */
const ENVIRONMENT_CHECK_INPUTS = new Set([
  "region",
  "production",
  "network",
  "loadBalancer",
  "services",
  "edge",
  "monitoring",
]);

/** Checks that span sections of the environment. */
function environmentChecks(env: z.output<typeof environmentFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  const zones = env.network.availabilityZones;
  zones.forEach((zone, i) => {
    if (!new RegExp(`^${env.region}[a-z]$`).test(zone)) {
      add(
        ["network", "availabilityZones", i],
        `expected an AZ of region ${env.region} (such as ${env.region}a), got "${zone}"`,
      );
    }
  });
  if (env.production && env.network.natGateways === "single") {
    add(
      ["network", "natGateways"],
      'expected "perAz" or "none" in a production environment (a single NAT gateway fails with its AZ), got "single"',
    );
  }
  for (const [name, svc] of Object.entries(env.services)) serviceInEnvironmentChecks(env, name, svc, add);
  if (CLOUDFRONT_MODES.includes(env.edge.mode) && !env.loadBalancer.domain) {
    add(
      ["edge", "mode"],
      `expected "alb-waf" or "none" without loadBalancer.domain (CloudFront needs a name and a certificate), got "${env.edge.mode}"`,
    );
  }
  if (
    env.edge.mode === "cloudfront-public-alb" &&
    !env.edge.originFacingPrefixListId &&
    !ORIGIN_FACING_PREFIX_LISTS[env.region]
  ) {
    add(
      ["edge", "originFacingPrefixListId"],
      `expected the id of com.amazonaws.global.cloudfront.origin-facing in ${env.region} (not in the built-in table), got nothing`,
    );
  }
  routingChecks(env, add);
  connectionChecks(env.services, add);
  const approval = Object.values(env.services).some(
    (s) => s.pipeline.enabled && (s.pipeline.manualApproval ?? env.production),
  );
  if (approval && env.monitoring.alarmTopicArn && !env.monitoring.alarmTopicKeyArn) {
    add(
      ["monitoring", "alarmTopicKeyArn"],
      'expected the KMS key ARN of monitoring.alarmTopicArn\'s topic (the pipeline publishes its manual-approval request there and must use the key), or "none" for a topic without a customer-managed key, got nothing',
    );
  }
  if (env.production) productionChecks(env, add);
}

type Environment = z.output<typeof environmentFields>;
type ServiceSection = Environment["services"][string];

/** What one service needs of the sections it shares: the load balancer, the network, the edge. */
function serviceInEnvironmentChecks(
  env: Environment,
  name: string,
  svc: ServiceSection,
  add: AddIssue,
): void {
  const at = (...path: (string | number)[]) => ["services", name, ...path];
  if (env.loadBalancer.deregistrationDelaySeconds >= svc.stopTimeoutSeconds) {
    add(
      ["loadBalancer", "deregistrationDelaySeconds"],
      `expected less than services.${name}.stopTimeoutSeconds (${svc.stopTimeoutSeconds}), so connections drain before containers stop; got ${env.loadBalancer.deregistrationDelaySeconds}`,
    );
  }
  if (svc.containers === "nginx-uwsgi") {
    const idle = checkAlbIdleTimeout(env.loadBalancer.idleTimeoutSeconds);
    if (idle)
      add(
        ["loadBalancer", "idleTimeoutSeconds"],
        `expected a timeout nginx agrees with: ${idle}; got ${env.loadBalancer.idleTimeoutSeconds}`,
      );
    if (svc.stopTimeoutSeconds < STOP_TIMEOUT_SECONDS) {
      add(
        at("stopTimeoutSeconds"),
        `expected at least ${STOP_TIMEOUT_SECONDS} (nginx and uwsgi stop gracefully within ${NGINX_TIMEOUTS.shutdownTimeoutSeconds} s), got ${svc.stopTimeoutSeconds}`,
      );
    }
  }
  if (svc.execEnabled && env.network.natGateways === "none") execChecks(env, at, add);
  if (svc.deployment.mode === "blueGreen") blueGreenChecks(env, svc, at, add);
  if (env.production) productionServiceChecks(svc, at, add);
}

/** Without NAT, ECS Exec's agent reaches Systems Manager only through the ssmmessages endpoint. */
function execChecks(env: Environment, at: (...p: string[]) => (string | number)[], add: AddIssue): void {
  if (!(env.network.endpoints.interface as readonly string[]).includes("ssmmessages")) {
    add(
      at("execEnabled"),
      'expected network.endpoints.interface to include "ssmmessages" (ECS Exec\'s channel) with natGateways "none", got it without',
    );
  }
}

/** Blue/green needs a pipeline to deploy, and an edge mode whose rules it has been planned with. */
function blueGreenChecks(
  env: Environment,
  svc: ServiceSection,
  at: (...p: string[]) => (string | number)[],
  add: AddIssue,
): void {
  if (!svc.pipeline.enabled) {
    add(
      at("deployment", "mode"),
      'expected "rolling" without a pipeline (under CodeDeploy only a deployment changes the running tasks), got "blueGreen"',
    );
  }
  if (env.edge.mode === "cloudfront-public-alb") {
    add(
      at("deployment", "mode"),
      'expected "rolling" with edge.mode cloudfront-public-alb (its rules also match the origin header; blue/green is not supported there), got "blueGreen"',
    );
  }
}

/** What each service of a production environment must hold. */
function productionServiceChecks(
  svc: ServiceSection,
  at: (...p: string[]) => (string | number)[],
  add: AddIssue,
): void {
  if (svc.desiredCount < 2) {
    add(
      at("desiredCount"),
      `expected at least 2 in a production environment (two AZs), got ${svc.desiredCount}`,
    );
  }
  if (svc.autoscaling.enabled && svc.autoscaling.minCount < 2) {
    add(
      at("autoscaling", "minCount"),
      `expected at least 2 in a production environment, got ${svc.autoscaling.minCount}`,
    );
  }
  if (svc.autoscaling.schedule) {
    add(
      at("autoscaling", "schedule"),
      "expected no scale-to-zero schedule in a production environment, got one",
    );
  }
}

/** What an environment marked production must hold beyond the general rules. */
function productionChecks(env: Environment, add: AddIssue): void {
  if (env.loadBalancer.allowHttpWithoutDomain) {
    add(
      ["loadBalancer", "allowHttpWithoutDomain"],
      "expected false in a production environment (HTTPS only), got true",
    );
  }
  if (!env.audit.cloudtrail.create && !env.audit.cloudtrail.existingTrailArn) {
    add(
      ["audit", "cloudtrail", "existingTrailArn"],
      "expected the organisation's trail ARN when a production environment creates no trail of its own, got nothing",
    );
  }
  if (env.edge.mode === "none") {
    add(
      ["edge", "mode"],
      'expected a mode with a web application firewall in a production environment, got "none"',
    );
  }
  if (env.loadBalancer.deletionProtection === false) {
    add(
      ["loadBalancer", "deletionProtection"],
      "expected true (or no field) in a production environment, got false",
    );
  }
}
