import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DENY_AUDIT, DENY_AUDIT_LOGS } from "../../../facts/iam/fixed-actions";
import { inventoryOf, type SynthesizedStack } from "../../../modules/bootstrap/inventory";
import { terraformEnv } from "../offline-plan";
import { destroyToEmpty, type Gaps, planNoChanges, refersTo, writeCopy } from "./apply-stack";
import { type HostedZone, setMotoAuth, startMoto } from "./moto";
import { AUTH_GAPS, type AuthGap, rewritePolicy } from "./moto-auth-gaps";
import { APPLY_STATE, type Credentials, motoOverride, NO_ESCAPE_ENV } from "./override";
import type { PreparedStack } from "./prune";
import { terraform } from "./terraform";

/**
 * An environment applied in moto as its deployer: the bootstrap stack applied first by the account's
 * root (moto's IAM check off), the deployer assumed, the check switched on, then the environment applied,
 * planned and destroyed with the deployer's session. A request the deployer's policies do not allow fails
 * the scenario with the action moto checked and the resource that asked for it.
 */
export interface DeployerScenario {
  readonly name: string;
  readonly account: string;
  readonly zones: readonly HostedZone[];
  /** The synthesized bootstrap stack of the environment's account. */
  readonly bootstrap: string;
  /** The output of the bootstrap that holds the deployer's ARN, e.g. `dev_deployer_role_arn`. */
  readonly deployerOutput: string;
  /** The synthesized environment stack. */
  readonly environment: string;
}

export interface DeployerRunOptions {
  readonly workRoot: string;
  readonly python: string;
  readonly gaps: Gaps;
  /** The rewrites of the bootstrap's policies in the copy. @default AUTH_GAPS */
  readonly authGaps?: readonly AuthGap[];
  /** Changes the bootstrap's prepared copy before the rewrites (a test removes an action). */
  readonly editBootstrap?: (prepared: PreparedStack) => void;
  readonly log?: (line: string) => void;
}

export interface DeployerResult {
  readonly name: string;
  readonly ok: boolean;
  readonly failures: string[];
  /** `<gap>: <count> statement(s)` rewritten in the bootstrap's copy. */
  readonly rewritten: string[];
  /** Actions moto refused, as `<action> on <resource>`, in order. */
  readonly denied: string[];
  /** Denials the destroy met that only an administrator may do, by design (the audit trail). */
  readonly administratorOnly: string[];
  /**
   * Addresses the destroy's second pass removed as the account's root after those refusals: the trail, its
   * bucket, and whatever they depend on that the first pass never reached (unproven for the deployer).
   */
  readonly destroyedAsRoot: string[];
  readonly drifts: string[];
  readonly seconds: number;
  readonly dir: string;
}

/** Denied to the deployer by design, also in a destroy: an administrator removes the trail and its logs. */
export const ADMINISTRATOR_ONLY: readonly string[] = [...DENY_AUDIT, ...DENY_AUDIT_LOGS];

export interface Denial {
  readonly action: string;
  readonly resource: string;
  readonly caller: string;
}

export async function runAsDeployer(
  scenario: DeployerScenario,
  options: DeployerRunOptions,
): Promise<DeployerResult> {
  const started = Date.now();
  const dir = join(options.workRoot, scenario.name.replace(/[^A-Za-z0-9_-]+/g, "_"));
  rmSync(dir, { recursive: true, force: true });
  const bootstrapDir = join(dir, "bootstrap");
  const stackDir = join(dir, "stack");
  mkdirSync(bootstrapDir, { recursive: true });
  mkdirSync(stackDir, { recursive: true });
  const log = options.log ?? (() => {});
  const denialsFile = join(dir, "denials.jsonl");
  const moto = await startMoto({
    python: options.python,
    account: scenario.account,
    zones: scenario.zones,
    logFile: join(dir, "moto.log"),
    denialsFile,
  });
  const failures: string[] = [];
  const rewritten: string[] = [];
  const byDesign: string[] = [];
  const asRoot: string[] = [];
  let destroyFrom = Number.POSITIVE_INFINITY;
  let drifts: string[] = [];
  const denials = () => readDenials(denialsFile);
  try {
    const env: NodeJS.ProcessEnv = { ...terraformEnv(options.workRoot), ...NO_ESCAPE_ENV };
    log(`  apply the bootstrap as the account's root on ${moto.endpoint}`);
    const rootEnv = { ...env };
    writeCopy(scenario.bootstrap, bootstrapDir, moto.endpoint, options.gaps, rootEnv, undefined, (p) => {
      // The edit first: an action a test takes out of the generated policies is out before moto's names are added.
      options.editBootstrap?.(p);
      rewritten.push(...rewritePolicies(p, options.authGaps ?? AUTH_GAPS));
    });
    const bootstrap = await initAndApply(bootstrapDir, rootEnv, failures, "bootstrap");
    const roleArn = bootstrap
      ? await output(bootstrapDir, rootEnv, scenario.deployerOutput, failures)
      : undefined;
    const session = roleArn ? await assumeRole(moto.endpoint, roleArn, scenario.name, failures) : undefined;
    if (roleArn && session) {
      await setMotoAuth(moto.endpoint, true);
      log(`  apply as ${roleArn} (moto's IAM check on)`);
      const prepared = writeCopy(scenario.environment, stackDir, moto.endpoint, options.gaps, env, session);
      const applied = await initAndApply(stackDir, env, failures, "apply");
      if (applied)
        drifts = await planNoChanges(
          stackDir,
          env,
          options.gaps.drifts,
          refersTo(prepared.json),
          failures,
          log,
        );
      destroyFrom = denials().length;
      const trailBuckets = inventoryOf(prepared.json as SynthesizedStack).trailBuckets;
      await destroyToEmpty(stackDir, env, failures, log, async () => {
        const met = denials().slice(destroyFrom);
        if (met.length === 0 || !met.every((d) => administratorOnly(d, trailBuckets))) return undefined;
        byDesign.push(...new Set(met.map(show)));
        asRoot.push(...(await stateList(stackDir, env, failures)));
        await setMotoAuth(moto.endpoint, false);
        // Only the credentials change: the copy keeps prevent_destroy lifted.
        const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
        writeFileSync(
          join(stackDir, "moto_override.tf.json"),
          JSON.stringify(motoOverride(json, moto.endpoint)),
        );
        return `as the account's root: the deployer may not ${[...new Set(met.map((d) => d.action))].join(", ")} (guard rails)`;
      });
    }
  } finally {
    await moto.stop();
  }
  // Only the destroy's refusals may be by design: the same refusal in the apply or the plan fails.
  const denied = denials()
    .map(show)
    .filter((d, i) => i < destroyFrom || !byDesign.includes(d));
  for (const d of new Set(denied)) failures.push(`denied to the deployer: ${d}`);
  const ok = failures.length === 0;
  if (ok) rmSync(dir, { recursive: true, force: true });
  return {
    name: scenario.name,
    ok,
    failures,
    rewritten,
    denied,
    administratorOnly: byDesign,
    destroyedAsRoot: asRoot,
    drifts,
    seconds: Math.round((Date.now() - started) / 1000),
    dir,
  };
}

