import { z } from "zod";
import { NODE } from "../../docker/contract";
import { type AddIssue, adder, retentionDays } from "./common";

/** Fargate's CPU units and the memory (MiB) each allows. */
export const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number }> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Every CPU size with the memory it allows, for error messages: `256 CPU: 512-2048 MiB by 512; …`. */
function fargatePairs(): string {
  return Object.entries(FARGATE_MEMORY)
    .map(([cpu, m]) => `${cpu} CPU: ${m.min}-${m.max} MiB by ${m.step}`)
    .join("; ");
}

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected an environment variable name" });
const imageUri = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]{1,128}|@sha256:[a-f0-9]{64})$/, {
    message:
      "expected an image reference with a tag or digest, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
  });
const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)$/,
    {
      message: "expected the ARN of an SSM parameter or a Secrets Manager secret",
    },
  );
const kmsKeyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, {
  message: "expected a KMS key ARN",
});
/**
 * A secret: its ARN alone when it is encrypted with the AWS managed key (aws/ssm or aws/secretsmanager,
 * which ECS may use without a grant), or its ARN and the customer managed key it is encrypted with, which
 * the execution role then may decrypt with. Parsed into the object form.
 */
const secret = z
  .union([secretArn, z.strictObject({ arn: secretArn, kmsKeyArn })], {
    error: (issue) =>
      typeof issue.input === "string"
        ? "expected the ARN of an SSM parameter or a Secrets Manager secret"
        : "expected a secret ARN, or { arn, kmsKeyArn } for a secret under a customer managed key",
  })
  .transform((v): { arn: string; kmsKeyArn?: string } => (typeof v === "string" ? { arn: v } : v));

const cron = z.string().regex(/^cron\(.+\)$/, {
  message: "expected an Application Auto Scaling cron expression such as cron(0 20 ? * MON-FRI *)",
});

const taskRoleStatement = z.strictObject({
  /** Statement id. */
  sid: z.string().regex(/^[A-Za-z0-9]{1,100}$/, { message: "expected an alphanumeric statement id" }),
  /** Actions, each `service:Action`; no wildcards. */
  actions: z
    .array(
      z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, { message: "expected service:Action with no wildcard" }),
    )
    .min(1),
  /** Resource ARNs the actions apply to; no "*". */
  resources: z.array(z.string().regex(/^arn:/, { message: 'expected an ARN (no "*")' })).min(1),
});

const single = z.strictObject({
  /** Port the app listens on (≥ 1024: a non-root server's port); passed to it as PORT. @default 3000 (docker/node) */
  port: z
    .number()
    .int()
    .min(1024)
    .max(65535)
    .default(NODE.port ?? 3000),
  /** HTTP path the load balancer checks. @default "/health" (docker/node) */
  healthPath: z
    .string()
    .regex(/^\/[\w./-]*$/, { message: "expected an absolute URL path" })
    .default(NODE.healthPath ?? "/health"),
  /**
   * The container's ECS health check, for an image that brings its own (`["CMD", ...]` or
   * `["CMD-SHELL", "..."]`). @default a `node` request to `http://127.0.0.1:<port><healthPath>` (docker/node;
   * any image with Node 18 or later)
   */
  healthCheckCommand: z
    .array(z.string().min(1))
    .min(2, { message: 'expected ["CMD", program, ...arguments] or ["CMD-SHELL", "command"]' })
    .refine((c) => c[0] === "CMD" || (c[0] === "CMD-SHELL" && c.length === 2), {
      message: 'expected ["CMD", program, ...arguments] or ["CMD-SHELL", "command"]',
    })
    .optional(),
});

