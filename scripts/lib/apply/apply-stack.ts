import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { placeholderVariables, terraformEnv } from "../offline-plan";
import { judgePlan } from "./drift";
import { type HostedZone, REPLAY_MARK, startMoto } from "./moto";
import type { Adjustment, ExcludedType, KnownDrift } from "./moto-gaps";
import { APPLY_STATE, type Credentials, motoOverride, NO_ESCAPE_ENV } from "./override";
import {
  liftPreventDestroy,
  type PreparedStack,
  type Pruned,
  prepareForMoto,
  references,
  type StackJson,
} from "./prune";
import { terraform } from "./terraform";

/** One stack applied against its own moto: one or more phases (a mode switch is two), then plan, destroy. */
export interface Scenario {
  /** e.g. `dev` or `minimal→publicalb`. */
  readonly name: string;
  /** The account id moto answers with; the stack's allowed_account_ids. */
  readonly account: string;
  readonly zones: readonly HostedZone[];
  /** Synthesized stack directories applied in order into one state (same stack name in each). */
  readonly phases: readonly string[];
}

export interface Gaps {
  readonly excluded: readonly ExcludedType[];
  readonly adjustments: readonly Adjustment[];
  readonly drifts: readonly KnownDrift[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly ok: boolean;
  /** First error line of each failure. */
  readonly failures: string[];
  readonly pruned: Pruned[];
  /** Addresses whose prevent_destroy was lifted in the copy just before the destroy. */
  readonly unprotected: string[];
  readonly adjusted: string[];
  /** Known drifts the plan after the apply showed. */
  readonly drifts: string[];
  /** Retried calls moto answered with the first attempt's response (see REPLAY_MARK): attempt, action, status. */
  readonly replayed: string[];
  /** Resources applied in the last phase. */
  readonly resources: number;
  readonly seconds: number;
  /** The work directory (moto.log, the copy, the state); removed on success. */
  readonly dir: string;
}

export interface RunOptions {
  readonly workRoot: string;
  readonly python: string;
  readonly gaps: Gaps;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const dir = join(options.workRoot, scenario.name.replace(/[^A-Za-z0-9_-]+/g, "_"));
  const stackDir = join(dir, "stack");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(stackDir, { recursive: true });
  const log = options.log ?? (() => {});
  const moto = await startMoto({
    python: options.python,
    account: scenario.account,
    zones: scenario.zones,
    logFile: join(dir, "moto.log"),
  });
  const failures: string[] = [];
  let prepared: PreparedStack | undefined;
  let drifts: string[] = [];
  let unprotected: string[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...terraformEnv(options.workRoot), ...NO_ESCAPE_ENV };
    for (const [i, phase] of scenario.phases.entries()) {
      prepared = writeCopy(phase, stackDir, moto.endpoint, options.gaps, env);
      if (i === 0) {
        const init = await terraform(["init", "-input=false", "-json"], stackDir, env);
        failures.push(...init.errors.map((e) => `init: ${e}`));
        if (init.status !== 0) break;
      }
      log(`  apply phase ${i + 1}/${scenario.phases.length} on ${moto.endpoint}`);
      const apply = await terraform(["apply", "-auto-approve", "-input=false", "-json"], stackDir, env);
      failures.push(...apply.errors.map((e) => `apply: ${e}`));
      if (apply.status !== 0) break;
      // The state must be the copy's own: a backend override that did not merge would write elsewhere.
      if (!existsSync(join(stackDir, APPLY_STATE))) {
        failures.push(`apply: no ${APPLY_STATE} in the copy: the backend override did not take`);
        break;
      }
    }
    if (failures.length === 0 && prepared)
      drifts = await planNoChanges(
        stackDir,
        env,
        options.gaps.drifts,
        refersTo(prepared.json),
        failures,
        log,
      );
    unprotected = await destroyToEmpty(stackDir, env, failures, log);
  } finally {
    await moto.stop();
  }
  const replayed = readFileSync(join(dir, "moto.log"), "utf8")
    .split("\n")
    .filter((line) => line.startsWith(`${REPLAY_MARK} `))
    .map((line) => line.slice(REPLAY_MARK.length + 1));
  const ok = failures.length === 0;
  if (ok) rmSync(dir, { recursive: true, force: true });
  return {
    name: scenario.name,
    ok,
    failures,
    pruned: prepared?.pruned ?? [],
    unprotected,
    adjusted: prepared?.adjusted ?? [],
    drifts,
    replayed,
    resources: Object.values(prepared?.json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0),
    seconds: Math.round((Date.now() - started) / 1000),
    dir,
  };
}

/**
 * Writes the prepared copy of one phase's stack and its override (signing with `credentials`); adds its
 * variables' placeholders to env. `edit` changes the prepared copy before it is written.
 */
