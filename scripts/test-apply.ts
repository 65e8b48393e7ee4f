/**
 * `npm run test:apply [scenario…]`: applies every example stack (and the fixtures, and mode switches)
 * against moto, one stack after the other, each with its own moto and account id: apply, plan with no
 * changes, destroy to an empty state. Fails on anything moto-gaps.ts does not list.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import { type EnvironmentConfig, parseEnvironment } from "../config/load";
import { loadBootstrap } from "../config/load-bootstrap";
import { addStacks } from "../stacks/app";
import { EnvironmentStack } from "../stacks/environment-stack";
import { runScenario, type Scenario, type ScenarioResult } from "./lib/apply/apply-stack";
import { type DeployerResult, type DeployerScenario, runAsDeployer } from "./lib/apply/as-deployer";
import { findMotoPython, killRunningMotos, MOTO_INSTALL } from "./lib/apply/moto";
import { MOTO_AUTH_UNCHECKED } from "./lib/apply/moto-auth-gaps";
import { ADJUSTMENTS, EXCLUDED_TYPES, KNOWN_DRIFTS } from "./lib/apply/moto-gaps";
import { killRunningTerraforms } from "./lib/apply/terraform";

/** Keep the work directories of failed scenarios for inspection (removed otherwise, like every temp dir). */
const KEEP = process.env.FWS_APPLY_KEEP === "1";

/** A config file, optionally with a YAML patch on top (the second phase of a mode switch). */
interface Phase {
  readonly file: string;
  readonly patch?: Record<string, unknown>;
}

const SCENARIOS: Record<string, Phase[]> = {
  dev: [{ file: "config/dev.yaml" }],
  prod: [{ file: "config/prod.yaml" }],
  minimal: [{ file: "test/fixtures/configs/minimal.yaml" }],
  publicalb: [{ file: "test/fixtures/configs/publicalb.yaml" }],
  // Mode switches: apply mode A, then mode B into the same state; a name that must be replaced shows here.
  "minimal:nat-none→single": [
    { file: "test/fixtures/configs/minimal.yaml" },
    { file: "test/fixtures/configs/minimal.yaml", patch: { network: { natGateways: "single" } } },
  ],
  // The site switches; the api beside it stays rolling.
  "dev:rolling→blueGreen": [
    { file: "config/dev.yaml" },
    { file: "config/dev.yaml", patch: { services: { site: { deployment: { mode: "blueGreen" } } } } },
  ],
};

/**
 * Environments applied as their deployer: config/bootstrap.yaml's bootstrap of the environment's account
 * first (as the root), then the environment with the deployer's session (as-deployer.ts).
 */
const AS_DEPLOYER: Record<string, string> = {
  "dev:as-deployer": "config/dev.yaml",
  "prod:as-deployer": "config/prod.yaml",
};

/**
 * Left out of a run that names no scenario: `<env>:as-deployer` applies, plans and destroys the same
 * stack (as `npm run synth` writes it, its roles with the boundary) and checks everything these do.
 */
const SUPERSEDED = ["dev", "prod"];