const show = (d: Denial) => `${d.action} on ${d.resource}`;

/** A refusal the guard rails make by design: the trail's deletion, or its bucket's and log files'. */
export function administratorOnly(d: Denial, trailBuckets: readonly string[]): boolean {
  if (!ADMINISTRATOR_ONLY.includes(d.action)) return false;
  if (!d.action.startsWith("s3:")) return true;
  return trailBuckets.some(
    (b) => d.resource === `arn:aws:s3:::${b}` || d.resource.startsWith(`arn:aws:s3:::${b}/`),
  );
}

function readDenials(file: string): Denial[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Denial);
}

/** Every aws_iam_policy of the bootstrap's copy rewritten by the gaps; `<gap>: <n> statement(s)` each. */
function rewritePolicies(prepared: PreparedStack, gaps: readonly AuthGap[]): string[] {
  const counts: Record<string, number> = {};
  for (const body of Object.values(prepared.json.resource?.aws_iam_policy ?? {})) {
    const { text, changed } = rewritePolicy(body.policy as string, gaps);
    body.policy = text;
    for (const [id, n] of Object.entries(changed)) counts[id] = (counts[id] ?? 0) + n;
  }
  return Object.entries(counts).map(([id, n]) => `${id}: ${n} statement(s)`);
}

async function initAndApply(
  dir: string,
  env: NodeJS.ProcessEnv,
  failures: string[],
  label: string,
): Promise<boolean> {
  const init = await terraform(["init", "-input=false", "-json"], dir, env);
  failures.push(...init.errors.map((e) => `${label} init: ${e}`));
  if (init.status !== 0) return false;
  const apply = await terraform(["apply", "-auto-approve", "-input=false", "-json"], dir, env);
  failures.push(...apply.errors.map((e) => `${label}: ${e}`));
  if (apply.status !== 0) return false;
  if (!existsSync(join(dir, APPLY_STATE))) {
    failures.push(`${label}: no ${APPLY_STATE} in the copy: the backend override did not take`);
    return false;
  }
  return true;
}

/** The addresses still in the copy's state. */
async function stateList(dir: string, env: NodeJS.ProcessEnv, failures: string[]): Promise<string[]> {
  const list = await terraform(["state", "list", `-state=${APPLY_STATE}`], dir, env);
  if (list.status !== 0)
    failures.push(`state list before the destroy as the root: ${list.errors.join("; ")}`);
  return list.stdout.split("\n").filter((l) => l.trim() !== "");
}

async function output(
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string,
  failures: string[],
): Promise<string | undefined> {
  const run = await terraform(["output", "-raw", name], dir, env);
  if (run.status !== 0 || !run.stdout.startsWith("arn:")) {
    failures.push(`bootstrap: no output ${name}: ${run.errors.join("; ") || run.stdout}`);
    return undefined;
  }
  return run.stdout.trim();
}

/** sts:AssumeRole while moto's IAM check is off (its trust policy is not what this proves). */
async function assumeRole(
  endpoint: string,
  roleArn: string,
  session: string,
  failures: string[],
): Promise<Credentials | undefined> {
  const body = new URLSearchParams({
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: roleArn,
    RoleSessionName: session.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
    DurationSeconds: "3600",
  });
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      // moto's server routes a request by its credential scope's service; unchecked while the check is off.
      Authorization:
        "AWS4-HMAC-SHA256 Credential=root/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0",
    },
    body,
  });
  const xml = await response.text();
  const field = (name: string) => xml.match(new RegExp(`<${name}>([^<]+)</${name}>`))?.[1];
  const [accessKeyId, secretAccessKey, sessionToken] = [
    field("AccessKeyId"),
    field("SecretAccessKey"),
    field("SessionToken"),
  ];
  if (!response.ok || !accessKeyId || !secretAccessKey || !sessionToken) {
    failures.push(
      `assume the deployer: AssumeRole of ${roleArn} answered ${response.status}: ${xml.slice(0, 300)}`,
    );
    return undefined;
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}