export function writeCopy(
  phase: string,
  stackDir: string,
  endpoint: string,
  gaps: Gaps,
  env: NodeJS.ProcessEnv,
  credentials?: Credentials,
  edit?: (prepared: PreparedStack) => void,
): PreparedStack {
  cpSync(phase, stackDir, { recursive: true, filter: (src) => !src.includes("/.terraform") });
  const stackJson = JSON.parse(readFileSync(join(phase, "cdk.tf.json"), "utf8")) as StackJson;
  const prepared = prepareForMoto(stackJson, gaps.excluded, gaps.adjustments);
  edit?.(prepared);
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(prepared.json, null, 2));
  const override = motoOverride(stackJson as Parameters<typeof motoOverride>[0], endpoint, credentials);
  writeFileSync(join(stackDir, "moto_override.tf.json"), JSON.stringify(override, null, 2));
  Object.assign(env, placeholderVariables(stackJson as Parameters<typeof placeholderVariables>[0]));
  return prepared;
}

/** The plan after the apply must propose nothing, or only known drifts; returns those it showed. */
export async function planNoChanges(
  dir: string,
  env: NodeJS.ProcessEnv,
  drifts: Gaps["drifts"],
  refers: (address: string) => readonly string[],
  failures: string[],
  log: (line: string) => void,
): Promise<string[]> {
  log("  plan -detailed-exitcode");
  const plan = await terraform(
    ["plan", "-detailed-exitcode", "-input=false", "-lock=false", "-json", "-out=tfplan"],
    dir,
    env,
  );
  if (plan.status === 0) return [];
  if (plan.status !== 2) {
    failures.push(...plan.errors.map((e) => `plan: ${e}`));
    return [];
  }
  const show = await terraform(["show", "-json", "tfplan"], dir, env);
  if (show.status !== 0) {
    failures.push(...show.errors.map((e) => `show: ${e}`));
    return [];
  }
  const planJson = JSON.parse(show.stdout) as Parameters<typeof judgePlan>[0] &
    Parameters<typeof outputChanges>[0];
  const verdict = judgePlan(planJson, drifts, refers);
  failures.push(...verdict.unexpected.map((e) => `plan: ${e}`));
  // Exit code 2 with every resource change explained or none at all: the rest (outputs) is a change too.
  if (verdict.unexpected.length === 0 && verdict.known.length === 0)
    failures.push(
      `plan: plan wants changes outside resources: ${outputChanges(planJson).join(", ") || "unknown"}`,
    );
  return verdict.known;
}

/** The outputs whose planned value changes. */
function outputChanges(plan: { output_changes?: Record<string, { actions: string[] }> }): string[] {
  return Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => c.actions.join() !== "no-op")
    .map(([name, c]) => `output.${name} (${c.actions.join(" and ")})`);
}

/** The addresses each resource of the copy refers to or depends on. */
export function refersTo(json: StackJson): (address: string) => readonly string[] {
  return (address) => {
    const [type, name] = address.split(".");
    return references(json.resource?.[type]?.[name]);
  };
}

/**
 * Destroys everything the apply made and requires an empty state afterwards. Only here is prevent_destroy
 * lifted in the copy, so the apply and the plan ran with the stack's own lifecycle; returns where.
 * `secondPass` may accept a first pass's errors (and prepare the second pass): it returns why, or
 * undefined to let them fail the scenario.
 */
export async function destroyToEmpty(
  dir: string,
  env: NodeJS.ProcessEnv,
  failures: string[],
  log: (line: string) => void,
  secondPass?: (errors: string[]) => Promise<string | undefined>,
): Promise<string[]> {
  const stateList = async (when: string) => {
    const list = await terraform(["state", "list", `-state=${APPLY_STATE}`], dir, env);
    if (list.status !== 0) failures.push(`state list ${when} destroy: ${list.errors.join("; ")}`);
    return list.stdout.split("\n").filter((l) => l.trim() !== "");
  };
  // An apply that stopped at validation created nothing (not even the state file), and its configuration
  // would not destroy either.
  if (!existsSync(join(dir, APPLY_STATE)) || (await stateList("before")).length === 0) return [];
  const copy = join(dir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(copy, "utf8")) as StackJson;
  const unprotected = liftPreventDestroy(json);
  writeFileSync(copy, JSON.stringify(json, null, 2));
  if (unprotected.length > 0)
    log(`  prevent_destroy lifted in the copy only, just before destroy: ${unprotected.length} resource(s)`);
  log("  destroy");
  const destroyOnce = () => terraform(["destroy", "-auto-approve", "-input=false", "-json"], dir, env);
  let destroy = await destroyOnce();
  // A delete that answers "not found" deleted nothing that was still there: moto (threaded, on a busy
  // machine) can answer an SDK retry of a delete it already did. The second pass refreshes and finishes;
  // any other error, or one in the second pass, fails the scenario.
  if (destroy.errors.length > 0 && destroy.errors.every((e) => /NotFound/.test(e))) {
    log(`  destroy again after: ${destroy.errors.join("; ")}`);
    destroy = await destroyOnce();
  } else if (destroy.errors.length > 0 && secondPass) {
    const why = await secondPass(destroy.errors);
    if (why) {
      log(`  destroy again: ${why}`);
      destroy = await destroyOnce();
    }
  }
  failures.push(...destroy.errors.map((e) => `destroy: ${e}`));
  const left = await stateList("after");
  if (left.length > 0) {
    const shown = left.length > 8 ? `${left.slice(0, 8).join(", ")}, …` : left.join(", ");
    failures.push(`destroy: ${left.length} resource(s) left in the state: ${shown}`);
  }
  return unprotected;
}