function loadPhase(phase: Phase): EnvironmentConfig {
  const name = basename(phase.file, extname(phase.file));
  const text = readFileSync(phase.file, "utf8");
  const patched = phase.patch ? stringify(merge(parse(text), phase.patch)) : text;
  const shown = phase.patch ? `${phase.file} with ${JSON.stringify(phase.patch)}` : phase.file;
  const result = parseEnvironment(patched, shown, name);
  if ("errors" in result) throw new Error(result.errors.join("\n"));
  return result.environment;
}

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object"
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Synthesizes each phase into its own directory; the stack name (the config's) is the same in each. */
function synthesize(name: string, phases: Phase[], root: string): Scenario {
  const configs = phases.map(loadPhase);
  const dirs = configs.map((config, i) => {
    const outdir = join(root, "synth", name, `${i}`);
    mkdirSync(outdir, { recursive: true });
    const app = new App({ outdir });
    new EnvironmentStack(app, config);
    app.synth();
    return join(outdir, "stacks", config.name);
  });
  const domain = configs[0].loadBalancer.domain;
  const zones = domain ? [{ name: domain.name.split(".").slice(1).join("."), id: domain.hostedZoneId }] : [];
  return { name, account: configs[0].account, zones, phases: dirs };
}

/** The environment and its account's bootstrap (with this environment only), synthesized in one app. */
function synthesizeAsDeployer(name: string, file: string, root: string): DeployerScenario {
  const config = loadPhase({ file });
  const { bootstrap, errors } = loadBootstrap("config");
  if (!bootstrap)
    throw new Error(errors.join("\n") || "config/bootstrap.yaml: expected a bootstrap, got none");
  const outdir = join(root, "synth", name);
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  addStacks(app, [config], bootstrap);
  app.synth();
  const domain = config.loadBalancer.domain;
  const zones = domain ? [{ name: domain.name.split(".").slice(1).join("."), id: domain.hostedZoneId }] : [];
  return {
    name,
    account: config.account,
    zones,
    bootstrap: join(outdir, "stacks", `bootstrap-${config.account}`),
    deployerOutput: `${config.name.replace(/-/g, "_")}_deployer_role_arn`,
    environment: join(outdir, "stacks", config.name),
  };
}

function reportAsDeployer(r: DeployerResult): void {
  console.log(
    r.ok
      ? `✔ ${r.name}: applied, planned with no changes and destroyed as the deployer, nothing denied${r.administratorOnly.length > 0 ? " but by design" : ""} (${r.seconds} s)`
      : `✘ ${r.name}: failed (${r.seconds} s)`,
  );
  for (const g of r.rewritten) console.log(`  bootstrap's policies in the copy (moto-auth-gaps.ts): ${g}`);
  for (const a of r.administratorOnly)
    console.log(`  destroyed as the root, denied to the deployer by design: ${a}`);
  if (r.destroyedAsRoot.length > 0)
    console.log(
      `  destroyed as the root after those refusals, so not proven for the deployer: ${r.destroyedAsRoot.join(", ")}`,
    );
  for (const d of r.drifts) console.log(`  known moto drift: ${d}`);
  console.log(`  not checked by moto: ${MOTO_AUTH_UNCHECKED.join("; ")}`);
  for (const f of r.failures) console.error(`  FAIL ${f}`);
  if (!r.ok && KEEP) console.error(`  work directory kept: ${r.dir}`);
}

function report(r: ScenarioResult): void {
  const outcome = r.ok
    ? `✔ ${r.name}: applied, planned with no changes, destroyed to an empty state`
    : `✘ ${r.name}: failed`;
  console.log(`${outcome} (${r.resources} resources, ${r.seconds} s)`);
  if (r.unprotected.length > 0)
    console.log(
      `  prevent_destroy kept for apply and plan, lifted in the copy only before destroy: ${r.unprotected.length} resource(s)`,
    );
  for (const a of r.adjusted) console.log(`  adjusted in the copy (moto-gaps.ts): ${a}`);
  if (r.pruned.length > 0) console.log(`  left out (moto-gaps.ts): ${r.pruned.length}`);
  for (const p of r.pruned) console.log(`    - ${p.address}: ${p.why}`);
  for (const d of r.drifts) console.log(`  known moto drift: ${d}`);
  for (const x of r.replayed)
    console.log(`  retried call answered with its first response (moto dropped the connection): ${x}`);
  for (const f of r.failures) console.error(`  FAIL ${f}`);
  if (!r.ok && KEEP) console.error(`  work directory kept: ${r.dir}`);
}

async function main(): Promise<number> {
  const python = findMotoPython();
  if (!python) {
    console.error(
      `The apply tier needs moto's server in a python3 on this machine; install it with: ${MOTO_INSTALL}`,
    );
    return 1;
  }
  const wanted = process.argv.slice(2);
  const all = [...Object.keys(SCENARIOS), ...Object.keys(AS_DEPLOYER)];
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    console.error(`No scenario named ${unknown.join(", ")} (have: ${all.join(", ")})`);
    return 1;
  }
  const root = mkdtempSync(join(tmpdir(), "fws-apply-"));
  cleanupOnExit(root);
  process.setSourceMapsEnabled(false);
  const names = wanted.length > 0 ? wanted : all.filter((n) => !SUPERSEDED.includes(n));
  let failed = 0;
  const gaps = { excluded: EXCLUDED_TYPES, adjustments: ADJUSTMENTS, drifts: KNOWN_DRIFTS };
  try {
    for (const name of names) {
      console.log(`${name}: synthesizing`);
      if (name in AS_DEPLOYER) {
        const scenario = synthesizeAsDeployer(name, AS_DEPLOYER[name], root);
        const result = await runAsDeployer(scenario, {
          workRoot: join(root, "work"),
          python,
          gaps,
          log: (line) => console.log(line),
        });
        reportAsDeployer(result);
        if (!result.ok) failed += 1;
        continue;
      }
      const scenario = synthesize(name, SCENARIOS[name], root);
      const result = await runScenario(scenario, {
        workRoot: join(root, "work"),
        python,
        gaps,
        log: (line) => console.log(line),
      });
      report(result);
      if (!result.ok) failed += 1;
    }
  } finally {
    // Also when synthesis or moto's start throws: runScenario has stopped its moto by then.
    if (!KEEP) rmSync(root, { recursive: true, force: true });
  }
  if (failed > 0 && !KEEP)
    console.error("FWS_APPLY_KEEP=1 keeps the work directories (moto.log, state) of failures.");
  console.log(
    failed === 0 ? `All ${names.length} scenario(s) passed.` : `${failed} of ${names.length} failed.`,
  );
  return failed === 0 ? 0 : 1;
}

/**
 * Ends moto and terraform (by pid and process group) on every way out, and removes the temp directory
 * unless FWS_APPLY_KEEP=1. A signal exits with 128 + its number (SIGINT 130, SIGTERM 143).
 */
function cleanupOnExit(root: string): void {
  process.once("exit", () => {
    killRunningTerraforms();
    killRunningMotos();
    if (!KEEP) rmSync(root, { recursive: true, force: true });
  });
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`Interrupted (${signal}): moto and terraform stopped${KEEP ? "" : `, ${root} removed`}.`);
      process.exit(code);
    });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
