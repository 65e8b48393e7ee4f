import type { Body, StackJson } from "./synth";

/**
 * Finds resources that name another resource of the same stack by a literal string (its name, or an ARN
 * holding it) instead of its attribute: Terraform draws no edge for a literal, so the first apply can race,
 * a rename half-applies, and `terraform graph` misleads.
 */

/** Attributes that are a resource's own identity (what others would name it by); `name` for the rest. */
const IDENTITY_PATHS: Record<string, string[]> = {
  aws_s3_bucket: ["bucket"],
  aws_ecs_task_definition: ["family"],
  aws_cloudwatch_metric_alarm: ["alarm_name"],
  aws_cloudwatch_dashboard: ["dashboard_name"],
  aws_codedeploy_deployment_group: ["deployment_group_name"],
  aws_codedeploy_deployment_config: ["deployment_config_name"],
  aws_cloudwatch_log_resource_policy: ["policy_name"],
  aws_cloudfront_vpc_origin: ["vpc_origin_endpoint_config[0].name"],
};
const identityPaths = (type: string) => IDENTITY_PATHS[type] ?? ["name"];

/** Free text for people: a name in it is a description, not a reference. */
const PROSE_KEYS = new Set(["description", "comment", "alarm_description", "CustomData"]);

export interface Finding {
  /** `type.name` of the resource (or `output.name`) holding the literal. */
  readonly where: string;
  /** The attribute path, e.g. `dimensions.ClusterName` or `policy`. */
  readonly path: string;
  /** The resources the literal may name, `type.name` (several share a name: cluster, service, family). */
  readonly owners: string[];
  readonly literal: string;
  /** True when the literal is an ARN inside a policy document. */
  readonly inPolicy: boolean;
}

interface Identity {
  readonly value: string;
  readonly owner: string;
}

const valueAt = (body: Body, path: string): unknown =>
  path
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p)
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], body);

/**
 * The literal identities of the stack's own resources: names that carry one of the environment's
 * prefixes (`fws-dev-…`, `/fws/dev/…`). The bare prefix is left out: every name starts with it.
 */
function ownIdentities(json: StackJson, prefixes: string[]): Identity[] {
  const found: Identity[] = [];
  for (const [type, resources] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(resources)) {
      for (const path of identityPaths(type)) {
        const value = valueAt(body, path);
        if (typeof value !== "string" || value.includes("${") || prefixes.includes(value)) continue;
        if (prefixes.some((p) => value.includes(p))) found.push({ value, owner: `${type}.${name}` });
      }
    }
  }
  return found;
}

const isPolicy = (text: string) => /^\s*\{/.test(text) && /"Statement"/.test(text);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The resource types an ARN's service names, so `arn:aws:codepipeline:…:fws-x` blames the pipeline only. */
const ARN_SERVICE_TYPES: Record<string, string> = {
  logs: "aws_cloudwatch_log_group",
  cloudwatch: "aws_cloudwatch_metric_alarm",
  s3: "aws_s3_bucket",
  "codestar-connections": "aws_codestarconnections",
  codeconnections: "aws_codestarconnections",
  elasticloadbalancing: "aws_lb",
};
const ownerFitsArn = (owner: string, arn: string) => {
  const service = arn.split(":")[2];
  return owner.startsWith(ARN_SERVICE_TYPES[service] ?? `aws_${service}`);
};

/**
 * Every literal occurrence of an identity outside its own resource: in another resource's attributes or an
 * output (outside policy documents), and as an ARN inside a policy document.
 */
export function literalReferences(json: StackJson, prefixes: string[]): Finding[] {
  const patterns = ownIdentities(json, prefixes).map((id) => ({
    id,
    // A whole name: not part of a longer one (`fws-dev-site` inside `fws-dev-site-web`).
    re: new RegExp(`(^|[^A-Za-z0-9_-])${escapeRegExp(id.value)}($|[^A-Za-z0-9_-])`),
  }));
  const findings: Finding[] = [];
  const match = (where: string, path: string, text: string, inPolicy: boolean, self: string) => {
    const byLiteral = new Map<string, string[]>();
    for (const { id, re } of patterns) {
      if (id.owner === self || !re.test(text)) continue;
      if (inPolicy && !ownerFitsArn(id.owner, text)) continue;
      byLiteral.set(id.value, [...(byLiteral.get(id.value) ?? []), id.owner]);
    }
    for (const [literal, owners] of byLiteral) findings.push({ where, path, owners, literal, inPolicy });
  };
  const visit = (where: string, path: string, value: unknown, self: string, skip: string[]) => {
    if (skip.includes(path)) return;
    if (typeof value === "string") {
      if (!isPolicy(value)) return match(where, path, value, false, self);
      // In a policy: the ARNs only (a name in a condition may be a pattern or an encryption context).
      for (const arn of value.match(/arn:[^"\s]*/g) ?? []) match(where, path, arn, true, "");
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(where, `${path}[${i}]`, v, self, skip);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value as Body)) {
        if (k === "//" || k === "lifecycle" || k === "depends_on" || k === "provider" || PROSE_KEYS.has(k)) {
          continue;
        }
        visit(where, path ? `${path}.${k}` : k, v, self, skip);
      }
    }
  };
  for (const [type, resources] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(resources)) {
      const self = `${type}.${name}`;
      visit(self, "", body, self, identityPaths(type));
    }
  }
  for (const [name, body] of Object.entries(json.output ?? {}))
    visit(`output.${name}`, "value", body.value, "", []);
  return findings;
}
