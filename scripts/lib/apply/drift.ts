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
  /** The addresses a resource refers to or depends on (its configuration's references). */
  refersTo: (address: string) => readonly string[] = () => [],
): PlanVerdict {
  const unexpected: string[] = [];
  const known: string[] = [];
  const pending: ResourceChange[] = [];
  /** Resources the plan replaces only because of a known drift. */
  const driftReplaced = new Set<string>();
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read")) continue;
    if (actions.join() !== "update" && !isReplace(rc)) {
      unexpected.push(`${rc.address}: plan after apply wants ${actions.join(" and ")}`);
      continue;
    }
    const { explained, unexplained } = explain(rc, drifts);
    if (unexplained.length === 0 && explained.length > 0) {
      known.push(
        `${rc.address}: ${explained.join(", ")}${isReplace(rc) ? " (the plan would replace it)" : ""}`,
      );
      if (isReplace(rc)) driftReplaced.add(rc.address);
    } else pending.push(rc);
  }
  // A dependant replaced only because a drift-replaced resource it refers to gets a new identity:
  // accepted only when every attribute it changes is still unknown and it does refer to that resource.
  for (let changed = true; changed; ) {
    changed = false;
    for (const rc of [...pending]) {
      if (!isReplace(rc)) continue;
      const { explained, unexplained } = explain(rc, drifts);
      const unknown = rc.change.after_unknown ?? {};
      const cause = refersTo(rc.address).find((a) => driftReplaced.has(a));
      if (!cause || explained.length > 0 || !unexplained.every((k) => unknown[k] === true)) continue;
      known.push(`${rc.address}: replaced with ${cause} (the plan would replace it)`);
      driftReplaced.add(rc.address);
      pending.splice(pending.indexOf(rc), 1);
      changed = true;
    }
  }
  for (const rc of pending) unexpected.push(describe(rc, drifts));
  return { unexpected, known };
}

function isReplace(rc: ResourceChange): boolean {
  return rc.change.actions.includes("delete") && rc.change.actions.includes("create");
}

/** The changed attributes a known drift explains (its read-back is moto's default), and the others. */
function explain(
  rc: ResourceChange,
  drifts: readonly KnownDrift[],
): { explained: string[]; unexplained: string[] } {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const explained: string[] = [];
  const unexplained: string[] = [];
  for (const k of changedKeys(rc.change)) {
    const drift = drifts.some(
      (d) =>
        d.type === rc.type &&
        d.attribute === k &&
        (d.applies?.(after) ?? true) &&
        MOTO_DEFAULTS.some((v) => JSON.stringify(v) === JSON.stringify(before[k] ?? null)),
    );
    (drift ? explained : unexplained).push(k);
  }
  return { explained, unexplained };
}

function describe(rc: ResourceChange, drifts: readonly KnownDrift[]): string {
  const { unexplained } = explain(rc, drifts);
  const actions = rc.change.actions.join(" and ");
  if (unexplained.length === 0) return `${rc.address}: plan wants ${actions}; no attribute explains it`;
  const shown = unexplained
    .map((k) => `${k} (sent ${brief(rc.change.after?.[k])}, read back ${brief(rc.change.before?.[k])})`)
    .join("; ");
  const verb = isReplace(rc) ? "replace it" : "update it";
  return `${rc.address}: read back differs from what was sent (the plan would ${verb}): ${shown}`;
}

/**
 * What moto reads back for a parameter it ignores: a known drift explains a change only from one of these,
 * so a read-back of any other value still fails.
 */
const MOTO_DEFAULTS: readonly unknown[] = [[], 0, false, "", null];

/**
 * The attributes whose planned value differs from the read-back one, and those that force a replacement.
 * A value still unknown (computed on create) is a consequence, not a cause, unless it forces the
 * replacement. null, "", [] and {} count as the same absence (a replacement's planned object has null
 * where the read-back has the API's empty value); a change left with no attribute at all is not
 * explained by any drift, so a perpetual null→{} update still fails.
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

/** Equal, counting null, "", [] and {} as the same absence. */
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
