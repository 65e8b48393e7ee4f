import { z } from "zod";
import { contains, overlaps, parseCidr } from "../cidr";
import { type AddIssue, adder, cidrBlock, port, retentionDays } from "./common";

export const INTERFACE_ENDPOINTS = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "sts",
  "ssm",
  "ssmmessages",
  "secretsmanager",
] as const;

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
export const network = networkFields.superRefine(networkChecks);

type Network = z.output<typeof networkFields>;

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
