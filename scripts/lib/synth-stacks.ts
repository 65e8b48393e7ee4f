import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { type EnvironmentConfig, loadEnvironments } from "../../config/load";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { Stack, type StackJson } from "./stack-json";

export interface SynthesizedEnvironment {
  readonly config: EnvironmentConfig;
  readonly stack: Stack;
}

/**
 * Synthesizes every environment of `configDir` into `outdir` (as `npm run synth` does) and reads the stacks
 * back, so that what the tools describe is exactly what Terraform would plan. Throws with the config errors.
 */
export function synthesizeEnvironments(configDir: string, outdir = "cdktf.out"): SynthesizedEnvironment[] {
  process.setSourceMapsEnabled(false);
  const { environments, errors } = loadEnvironments(configDir);
  if (errors.length > 0) throw new Error(`Invalid configuration:\n  ${errors.join("\n  ")}`);
  const app = new App({ outdir });
  for (const env of environments) new EnvironmentStack(app, env);
  app.synth();
  return environments.map((config) => ({ config, stack: readStack(outdir, config.name) }));
}

/** Reads `outdir/stacks/<name>/cdk.tf.json`. */
export function readStack(outdir: string, name: string): Stack {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
  return new Stack(name, json);
}
