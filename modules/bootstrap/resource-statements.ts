import type { Conditions, PolicyStatement } from "../../constructs/policy";
import { CATALOGUE, type CatalogueAction, catalogued } from "../../facts/iam/catalogue";
import { CREATE_LINKED_ROLE } from "../../facts/iam/fixed-actions";
import { PHASES, type Phase, RESOURCE_ACTIONS } from "../../facts/iam/resource-actions";
import { RESOURCE_SCOPES, type Scope } from "../../facts/iam/resource-scopes";
import type { EnvironmentInventory } from "./inventory";
import { merge, tagConditions, tagVariants, type Use } from "./tag-conditions";

/**
 * The statements that let a role call what Terraform calls for the resource types of one environment,
 * generated from the resource table (facts/iam/resource-actions.ts), the scopes
 * (facts/iam/resource-scopes.ts) and the IAM catalogue (facts/iam/catalogue.json): each action on the
 * environment's resources of every type IAM authorizes it on, by name or by tag; `*` only for actions the
 * catalogue lists no resource type for.
 */

/** How an action is used: tag conditions differ between creating, changing and tagging. */
const USE: Record<Phase, Use> = {
  read: "read",
  create: "create",
  update: "change",
  delete: "change",
  tag: "tag",
};

export interface ResourceStatementOptions {
  /** The phases to grant: ["read"] for the planner, every phase for the deployer. */
  readonly phases: readonly Phase[];
  /** The permissions boundary roles must carry (iam:PermissionsBoundary). */
  readonly boundaryArn?: string;
  /** The action also changes existing resources (set per action). @default false */
  readonly upsert?: boolean;
}

/** Thrown for a resource type the table lacks: the message names it and says where to add it. */
export class UnmappedResourceTypeError extends Error {}

/** The resource types of the inventory that the table lacks. */
export function unmappedTypes(inventory: EnvironmentInventory): string[] {
  return inventory.resourceTypes.filter((t) => !RESOURCE_ACTIONS[t]);
}

/** Services whose service-linked roles the environment's resource types need. */
export function serviceLinkedRoles(inventory: EnvironmentInventory): string[] {
  return [
    ...new Set(inventory.resourceTypes.flatMap((t) => RESOURCE_ACTIONS[t]?.serviceLinkedRoles ?? [])),
  ].sort();
}

export function resourceStatements(
  inventory: EnvironmentInventory,
  options: ResourceStatementOptions,
): PolicyStatement[] {
  const unmapped = unmappedTypes(inventory);
  if (unmapped.length > 0) {
    throw new UnmappedResourceTypeError(
      `facts/iam/resource-actions.ts: RESOURCE_ACTIONS: expected an entry for every resource type of stack ${inventory.name}, got none for ${unmapped.join(", ")} (add one line per type, then run npm run iam:catalogue)`,
    );
  }
  const uses = new Map<string, Set<Use>>();
  for (const type of inventory.resourceTypes) {
    for (const phase of options.phases) {
      for (const action of RESOURCE_ACTIONS[type][phase] ?? []) {
        uses.set(action, (uses.get(action) ?? new Set()).add(USE[phase]));
      }
    }
  }
  // A service creates its service-linked role on first use, with the caller's permission.
  if (options.phases.includes("create") && serviceLinkedRoles(inventory).length > 0) {
    uses.set(CREATE_LINKED_ROLE, (uses.get(CREATE_LINKED_ROLE) ?? new Set()).add("create"));
  }
  const grants = new Map<string, { actions: Set<string>; statement: Grant }>();
  for (const [action, used] of [...uses].sort(([a], [b]) => byText(a, b))) {
    for (const use of used) {
      // An action that both creates and changes (PutConfigRule, RegisterScalableTarget) is an upsert.
      const upsert = used.has("create") && used.has("change");
      for (const grant of grantsFor(action, use, inventory, { ...options, upsert })) {
        const key = JSON.stringify([grant.resources, grant.conditions ?? {}]);
        const entry = grants.get(key) ?? { actions: new Set<string>(), statement: grant };
        entry.actions.add(action);
        grants.set(key, entry);
      }
    }
  }
  // Statements that differ only by resource type (CreateTags on a VPC, on a subnet…) become one.
  const merged = new Map<string, { actions: Set<string>; statement: Grant }>();
  for (const g of grants.values()) {
    const key = JSON.stringify([[...g.actions].sort(), g.statement.conditions ?? {}, g.statement.kind]);
    const entry = merged.get(key);
    if (!entry) merged.set(key, { actions: g.actions, statement: g.statement });
    else {
      const resources = [...new Set([...entry.statement.resources, ...g.statement.resources])].sort();
      entry.statement = { ...entry.statement, resources };
    }
  }
  const labelled = [...merged.values()].map((g) => ({ ...g, label: labelOf([...g.actions], g.statement) }));
  const counts = new Map<string, number>();
  return labelled
    .sort((a, b) => byText(a.label, b.label) || compareGrant(a, b))
    .map((g) => {
      const n = (counts.get(g.label) ?? 0) + 1;
      counts.set(g.label, n);
      return {
        sid: n === 1 ? g.label : `${g.label}${n}`,
        actions: [...g.actions].sort(),
        resources: g.statement.resources,
        conditions: g.statement.conditions,
      };
    });
}

