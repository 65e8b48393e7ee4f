import type { KnownDrift } from "./moto-gaps";

/** What a plan right after an apply proposes, judged against the known drifts. */
export interface PlanVerdict {
  /** Changes no known drift explains: the tier fails on each. */
  readonly unexpected: string[];
  /** Changes a known drift explains, named so the output shows them. */
  readonly known: string[];
}

interface ResourceChange {
  address: string;
  type: string;
  change: {
    actions: string[];
    before?: Record<string, unknown> | null;
    after?: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown>;
    replace_paths?: (string | number)[][];
  };
}

/** Classifies every change of `terraform show -json` of the plan. */
export function judgePlan(
  plan: { resource_changes?: ResourceChange[] },
  drifts: readonly KnownDrift[],
): PlanVerdict {
  const unexpected: string[] = [];
  const known: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read")) continue;
    const replace = actions.includes("delete") && actions.includes("create");
    if (actions.join() !== "update" && !replace) {
      unexpected.push(`${rc.address}: plan after apply wants ${actions.join(" and ")}`);
      continue;
    }
    const keys = changedKeys(rc.change);
    const after = rc.change.after ?? {};
    const unexplained = keys.filter(
      (k) => !drifts.some((d) => d.type === rc.type && d.attribute === k && (d.applies?.(after) ?? true)),
    );
    if (unexplained.length === 0) {
      known.push(`${rc.address}: ${keys.join(", ")}${replace ? " (the plan would replace it)" : ""}`);
      continue;
    }
    const shown = unexplained
      .map((k) => `${k} (sent ${brief(rc.change.after?.[k])}, read back ${brief(rc.change.before?.[k])})`)
      .join("; ");
    const verb = replace ? "replace it" : "update it";
    unexpected.push(`${rc.address}: read back differs from what was sent (the plan would ${verb}): ${shown}`);
  }
  return { unexpected, known };
}

/**
 * The attributes whose planned value differs from the read-back one, and those that force a replacement.
 * Values still unknown (computed on create) are consequences, not causes, and are left aside.
 */
function changedKeys(change: ResourceChange["change"]): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const differing = [...keys].filter((k) => unknown[k] !== true && !same(before[k], after[k]));
  const forcing = (change.replace_paths ?? []).map((p) => `${p[0]}`);
  return [...new Set([...differing, ...forcing])].sort();
}

/** Equal, counting null, "", [] and {} as the same absence (the provider does). */
function same(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) =>
    v === null ||
    v === undefined ||
    v === "" ||
    (typeof v === "object" && Object.keys(v as object).length === 0);
  return (empty(a) && empty(b)) || JSON.stringify(a) === JSON.stringify(b);
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
