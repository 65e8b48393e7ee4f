import type { Conditions, PolicyStatement } from "../../constructs/policy";
import { REFERENCE_PATTERNS } from "../../facts/iam/boundary-references";
import type { EnvironmentInventory, RuntimeStatement } from "./inventory";

/**
 * The Allow part of the permissions boundary: what the environments' own role policies allow, each action
 * on the resources its statement names, generalized from the stack's references to the environment's
 * names and tags (facts/iam/boundary-references.ts). A role the deployer creates can therefore never do
 * more than the stack's roles do, nor reach another project's or environment's resources, whatever its
 * own policy says. `*` stays only where a runtime statement says `*` (actions without resource-level
 * permission, which the stacks' own tests hold them to); conditions that name no reference are kept
 * (iam:PassedToService), the others dropped: the ceiling is the broader of the two, the role's own policy
 * still carries them.
 */
export function ceilingStatements(inventories: EnvironmentInventory[]): PolicyStatement[] {
  const byScope = new Map<string, { actions: Set<string>; resources: string[]; conditions?: Conditions }>();
  const add = (actions: string[], resources: string[], conditions?: Conditions) => {
    if (resources.length === 0) return;
    const sorted = [...new Set(resources)].sort();
    const key = JSON.stringify([sorted, conditions ?? {}]);
    const entry = byScope.get(key) ?? { actions: new Set<string>(), resources: sorted, conditions };
    for (const a of actions) entry.actions.add(a);
    byScope.set(key, entry);
  };
  for (const inv of inventories) {
    for (const s of inv.runtimeStatements) {
      const conditions = literalConditions(s.conditions);
      const named = s.resources.map((r) => generalize(r, inv, s));
      add(
        s.actions,
        named.filter((g) => !g.tagged).flatMap((g) => g.arns),
        conditions,
      );
      const tags = {
        StringEquals: { "aws:ResourceTag/project": inv.project, "aws:ResourceTag/environment": inv.name },
      };
      add(
        s.actions,
        named.filter((g) => g.tagged).flatMap((g) => g.arns),
        merge(conditions, tags),
      );
    }
  }
  // Statements that differ only by their resources (two roles reading the same kinds of things) become one.
  const byActions = new Map<string, { actions: string[]; resources: string[]; conditions?: Conditions }>();
  for (const g of byScope.values()) {
    const actions = [...g.actions].sort();
    const key = JSON.stringify([actions, g.conditions ?? {}]);
    const entry = byActions.get(key);
    if (entry) entry.resources = [...new Set([...entry.resources, ...g.resources])].sort();
    else byActions.set(key, { actions, resources: g.resources, conditions: g.conditions });
  }
  return [...byActions.values()]
    .sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b)))
    .map((g, i) => ({
      sid: `Ceiling${i + 1}`,
      actions: g.actions,
      resources: g.resources,
      conditions: g.conditions,
    }));
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One runtime resource, its references replaced by the environment's patterns, in its resources' regions. */
function generalize(
  resource: string,
  inv: EnvironmentInventory,
  statement: RuntimeStatement,
): { arns: string[]; tagged: boolean } {
  let texts = [resource];
  let tagged = false;
  for (const [reference, expression] of [...resource.matchAll(/\$\{([^}]*)\}/g)].map((m) => [m[0], m[1]])) {
    const [type, , attribute] = expression.split(".");
    const pattern = REFERENCE_PATTERNS[`${type}.${attribute}`];
    if (!pattern) {
      throw new Error(
        `facts/iam/boundary-references.ts: REFERENCE_PATTERNS: expected a pattern for ${type}.${attribute} (a role policy of stack ${inv.name} references it in ${statement.actions.join(", ")}), got none`,
      );
    }
    tagged ||= pattern.tagged === true;
    texts = texts.flatMap((t) => pattern.patterns.map((p) => t.replace(reference, p)));
  }
  const fill = (text: string, region: string) =>
    text
      .replaceAll("{partition}", inv.partition)
      .replaceAll("{region}", region)
      .replaceAll("{account}", inv.account)
      .replaceAll("{prefix}", `${inv.project}-${inv.name}`)
      .replaceAll("{project}", inv.project)
      .replaceAll("{environment}", inv.name);
  return { arns: texts.flatMap((t) => statement.regions.map((r) => fill(t, r))), tagged };
}

/** The statement's conditions without those naming a reference (their value is known at apply only). */
function literalConditions(conditions: RuntimeStatement["conditions"]): Conditions | undefined {
  if (!conditions) return undefined;
  const kept: Conditions = {};
  for (const [op, values] of Object.entries(conditions)) {
    const literal = Object.entries(values).filter(([, v]) => !JSON.stringify(v).includes("${"));
    if (literal.length > 0) kept[op] = Object.fromEntries(literal);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function merge(a: Conditions | undefined, b: Conditions): Conditions {
  const out: Conditions = { ...(a ?? {}) };
  for (const [op, values] of Object.entries(b)) out[op] = { ...(out[op] ?? {}), ...values };
  return out;
}