const autoscaling = z.strictObject({
  /** Let Application Auto Scaling own the task count. @default true */
  enabled: z.boolean().default(true),
  /** Fewest tasks. @default 2 */
  minCount: z.number().int().min(0).max(1000).default(2),
  /** Most tasks. @default 6 */
  maxCount: z.number().int().min(1).max(1000).default(6),
  /** Average CPU utilization to hold, percent. @default 60 */
  cpuTargetPercent: z.number().min(10).max(90).default(60),
  /** Average memory utilization to hold, percent. @default 75 */
  memoryTargetPercent: z.number().min(10).max(90).default(75),
  /** ALB requests per target per minute to hold. @default 1000 */
  requestsPerTarget: z.number().int().min(1).max(1_000_000).default(1000),
  /** Seconds after a scale-in before the next. @default 300 */
  scaleInCooldownSeconds: z.number().int().min(0).max(3600).default(300),
  /** Seconds after a scale-out before the next. @default 60 */
  scaleOutCooldownSeconds: z.number().int().min(0).max(3600).default(60),
  /** Scale to zero at night (not in production). @default none */
  schedule: z
    .strictObject({
      /** When to stop every task. */
      stopAt: cron,
      /** When to return to minCount..maxCount. */
      startAt: cron,
      /** IANA time zone of both expressions. @default "UTC" */
      timezone: z.string().min(1).default("UTC"),
    })
    .optional(),
});

/** A service's name: unique in the environment, part of every name of its resources. */
export const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, {
  message: "expected 2-16 lowercase letters, digits or hyphens",
});

/** The one-service form's `service.name`, and the name a `services` entry takes from its key. */
export const DEFAULT_SERVICE_NAME = "site";

/** A service's own section: what runs, how it scales, its images, secrets and logs (its name is its key). */
export const serviceFields = z.strictObject({
  /** `nginx-uwsgi`: nginx in front of uwsgi; `single`: one app image on a port. @default "nginx-uwsgi" */
  containers: z.enum(["nginx-uwsgi", "single"]).default("nginx-uwsgi"),
  /** Port and health path of the single app container. */
  single: single.prefault({}),
  /** Task CPU units. @default 512 */
  cpu: z
    .union(
      [256, 512, 1024, 2048, 4096, 8192, 16384].map((n) => z.literal(n)),
      { error: () => `expected Fargate CPU units with their memory (${fargatePairs()})` },
    )
    .default(512),
  /** Task memory, MiB, within what the CPU allows. @default 1024 */
  memory: z.number().int().default(1024),
  /** CPU architecture of the images. @default "X86_64" */
  cpuArchitecture: z.enum(["X86_64", "ARM64"]).default("X86_64"),
  /** Tasks to run (autoscaling moves it between its bounds). @default 2 */
  desiredCount: z.number().int().min(0).max(1000).default(2),
  /** Lowest share of desired tasks kept running during a deployment, percent. @default 100 */
  minimumHealthyPercent: z.number().int().min(0).max(100).default(100),
  /** Highest share of desired tasks during a deployment, percent. @default 200 */
  maximumPercent: z.number().int().min(100).max(200).default(200),
  /** Seconds ALB health checks are ignored after a task starts. @default 60 */
  healthCheckGracePeriodSeconds: z.number().int().min(0).max(2_147_483_647).default(60),
  /** Seconds a container gets between SIGTERM and SIGKILL (Fargate allows 120). @default 45 */
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(45),
  /** Capacity provider weights and the FARGATE base. @default all on FARGATE */
  capacity: z
    .strictObject({
      fargateWeight: z.number().int().min(0).max(1000).default(1),
      fargateSpotWeight: z.number().int().min(0).max(1000).default(0),
      /** Tasks always on FARGATE before weights apply. @default 0 */
      fargateBase: z.number().int().min(0).max(100000).default(0),
    })
    .prefault({}),
  autoscaling: autoscaling.prefault({}),
  /** Images: a tag for the repositories the stack creates, or full references that skip them. */
  images: z
    .strictObject({
      /** Tag deployed from the stack's repositories, e.g. a commit id (tags are immutable). */
      tag: z
        .string()
        .regex(/^[\w][\w.-]{0,127}$/, { message: "expected an image tag" })
        .optional(),
      /** nginx image reference; the stack then creates no web repository. */
      web: imageUri.optional(),
      /** uwsgi app image reference; the stack then creates no app repository. */
      app: imageUri.optional(),
      /** Single-container image reference. */
      single: imageUri.optional(),
    })
    .prefault({}),
  /** Images kept per repository (older ones expire). @default 30 */
  keepImages: z.number().int().min(1).max(1000).default(30),
  /** Plain environment variables of the app container. @default {} */
  environment: z.record(envName, z.string()).default({}),
  /**
   * Secrets injected as environment variables: name → SSM parameter or Secrets Manager ARN, or
   * `{ arn, kmsKeyArn }` for one under a customer managed key. @default {}
   */
  secrets: z.record(envName, secret).default({}),
  /** Replaced by `secrets.<NAME>.kmsKeyArn` (each key beside the secret it encrypts); refused when present. */
  secretsKmsKeyArns: z.unknown().optional(),
  /** What the app may do in AWS; nothing by default. @default [] */
  taskRoleStatements: z.array(taskRoleStatement).default([]),
  /** ECS Exec into running containers, sessions encrypted and logged. @default false */
  execEnabled: z.boolean().default(false),
  /** Days container logs are kept. @default 30 */
  logRetentionDays: retentionDays.default(30),
});

