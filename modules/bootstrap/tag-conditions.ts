import type { Conditions } from "../../constructs/policy";
import { RESOURCE_ACTIONS } from "../../facts/iam/resource-actions";
import type { EnvironmentInventory } from "./inventory";

/** How an action is used, as resource-statements.ts tells it. */
export type Use = "read" | "create" | "change" | "tag";

/**
 * Tag conditions for a resource known by id: a new resource must carry the environment's tags
 * (aws:RequestTag), an existing one must already carry them (aws:ResourceTag). Tagging an existing
 * resource needs aws:ResourceTag and may not hand it to other tags: were the environment's request tags
 * enough, the deployer could tag another project's VPC or key `project=<p>, environment=<e>` and from then
 * on reach it through every aws:ResourceTag grant. Tagging with the environment's tags alone is left for
 * the resource being created: EC2 says which call creates it (ec2:CreateAction); the other services
 * authorize tag-on-create on the new, still untagged resource, so there the resource must carry no
 * project or environment tag yet (an existing untagged resource of those types stays claimable: README).
 * Where IAM supports neither key for the action, the type's ARNs in the account and region alone.
 */
export function tagVariants(
  use: Use,
  keys: string[],
  action: string,
  inventory: EnvironmentInventory,
  upsert: boolean,
): (Conditions | undefined)[] {
  const request = tagConditions(keys, "aws:RequestTag", inventory);
  const resource = tagConditions(keys, "aws:ResourceTag", inventory);
  // An upsert called with the environment's request tags on an existing resource would overwrite
  // another's: creating with request tags alone is left for a resource that carries none yet.
  if (use === "create") return [request && upsert ? merge(request, UNTAGGED) : (request ?? resource)];
  if (use === "change") return [resource];
  const existing = resource && request ? merge(resource, ifExists(request)) : resource;
  if (!existing) return [request];
  // Removing tags happens to existing resources only.
  if (!request || /:(Untag|DeleteTags|RemoveTags)/.test(action)) return [existing];
  return [existing, merge(request, onCreate(action, inventory))];
}

/** The same tag values, required only when the request sets those tags. */
const ifExists = (c: Conditions): Conditions => ({ StringEqualsIfExists: c.StringEquals });

/** A resource with neither of the environment tags' keys: a new one (or an untagged one, see README). */
const UNTAGGED: Conditions = {
  Null: { "aws:ResourceTag/project": "true", "aws:ResourceTag/environment": "true" },
};

/** What makes a tagging request one made while creating the resource (see tagVariants). */
function onCreate(action: string, inventory: EnvironmentInventory): Conditions {
  if (action.startsWith("ec2:")) return { StringEquals: { "ec2:CreateAction": ec2CreateActions(inventory) } };
  return UNTAGGED;
}

/** The EC2 calls that create the environment's resources (and tag them in the same request). */
function ec2CreateActions(inventory: EnvironmentInventory): string[] {
  const actions = inventory.resourceTypes.flatMap((t) => RESOURCE_ACTIONS[t]?.create ?? []);
  return [...new Set(actions.filter((a) => a.startsWith("ec2:")).map((a) => a.slice("ec2:".length)))].sort();
}

export function tagConditions(
  keys: string[],
  key: string,
  inventory: EnvironmentInventory,
): Conditions | undefined {
  if (!keys.includes(key)) return undefined;
  return {
    StringEquals: { [`${key}/project`]: inventory.project, [`${key}/environment`]: inventory.name },
  };
}

export function merge(a?: Conditions, b?: Conditions): Conditions | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Conditions = { ...a };
  for (const [op, values] of Object.entries(b)) out[op] = { ...(out[op] ?? {}), ...values };
  return out;
}
