import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TerraformPlanJson } from "../scripts/lib/offline-plan";

/**
 * What an apply of a plan would leave in the state, without AWS: every planned resource with its planned
 * values, and stand-ins for what only AWS knows (ids, ARNs, DNS names). Planning another config against
 * this state shows what Terraform would do to a running environment, in which order.
 */

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

/** The service part of a stand-in ARN; validators check an ARN's shape, not that it exists. */
const arnService = (type: string) =>
  type.startsWith("aws_lb") ? "elasticloadbalancing" : type.replace(/^aws_/, "").split("_")[0];

/**
 * A stand-in for a computed string the plan could not know: identities and addresses AWS
 * assigns. Anything else stays unset (null), as a provider that read nothing back would leave it.
 */
function standIn(type: string, name: string, attribute: string, region: string, account: string): unknown {
  if (attribute === "arn" || attribute.endsWith("_arn"))
    return `arn:aws:${arnService(type)}:${region}:${account}:${type.replace(/^aws_/, "")}/${name}`;
  if (attribute === "arn_suffix") return `app/${name}/0123456789abcdef`;
  if (attribute.endsWith("zone_id")) return "Z0STANDIN0000";
  if (attribute === "id" || attribute.endsWith("_id"))
    return `${type}-${name}-${attribute}`.replace(/_/g, "-");
  if (attribute === "dns_name" || attribute === "domain_name") return `${name.toLowerCase()}.example.net`;
  if (attribute === "repository_url")
    return `${account}.dkr.ecr.${region}.amazonaws.com/${name.toLowerCase()}`;
  return undefined;
}

/** An ACM certificate's DNS validation records, which only AWS knows: one CNAME per name. */
function validationOptions(after: Record<string, unknown>): object[] {
  const names = [after.domain_name, ...((after.subject_alternative_names as string[] | null) ?? [])];
  return [...new Set(names)].map((domain) => ({
    domain_name: domain,
    resource_record_name: `_standin.${domain}.`,
    resource_record_type: "CNAME",
    resource_record_value: "_standin.acm-validations.aws.",
  }));
}

interface PlannedChange {
  address: string;
  type: string;
  name: string;
  mode: string;
  index?: string | number;
  change: { actions: string[]; after?: Record<string, unknown>; after_unknown?: Record<string, unknown> };
}

interface Block {
  attributes?: Record<string, { type: unknown }>;
  block_types?: Record<string, { block: Block }>;
}

/** A resource type's schema version and its attributes and nested blocks. */
export interface ResourceSchema {
  readonly version: number;
  readonly block: Block;
}

/** The provider's resource schemas, so the state needs no upgrade and stand-ins have the right type. */
export function resourceSchemas(planDir: string): Record<string, ResourceSchema> {
  // One pinned provider: its schemas are the same for every stack, so a test file reads them once.
  cachedSchemas ??= readResourceSchemas(planDir);
  return cachedSchemas;
}

let cachedSchemas: Record<string, ResourceSchema> | undefined;

function readResourceSchemas(planDir: string): Record<string, ResourceSchema> {
  const out = spawnSync("terraform", ["providers", "schema", "-json"], {
    cwd: planDir,
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: join(planDir, "..", "..", "terraform.tfrc"),
    },
    encoding: "utf8",
    maxBuffer: 512 * 2 ** 20,
  });
  const schemas = JSON.parse(out.stdout).provider_schemas as Record<
    string,
    { resource_schemas: Record<string, ResourceSchema> }
  >;
  return Object.values(schemas)[0].resource_schemas;
}

type Values = Record<string, unknown>;
type Lookup = (reference: string) => unknown;

/**
 * Fills the unknown strings of one (nested) block: with the value of the attribute the configuration
 * refers to (`vpc_id = aws_vpc.x.id` takes the VPC's stand-in id, as an apply would), else with a stand-in.
 * Returns whether anything changed, so chains (VPC → subnet → NAT gateway) settle over a few passes.
 */
