import { z } from "zod";
import { contains, overlaps, parseCidr } from "./cidr";

/**
 * The contract for `config/<environment>.yaml`: every field, its type, range and default. Defaults
 * live here and nowhere else; modules receive values that are already complete and checked.
 */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "sts", "ssm", "secretsmanager"] as const;

const REGION_PATTERN = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?[a-z]+-\d$/;

const region = z.string().regex(REGION_PATTERN, { message: "expected an AWS region such as eu-west-1" });

const retentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `expected a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")} days)`,
  });

const cidrBlock = z.string().refine((text) => parseCidr(text) !== undefined, {
  message: "expected an IPv4 CIDR block such as 10.0.0.0/16 (no host bits set)",
});

const port = z.number().int().min(1).max(65535);

const tagKey = z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, {
  message: "expected a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:",
});
const tagValue = z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, {
  message: "expected a tag value of at most 256 letters, digits, spaces or _.:/=+-@",
});

const s3Backend = z.strictObject({
  /** State bucket, which the team already owns. */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "expected an S3 bucket name" }),
  /** Object key of this environment's state. @default "fargate-web-stack/<environment>.tfstate" */
  key: z.string().min(1).optional(),
  /** Region of the state bucket. @default the environment's region */
  region: region.optional(),
  /** S3-native state locking (Terraform 1.10+). @default true */
  useLockfile: z.boolean().default(true),
  /** DynamoDB lock table, for teams that still lock there (deprecated by Terraform). */
  dynamodbTable: z.string().min(3).max(255).optional(),
  /** Server-side encryption of the state object. @default true */
  encrypt: z.boolean().default(true),
  /** KMS key for the state object. @default the bucket's default encryption */
  kmsKeyId: z.string().min(1).optional(),
  /** Role Terraform assumes to reach the state bucket. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "expected an IAM role ARN" })
    .optional(),
});

const stateFields = z.strictObject({
  /** Where Terraform keeps state. @default "local" */
  backend: z.enum(["local", "s3"]).default("local"),
  /** Settings of the S3 backend; required when backend is s3. */
  s3: s3Backend.optional(),
});
const state = stateFields.superRefine(stateChecks);

const flowLogs = z.strictObject({
  /** Where VPC Flow Logs go. @default "cloudwatch" */
  destination: z.enum(["cloudwatch", "s3"]).default("cloudwatch"),
  /** Days flow-log records are kept (log group retention, or bucket expiry). @default 90 */
  retentionDays: retentionDays.default(90),
  /** Seconds over which a flow is aggregated into one record. @default 600 */
  aggregationIntervalSeconds: z.union([z.literal(60), z.literal(600)]).default(600),
});

const endpoints = z.strictObject({
  /** S3 gateway endpoint (free; ECR image layers come from S3). @default true */
  s3Gateway: z.boolean().default(true),
  /** Interface endpoints (billed per AZ-hour and per GB). @default [] */
  interface: z.array(z.enum(INTERFACE_ENDPOINTS)).default([]),
});

const subnets = z.strictObject({
  /** One CIDR per AZ, in the order of availabilityZones. */
  public: z.array(cidrBlock),
  /** One CIDR per AZ, in the order of availabilityZones. */
  private: z.array(cidrBlock),
});

const networkFields = z.strictObject({
  /** VPC range, /16 to /24. */
  cidr: cidrBlock,
  /** AZ names in the environment's region; the ALB needs at least two. */
  availabilityZones: z.array(z.string()).min(2).max(6),
  /** NAT gateways: none, one shared, or one per AZ (no cross-AZ dependency). @default "perAz" */
  natGateways: z.enum(["none", "single", "perAz"]).default("perAz"),
  /** Subnet ranges. @default derived from cidr (see README) */
  subnets: subnets.optional(),
  /** TCP ports private subnets may reach on the internet (through NAT). @default [443] */
  egressPorts: z.array(port).min(1).default([443]),
  flowLogs: flowLogs.prefault({}),
  endpoints: endpoints.prefault({}),
});
const network = networkFields.superRefine(networkChecks);

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
});

export const environmentSchema = environmentFields.superRefine(environmentChecks, {
  // Run even when unrelated fields are invalid, so that one pass reports every problem of a file.
  when: (payload) => payload.issues.every((issue) => !ENVIRONMENT_CHECK_INPUTS.has(String(issue.path?.[0]))),
});

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type ParsedEnvironment = z.output<typeof environmentSchema>;

type AddIssue = (path: (string | number)[], message: string) => void;
type Network = z.output<typeof networkFields>;

function adder(ctx: z.RefinementCtx): AddIssue {
  return (path, message) => ctx.addIssue({ code: "custom", path, message });
}

/** The top-level fields environmentChecks reads: it runs once these are valid. */
const ENVIRONMENT_CHECK_INPUTS = new Set(["region", "production", "network"]);

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
}

function stateChecks(state: z.output<typeof stateFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  if (state.backend === "s3" && !state.s3) {
    add(["s3"], "expected the S3 backend's settings (bucket at least) when state.backend is s3, got nothing");
  }
  if (state.backend === "local" && state.s3) {
    add(["backend"], 'expected "s3" when state.s3 is given, got "local"');
  }
}

/** Checks within the network section: they run once the section's own fields are valid. */
function networkChecks(network: Network, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  const zones = network.availabilityZones;
  zones.forEach((zone, i) => {
    if (zones.indexOf(zone) !== i)
      add(["availabilityZones", i], `expected each AZ once, got "${zone}" again`);
  });
  checkVpcAndSubnets(network, add);
  checkEgress(network, add);
}

function checkVpcAndSubnets(network: Network, add: AddIssue): void {
  const vpc = parseCidr(network.cidr);
  if (!vpc) return;
  if (vpc.prefix < 16 || vpc.prefix > 24) {
    add(["cidr"], `expected a VPC range from /16 to /24, got /${vpc.prefix}`);
    return;
  }
  const given = network.subnets;
  if (!given) return;
  const azCount = network.availabilityZones.length;
  const all: { path: (string | number)[]; text: string }[] = [];
  for (const tier of ["public", "private"] as const) {
    if (given[tier].length !== azCount) {
      add(["subnets", tier], `expected ${azCount} CIDRs (one per AZ), got ${given[tier].length}`);
    }
    given[tier].forEach((text, i) => {
      all.push({ path: ["subnets", tier, i], text });
    });
  }
  all.forEach(({ path, text }, i) => {
    const block = parseCidr(text);
    if (!block) return;
    if (!contains(vpc, block)) add(path, `expected a range inside the VPC's ${network.cidr}, got ${text}`);
    else if (block.prefix > 28) add(path, `expected a subnet of /28 or larger, got ${text}`);
    const clash = all.slice(0, i).find((other) => {
      const o = parseCidr(other.text);
      return o !== undefined && overlaps(o, block);
    });
    if (clash)
      add(path, `expected a range that overlaps no other subnet, got ${text} (overlaps ${clash.text})`);
  });
}

function checkEgress(network: Network, add: AddIssue): void {
  const { natGateways, endpoints } = network;
  if (natGateways !== "none") return;
  const missing: string[] = ["ecr.api", "ecr.dkr", "logs"].filter(
    (e) => !(endpoints.interface as readonly string[]).includes(e),
  );
  if (!endpoints.s3Gateway) missing.push("s3Gateway");
  if (missing.length > 0) {
    add(
      ["natGateways"],
      `expected "single" or "perAz", or endpoints that let private tasks pull images and write logs without NAT; got "none" without ${missing.join(", ")}`,
    );
  }
}