interface Grant {
  readonly resources: string[];
  readonly conditions?: Conditions;
  readonly kind: "any" | "name" | "tag" | "wildcard";
}

/** Code-point order: the same on every machine, whatever its locale (localeCompare is not). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareGrant = (a: { statement: Grant }, b: { statement: Grant }) =>
  byText(JSON.stringify(a.statement), JSON.stringify(b.statement));

const pascal = (service: string) =>
  service
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");

/** A statement id that says how the statement scopes: its service (when one) and kind. */
function labelOf(actions: string[], grant: Grant): string {
  const services = [...new Set(actions.map((a) => a.split(":")[0]))];
  const service = services.length === 1 ? pascal(services[0]) : "";
  const kind = {
    wildcard: "NoResourceLevelPermission",
    name: "NamedResources",
    tag: "TaggedResources",
    any: "AnyResourceOfType",
  }[grant.kind];
  return `${service}${kind}${grant.conditions?.StringEquals?.["aws:RequestTag/environment"] ? "OnCreate" : ""}`;
}

/** Every (resources, conditions) an action needs for one use. */
function grantsFor(
  action: string,
  use: Use,
  inventory: EnvironmentInventory,
  options: ResourceStatementOptions,
): Grant[] {
  const entry = catalogued(action);
  const service = action.split(":")[0];
  const types = Object.entries(entry.resourceTypes);
  const extra = extraConditions(action, entry, [], inventory, options);
  if (types.length === 0) {
    // The IAM catalogue lists no resource type for this action: IAM authorizes it on "*" only.
    const tag =
      use === "create" || use === "tag"
        ? tagConditions(entry.conditionKeys, "aws:RequestTag", inventory)
        : undefined;
    return [{ resources: ["*"], conditions: merge(tag, extra), kind: "wildcard" }];
  }
  // The catalogue marks several alternative types "required" (elasticloadbalancing:AddTags: classic and
  // application load balancers, target groups…): the environment's are the ones with a scope.
  const scoped = types.filter(([type]) => {
    const scope = RESOURCE_SCOPES[`${service}:${type}`];
    // Resources AWS owns (managed rule groups, capacity providers) are used, never tagged.
    return scope && !(use === "tag" && (scope.by === "fixed" || scope.by === "any"));
  });
  if (scoped.length === 0) {
    throw new Error(
      `facts/iam/resource-scopes.ts: RESOURCE_SCOPES: expected a scope for one of ${types.map(([t]) => `${service}:${t}`).join(", ")} (${action} authorizes on them), got none`,
    );
  }
  return scoped.flatMap(([type, facts]): Grant[] => {
    const key = `${service}:${type}`;
    const scope = RESOURCE_SCOPES[key];
    const { arn: format, conditionKeys: typeKeys } = CATALOGUE.resourceTypes[key];
    const resources = scopedArns(format, scope, inventory);
    // aws:RequestTag where IAM lists it for the action; aws:ResourceTag also where it lists it for the type.
    const keys = [
      ...new Set([
        ...facts.conditionKeys,
        ...entry.conditionKeys,
        ...typeKeys.filter((k) => k === "aws:ResourceTag"),
      ]),
    ];
    const conditions = extraConditions(action, entry, facts.conditionKeys, inventory, options);
    // Service-linked roles never carry a boundary: their own statement, without that condition.
    const linked = linkedRoleArns(action, key, inventory);
    const linkedGrant: Grant[] =
      linked.length === 0
        ? []
        : [
            {
              resources: linked,
              conditions: extraConditions(action, entry, [], inventory, {}),
              kind: "name",
            },
          ];
    if (scope.by !== "tag" || use === "read") {
      const kind = scope.by === "name" || scope.by === "zones" ? "name" : "any";
      return [{ resources, conditions, kind }, ...linkedGrant];
    }
    return tagVariants(use, keys, action, inventory, options.upsert === true).map((tags) => ({
      resources,
      conditions: merge(tags, conditions),
      kind: "tag" as const,
    }));
  });
}