function fill(
  where: { type: string; name: string; region: string; account: string },
  values: Values,
  unknown: Values,
  expressions: Values | undefined,
  block: Block,
  lookup: Lookup,
): boolean {
  let changed = false;
  for (const [key, u] of Object.entries(unknown)) {
    if (u === true && block.attributes?.[key]?.type === "string") {
      const reference = (expressions?.[key] as { references?: string[] } | undefined)?.references?.[0];
      const resolved = reference ? lookup(reference) : undefined;
      // A bucket's id is its name, which the plan knows; other ids are AWS's to give.
      const own = key === "id" && typeof values.bucket === "string" ? values.bucket : undefined;
      const value =
        typeof resolved === "string"
          ? resolved
          : (own ??
            (values[key] == null
              ? standIn(where.type, where.name, key, where.region, where.account)
              : undefined));
      if (value !== undefined && values[key] !== value) {
        values[key] = value;
        changed = true;
      }
    } else if (Array.isArray(u) && block.block_types?.[key] && Array.isArray(values[key])) {
      const nested = values[key] as Values[];
      const nestedExpressions = expressions?.[key] as Values[] | undefined;
      u.forEach((item, i) => {
        if (item && typeof item === "object" && nested[i])
          changed =
            fill(
              where,
              nested[i],
              item as Values,
              nestedExpressions?.[i],
              block.block_types?.[key].block ?? {},
              lookup,
            ) || changed;
      });
    }
  }
  return changed;
}

/** The state (format 4) an apply of `plan` would write, created resources only. */
export function stateAfter(
  plan: TerraformPlanJson,
  schemas: Record<string, ResourceSchema>,
  where: { region: string; account: string },
): object {
  const changes = ((plan.resource_changes ?? []) as unknown as PlannedChange[]).filter(
    (c) => c.mode === "managed" && c.change.actions.includes("create"),
  );
  const config = plan.configuration as {
    root_module: { resources?: { address: string; expressions?: Values }[] };
  };
  const expressions = new Map(
    (config.root_module.resources ?? []).map((r) => [r.address, r.expressions ?? {}]),
  );
  const byAddress = new Map<string, Values>(
    changes.map((c) => [c.address, structuredClone(c.change.after ?? {}) as Values]),
  );
  const lookup: Lookup = (reference) => {
    const match = /^(aws_[a-z0-9_]+\.[^.]+)\.([a-z0-9_]+)$/.exec(reference);
    return match ? byAddress.get(match[1])?.[match[2]] : undefined;
  };
  for (let pass = 0; pass < 8; pass++) {
    let changed = false;
    for (const c of changes) {
      const values = byAddress.get(c.address) as Values;
      const block = schemas[c.type]?.block ?? {};
      const own = expressions.get(c.address.replace(/\[[^\]]*\]$/, ""));
      const at = { type: c.type, name: c.name, ...where };
      changed = fill(at, values, c.change.after_unknown ?? {}, own, block, lookup) || changed;
      // The provider knows the names at plan time, the records only after the request.
      if (c.type === "aws_acm_certificate") values.domain_validation_options = validationOptions(values);
    }
    if (!changed) break;
  }
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000002",
    outputs: {},
    resources: changes.map((c) => ({
      mode: "managed",
      type: c.type,
      name: c.name,
      provider: PROVIDER,
      instances: [
        {
          ...(c.index !== undefined ? { index_key: c.index } : {}),
          schema_version: schemas[c.type]?.version ?? 0,
          attributes: byAddress.get(c.address),
          sensitive_attributes: [],
        },
      ],
    })),
  };
}

/** Resources that reference `address` in the configuration of `plan` (the root module). */
export function referrersOf(plan: TerraformPlanJson, address: string): string[] {
  const config = plan.configuration as {
    root_module: { resources?: { address: string; expressions?: unknown }[] };
  };
  return (config.root_module.resources ?? [])
    .filter((r) => JSON.stringify(r.expressions ?? {}).includes(`"${address}"`))
    .map((r) => r.address);
}
