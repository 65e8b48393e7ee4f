import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";

/**
 * Runs `terraform init`, `validate` and `plan` on a synthesized stack with no AWS account and no
 * network: a copy of the stack gets an override file (fake credentials, the provider's skip flags, a
 * local backend), so the synthesized `cdk.tf.json` itself stays production-clean.
 */

const PROVIDER = "registry.terraform.io/hashicorp/aws";
/** The local state file of an offline plan, in its work directory. */
const OFFLINE_STATE = "offline.tfstate";
const PROVIDER_VERSION = "5.100.0";

/** Where a filesystem mirror of the AWS provider may live; FWS_PROVIDER_MIRROR first. */
export function findProviderMirror(): string | undefined {
  const candidates = [
    process.env.FWS_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    join(homedir(), ".terraform.d", "plugins"),
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
  ].filter((c): c is string => Boolean(c));
  return candidates.find((dir) => existsSync(join(dir, PROVIDER, PROVIDER_VERSION)));
}

/**
 * The environment terraform runs in, offline or against an emulator: no inherited credentials or variables,
 * the mirror's CLI config, no prompts, no version check, no instance metadata.
 */
export function terraformEnv(workRoot: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_CLI_CONFIG_FILE: writeCliConfig(workRoot),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    // Terraform's own logging (TF_LOG, TF_LOG_PROVIDER, TF_LOG_PATH) passes through, for diagnosing a run.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("TF_LOG"))),
  };
}

/** Writes the Terraform CLI configuration: the local mirror when present, the registry otherwise. */
export function writeCliConfig(workRoot: string): string {
  const mirror = findProviderMirror();
  const cache = join(workRoot, "plugin-cache");
  mkdirSync(cache, { recursive: true });
  const lines = mirror
    ? [
        "provider_installation {",
        `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${PROVIDER}"]\n  }`,
        `  direct {\n    exclude = ["${PROVIDER}"]\n  }`,
        "}",
      ]
    : [];
  const file = join(workRoot, "terraform.tfrc");
  writeFileSync(file, [...lines, `plugin_cache_dir = ${JSON.stringify(cache)}`, ""].join("\n"));
  return file;
}

/** Fake credentials and skip flags for every provider block of the stack (aliases included). */
export function offlineOverride(stackJson: { provider?: Record<string, Record<string, unknown>[]> }): object {
  const providers = stackJson.provider ?? {};
  const provider = Object.fromEntries(
    Object.entries(providers).map(([type, blocks]) => [
      type,
      blocks.map((block) => ({
        ...(block.alias ? { alias: block.alias } : {}),
        // The account check needs the STS API; offline it is switched off here, and only here.
        allowed_account_ids: null,
        access_key: "AKIAOFFLINEPLAN00000",
        secret_key: "offline-plan-not-a-secret",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      })),
    ]),
  );
  return { terraform: { backend: { local: { path: OFFLINE_STATE } } }, provider };
}

export interface StackPlan {
  readonly stack: string;
  /** The directory the plan ran in (a copy of the stack plus the override). */
  readonly dir: string;
  readonly ok: boolean;
  /** Every error and warning of validate and plan, and any failure of init, one line each. */
  readonly problems: string[];
  /** e.g. { add: 25, change: 0, remove: 0 } */
  readonly changes?: { add: number; change: number; remove: number };
  /** `terraform show -json` of the plan, when asked for. */
  readonly plan?: TerraformPlanJson;
}

export interface TerraformPlanJson {
  resource_changes?: {
    address: string;
    type: string;
    change: { actions: string[]; after?: Record<string, unknown> };
  }[];
  [key: string]: unknown;
}

export interface PlanOptions {
  /** Directory for the copies, the CLI config and the plugin cache. */
  readonly workRoot: string;
  /** Also return `terraform show -json` of the plan. @default false */
  readonly showJson?: boolean;
  /**
   * A Terraform state (format 4) to plan against instead of an empty one: what a real environment
   * already has. Planned without refresh, so nothing asks AWS. @default no state
   */
  readonly state?: object;
  /** Run `terraform validate` before the plan (the plan validates too, but reports less). @default true */
  readonly validate?: boolean;
}