/**
 * Role writes that must name the boundary: every one whose catalogue entry lists iam:PermissionsBoundary
 * except reads (iam:GetRole lists it too, but reading a role, a service-linked one included, grants
 * nothing, and Terraform reads roles that carry no boundary).
 */
export function needsBoundary(action: string): boolean {
  const name = action.split(":")[1] ?? "";
  return catalogued(action).conditionKeys.includes("iam:PermissionsBoundary") && !/^(Get|List)/.test(name);
}

/** The boundary a role must carry, the service-linked roles the deployer may create. */
function extraConditions(
  action: string,
  entry: CatalogueAction,
  keys: string[],
  inventory: EnvironmentInventory,
  options: Pick<ResourceStatementOptions, "boundaryArn">,
): Conditions | undefined {
  const all = new Set([...keys, ...entry.conditionKeys]);
  if (needsBoundary(action) && options.boundaryArn) {
    return { StringEquals: { "iam:PermissionsBoundary": options.boundaryArn } };
  }
  if (all.has("iam:AWSServiceName")) {
    return { StringEquals: { "iam:AWSServiceName": serviceLinkedRoles(inventory) } };
  }
  return undefined;
}

/** What the deployer does to service-linked roles: create them, and manage the ones the stack declares. */
const LINKED_ROLE_ACTIONS = new Set([
  CREATE_LINKED_ROLE,
  ...PHASES.flatMap((p) => RESOURCE_ACTIONS.aws_iam_service_linked_role[p] ?? []),
]);

/**
 * A service-linked role is named by its service, not by the project: the roles of the services the
 * environment's types need, for the service-linked-role actions only (no other role action reaches them).
 */
function linkedRoleArns(action: string, key: string, inventory: EnvironmentInventory): string[] {
  if (key !== "iam:role" || !LINKED_ROLE_ACTIONS.has(action)) return [];
  return serviceLinkedRoles(inventory).map(
    (s) => `arn:${inventory.partition}:iam::${inventory.account}:role/aws-service-role/${s}/*`,
  );
}

/** The ARNs of a resource type that belong to the environment, from the catalogue's ARN format. */
export function scopedArns(format: string, scope: Scope, inventory: EnvironmentInventory): string[] {
  const fill = (text: string) =>
    text
      .replaceAll("{prefix}", `${inventory.project}-${inventory.name}`)
      .replaceAll("{project}", inventory.project)
      .replaceAll("{environment}", inventory.name);
  const names: string[] =
    scope.by === "name" || scope.by === "fixed"
      ? scope.names.map(fill)
      : scope.by === "zones"
        ? inventory.hostedZoneIds
        : ["*"];
  const variable = scope.by === "name" ? scope.variable : undefined;
  const variables = [...format.replace(/\[[^\]]*\]/g, "").matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
  const target = variable ?? variables.find((v) => !["Partition", "Region", "Account", "Scope"].includes(v));
  const regions = variables.includes("Region") ? inventory.regions : [""];
  // WAF's scope is spelled out: a pattern in the first part of the resource is easy to misread.
  const wafScopes = variables.includes("Scope") ? ["regional", "global"] : [""];
  const arns = regions.flatMap((region) =>
    wafScopes.flatMap((wafScope) => {
      const known: Record<string, string> = {
        Partition: inventory.partition,
        Region: region,
        Account: inventory.account,
        Scope: wafScope,
      };
      return names.map((name) =>
        format
          // An optional part such as the event bus of `rule/[${EventBusName}/]${RuleName}`: the default bus.
          .replace(/\[[^\]]*\]/g, "")
          .replace(/\$\{(\w+)\}/g, (_, v: string) => known[v] ?? (v === target ? name : "*")),
      );
    }),
  );
  if (scope.by === "zones" && arns.length === 0) {
    throw new Error(
      `stack ${inventory.name}: expected the hosted zone of its records, got a reference or none`,
    );
  }
  return [...new Set(arns)].sort();
}
