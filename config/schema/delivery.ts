import { z } from "zod";
import { adder, cidrBlock, port, retentionDays } from "./common";

/** CodeDeploy's predefined ECS traffic-shifting configurations. */
export const PREDEFINED_SHIFTS = [
  "CodeDeployDefault.ECSAllAtOnce",
  "CodeDeployDefault.ECSCanary10Percent5Minutes",
  "CodeDeployDefault.ECSCanary10Percent15Minutes",
  "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
  "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
] as const;

const customShift = z.strictObject({
  /** Canary: one step of `percent`, then the rest; linear: equal steps of `percent`. */
  type: z.enum(["canary", "linear"]),
  /** Share of traffic per step, percent. */
  percent: z.number().int().min(1).max(99),
  /** Minutes between steps. */
  intervalMinutes: z.number().int().min(1).max(2880),
});

const blueGreen = z.strictObject({
  /** How traffic moves to the new tasks: a predefined configuration or a custom one. @default "CodeDeployDefault.ECSCanary10Percent5Minutes" */
  trafficShift: z
    .union([z.enum(PREDEFINED_SHIFTS), customShift])
    .default("CodeDeployDefault.ECSCanary10Percent5Minutes"),
  /** Minutes the old (blue) tasks keep running after the shift, for a quick rollback. @default 15 */
  terminationWaitMinutes: z.number().int().min(0).max(2880).default(15),
  /** Port of the test listener, on which the new tasks answer before they get traffic. @default 8443 */
  testListenerPort: port.default(8443),
  /** Who may reach the test listener (never the internet). @default [] (nobody: only CodeDeploy's hooks) */
  testListenerCidrs: z.array(cidrBlock).default([]),
  /**
   * The group the service's listener rules forward to when they are created; afterwards CodeDeploy moves them
   * and Terraform leaves their action alone. `green` only when upgrading a deployed one-service environment
   * whose production listener forwards to the green group (README: "Upgrading a one-service environment").
   * @default "blue"
   */
  liveTargetGroup: z.enum(["blue", "green"]).default("blue"),
});

export const deployment = z.strictObject({
  /** `rolling`: ECS replaces tasks (circuit breaker, rollback alarms); `blueGreen`: CodeDeploy shifts traffic. @default "rolling" */
  mode: z.enum(["rolling", "blueGreen"]).default("rolling"),
  blueGreen: blueGreen.prefault({}),
});

const pipelineFields = z.strictObject({
  /** Build and deploy from the repository on every push; Terraform then leaves the images to the pipeline. @default false */
  enabled: z.boolean().default(false),
  /** `owner/name` of the GitHub repository. */
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, { message: "expected owner/name of a GitHub repository" })
    .optional(),
  /** Branch that deploys. @default "main" */
  branch: z.string().min(1).max(255).default("main"),
  /** An existing CodeConnections connection; otherwise the stack creates one (approve it once in the console). */
  connectionArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/, {
      message: "expected a CodeConnections connection ARN",
    })
    .optional(),
  /**
   * Use the connection the named service's pipeline creates (one connection, one approval, for both).
   * @default none (this pipeline creates its own, or uses connectionArn)
   */
  connectionFrom: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, { message: "expected the name of another service" })
    .optional(),
  /** Paths whose change starts the pipeline (a docs-only change does not deploy). @default ["docker/**", "test/docker/**", "package-lock.json"] */
  filePaths: z.array(z.string().min(1)).min(1).default(["docker/**", "test/docker/**", "package-lock.json"]),
  /** QUEUED runs every push in turn; SUPERSEDED lets a newer push overtake a waiting one. @default "SUPERSEDED" */
  executionMode: z.enum(["QUEUED", "SUPERSEDED"]).default("SUPERSEDED"),
  /** A person approves before the deploy stage. @default true in production, false elsewhere */
  manualApproval: z.boolean().optional(),
  /** Where builds pull public base images: an ECR pull-through cache of Docker Hub (needs its credentials secret) or ECR Public. @default "ecr-public" */
  baseImageSource: z.enum(["ecr-public", "pull-through-cache"]).default("ecr-public"),
  /** Secrets Manager ARN of Docker Hub credentials (name must start with ecr-pullthroughcache/), for the pull-through cache. */
  dockerHubCredentialsArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/.+$/, {
      message: "expected a Secrets Manager ARN whose name starts with ecr-pullthroughcache/",
    })
    .optional(),
  /** Days build logs are kept. @default 30 */
  logRetentionDays: retentionDays.default(30),
  /** Days pipeline artifacts are kept. @default 30 */
  artifactRetentionDays: z.number().int().min(1).max(3650).default(30),
});

function pipelineChecks(p: z.output<typeof pipelineFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  if (p.enabled && !p.repository) {
    add(
      ["repository"],
      "expected owner/name of the repository to build when the pipeline is enabled, got nothing",
    );
  }
  if (p.connectionArn && p.connectionFrom) {
    add(["connectionFrom"], "expected connectionArn or connectionFrom, not both, got both");
  }
  if (p.baseImageSource === "pull-through-cache" && !p.dockerHubCredentialsArn) {
    add(
      ["dockerHubCredentialsArn"],
      "expected the Docker Hub credentials secret for a pull-through cache, got nothing",
    );
  }
}

export const pipeline = pipelineFields.superRefine(pipelineChecks);