/** The init warning every filesystem mirror causes: checksums are computed locally, not signed. */
const EXPECTED_INIT_WARNING = /Incomplete lock file information for providers/;

export function planStackOffline(stackDir: string, options: PlanOptions): StackPlan {
  const stack = basename(stackDir);
  const dir = join(options.workRoot, "stacks", stack);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(stackDir, dir, { recursive: true, filter: (src) => !src.includes(`${"/"}.terraform`) });
  const stackJson = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(stackJson), null, 2));
  if (options.state) writeFileSync(join(dir, OFFLINE_STATE), JSON.stringify(options.state));

  const env: NodeJS.ProcessEnv = { ...placeholderVariables(stackJson), ...terraformEnv(options.workRoot) };
  const run = (args: string[]) =>
    spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
  const problems: string[] = [];

  const init = run(["init", "-input=false", "-no-color"]);
  if (init.error)
    return { stack, dir, ok: false, problems: [`terraform could not start: ${init.error.message}`] };
  const initWarnings = (init.stdout + init.stderr)
    .split("\n")
    .filter((l) => /^(Warning|Error):/.test(l.trim()) && !EXPECTED_INIT_WARNING.test(l));
  if (init.status !== 0 || initWarnings.length > 0) {
    return { stack, dir, ok: false, problems: [`terraform init failed:\n${init.stdout}${init.stderr}`] };
  }

  let validated = true;
  if (options.validate ?? true) {
    const validate = run(["validate", "-json", "-no-color"]);
    const validation = JSON.parse(validate.stdout || "{}") as { diagnostics?: Diagnostic[] };
    problems.push(...(validation.diagnostics ?? []).map((d) => `validate: ${describe(d)}`));
    if (validate.status !== 0 && problems.length === 0) {
      problems.push(`validate: exit ${validate.status}: ${validate.stderr}`);
    }
    validated = validate.status === 0;
  }

  let changes: StackPlan["changes"];
  if (validated) {
    const refresh = options.state ? ["-refresh=false"] : [];
    const plan = run(["plan", "-input=false", "-lock=false", "-json", "-out=tfplan", ...refresh]);
    for (const line of plan.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const message = JSON.parse(line) as {
        type: string;
        diagnostic?: Diagnostic;
        changes?: Record<string, number>;
      };
      if (message.type === "diagnostic" && message.diagnostic)
        problems.push(`plan: ${describe(message.diagnostic)}`);
      if (message.type === "change_summary" && message.changes) {
        const c = message.changes;
        changes = { add: c.add ?? 0, change: c.change ?? 0, remove: c.remove ?? 0 };
      }
    }
    if (plan.status !== 0 && problems.length === 0)
      problems.push(`plan: exit ${plan.status}: ${plan.stderr}`);
  }

  let planJson: TerraformPlanJson | undefined;
  if (options.showJson && problems.length === 0) {
    const show = run(["show", "-json", "tfplan"]);
    planJson = JSON.parse(show.stdout) as TerraformPlanJson;
  }
  return { stack, dir, ok: problems.length === 0, problems, changes, plan: planJson };
}

/**
 * Values for the stack's variables that have no default (secrets a real plan gets from the operator):
 * a placeholder each, as TF_VAR_ environment variables, so the offline plan can run.
 */
export function placeholderVariables(stackJson: {
  variable?: Record<string, { default?: unknown }>;
}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stackJson.variable ?? {})
      .filter(([, v]) => v.default === undefined)
      .map(([name]) => [`TF_VAR_${name}`, "offline-plan-placeholder"]),
  );
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string };
}

function describe(d: Diagnostic): string {
  const where = d.address ?? d.range?.filename ?? "";
  return `${d.severity}: ${d.summary}${where ? ` (${where})` : ""}${d.detail ? `: ${d.detail.replace(/\s+/g, " ").slice(0, 400)}` : ""}`;
}