type Service = z.output<typeof serviceFields>;

/** Checks within one service's section. */
export function serviceChecks(s: Service, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  const mem = FARGATE_MEMORY[s.cpu];
  if (mem && (s.memory < mem.min || s.memory > mem.max || (s.memory - mem.min) % mem.step !== 0)) {
    add(
      ["memory"],
      `expected ${mem.min}-${mem.max} MiB in steps of ${mem.step} for ${s.cpu} CPU units (Fargate's pairs: ${fargatePairs()}), got ${s.memory}`,
    );
  }
  const a = s.autoscaling;
  if (a.enabled && a.minCount > a.maxCount) {
    add(
      ["autoscaling", "minCount"],
      `expected at most autoscaling.maxCount (${a.maxCount}), got ${a.minCount}`,
    );
  }
  // The service starts at desiredCount; outside the scaling range the first scaling action moves it at once.
  if (a.enabled && (s.desiredCount < a.minCount || s.desiredCount > a.maxCount)) {
    add(
      ["desiredCount"],
      `expected autoscaling.minCount ≤ desiredCount ≤ autoscaling.maxCount (${a.minCount}-${a.maxCount}), got ${s.desiredCount}`,
    );
  }
  if (s.containers === "single" && (s.images.web || s.images.app)) {
    add(
      ["images"],
      "expected only images.single (or a tag) in single-container mode, got images.web or images.app",
    );
  }
  const created = s.containers === "single" ? [!s.images.single] : [!s.images.web, !s.images.app];
  if (created.some(Boolean) && !s.images.tag) {
    add(
      ["images", "tag"],
      "expected the tag to deploy from the stack's repositories (e.g. a commit id), got nothing",
    );
  }
  secretChecks(s, add);
  if (s.capacity.fargateWeight + s.capacity.fargateSpotWeight === 0) {
    add(["capacity"], "expected a weight above 0 for FARGATE or FARGATE_SPOT, got 0 for both");
  }
}

/** The region of an ARN (its fourth field). */
const regionOf = (arn: string) => arn.split(":")[3];

/**
 * The execution role decrypts exactly the keys config names, so a secret under a customer managed key
 * must name it (a separate list cannot say which secret needs which key), in the secret's region.
 */
function secretChecks(s: Service, add: AddIssue): void {
  if (s.secretsKmsKeyArns !== undefined) {
    add(
      ["secretsKmsKeyArns"],
      "expected each customer managed key beside the secret it encrypts (secrets: { NAME: { arn, kmsKeyArn } }), got a separate list",
    );
  }
  for (const [name, { arn, kmsKeyArn }] of Object.entries(s.secrets)) {
    if (kmsKeyArn && regionOf(kmsKeyArn) !== regionOf(arn)) {
      add(
        ["secrets", name, "kmsKeyArn"],
        `expected a key in the secret's region ${regionOf(arn)} (KMS keys are regional), got one in ${regionOf(kmsKeyArn)}`,
      );
    }
  }
}
