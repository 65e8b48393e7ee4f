/**
 * What the bootstrap needs to know about one environment, read from its synthesized stack (the Terraform
 * JSON `cdktf synth` writes, or `TerraformStack.toTerraform()` in the same app): the resource types it
 * creates, where, under which names and tags, and what its own roles do. Reading the output rather than
 * the modules keeps the bootstrap true to whatever the stack really contains, whoever changed it.
 */

export interface EnvironmentInventory {
  /** The environment (stack) name. */
  readonly name: string;
  readonly project: string;
  readonly account: string;
  readonly partition: string;
  /** Every region the stack's providers use: the environment's, and us-east-1 when CloudFront needs it. */
  readonly regions: string[];
  /** Terraform resource types, and `data.<type>` for data sources, sorted. */
  readonly resourceTypes: string[];
  /** Service principals the stack's roles (and service-linked roles) trust: where the deployer may pass them. */
  readonly roleServices: string[];
  /** The object key of the stack's S3 backend, when it has one. @default none (local state) */
  readonly stateKey?: string;
  /** The buckets the stack's CloudTrail trails write to, by name. */
  readonly trailBuckets: string[];
  /** A production environment (config `production: true`): set by the app, not read from the stack. */
  readonly production?: boolean;
  /** Route 53 hosted zones the stack writes records into. */
  readonly hostedZoneIds: string[];
  /** Every action the stack's own role policies allow. */
  readonly runtimeActions: string[];
  /** The Allow statements of the stack's own role policies, references as synthesized: the boundary's ceiling. */
  readonly runtimeStatements: RuntimeStatement[];
}

export interface RuntimeStatement {
  readonly actions: string[];
  /** ARNs or `*`, with `${type.name.attribute}` references left in. */
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, string | string[] | boolean>>;
  /** The regions of the resources it references (their providers'); the stack's region when none. */
  readonly regions: string[];
}

type Body = Record<string, unknown>;
export interface SynthesizedStack {
  terraform?: { backend?: { s3?: Body } };
  provider?: { aws?: Body[] };
  resource?: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const isLiteral = (value: unknown): value is string => typeof value === "string" && !value.includes("${");

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: RuntimeStatement["conditions"];
  Principal?: { Service?: string | string[] };
}
const statementsOf = (text: unknown): Statement[] =>
  typeof text === "string" ? list((JSON.parse(text) as { Statement?: Statement[] }).Statement) : [];

export function inventoryOf(stack: SynthesizedStack): EnvironmentInventory {
  const providers = stack.provider?.aws ?? [];
  const main = providers.find((p) => p.alias === undefined) ?? providers[0];
  if (!main) throw new Error("inventory: expected an aws provider in the stack, got none");
  const tags = ((main.default_tags as Body[] | undefined)?.[0]?.tags ?? {}) as Record<string, string>;
  const account = list(main.allowed_account_ids as string[] | undefined)[0];
  if (!tags.project || !tags.environment || !account) {
    throw new Error(
      "inventory: expected the aws provider's allowed_account_ids and default tags project and environment",
    );
  }
  const region = String(main.region);
  const resources = stack.resource ?? {};
  const bodies = (type: string) => Object.values(resources[type] ?? {});
  const roles = bodies("aws_iam_role");
  const trusted = (role: Body) =>
    statementsOf(role.assume_role_policy).flatMap((s) => list(s.Principal?.Service));
  const bucketNamed = (value: unknown) => {
    const ref = /^\$\{aws_s3_bucket\.([\w-]+)\.(bucket|id)\}$/.exec(String(value));
    return ref ? resources.aws_s3_bucket?.[ref[1]]?.bucket : value;
  };
  const backendKey = stack.terraform?.backend?.s3?.key;
  return {
    name: tags.environment,
    stateKey: isLiteral(backendKey) ? backendKey : undefined,
    trailBuckets: sorted(
      bodies("aws_cloudtrail")
        .map((t) => bucketNamed(t.s3_bucket_name))
        .filter(isLiteral),
    ),
    project: tags.project,
    account,
    partition: region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws",
    regions: sorted(providers.map((p) => String(p.region))),
    resourceTypes: sorted([
      ...Object.keys(resources),
      ...Object.keys(stack.data ?? {}).map((t) => `data.${t}`),
    ]),
    roleServices: sorted([
      ...roles.flatMap(trusted),
      // A service-linked role is passed to its service too (AWS Config's recorder names its own).
      ...bodies("aws_iam_service_linked_role")
        .map((r) => r.aws_service_name)
        .filter(isLiteral),
    ]),
    hostedZoneIds: sorted(
      bodies("aws_route53_record")
        .map((r) => r.zone_id)
        .filter(isLiteral),
    ),
    runtimeStatements: bodies("aws_iam_role_policy").flatMap((p) =>
      statementsOf(p.policy)
        .filter((s) => s.Effect !== "Deny")
        .map((s) => ({
          actions: list(s.Action),
          resources: list(s.Resource),
          conditions: s.Condition,
          regions: referencedRegions(list(s.Resource), resources, providers, region),
        })),
    ),
    runtimeActions: sorted(
      bodies("aws_iam_role_policy").flatMap((p) =>
        statementsOf(p.policy)
          .filter((s) => s.Effect !== "Deny")
          .flatMap((s) => list(s.Action)),
      ),
    ),
  };
}

/** The regions of the resources a statement references, by their providers (`aws.us_east_1`). */
function referencedRegions(
  texts: string[],
  resources: Record<string, Record<string, Body>>,
  providers: Body[],
  main: string,
): string[] {
  const byProvider = new Map(providers.map((p) => [p.alias ? `aws.${p.alias}` : "aws", String(p.region)]));
  const regions = texts.flatMap((t) =>
    [...t.matchAll(/\$\{(\w+)\.([\w-]+)\.\w+\}/g)].map(([, type, name]) => {
      const provider = resources[type]?.[name]?.provider;
      return typeof provider === "string"
        ? (byProvider.get(provider.replace(/^\$\{|\}$/g, "")) ?? main)
        : main;
    }),
  );
  return regions.length > 0 ? sorted(regions) : [main];
}
