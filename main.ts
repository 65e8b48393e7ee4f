import { App } from "cdktf";
import { loadEnvironments } from "./config/load";
import { EnvironmentStack } from "./stacks/environment-stack";

/** Reads every environment file, and synthesizes one stack each only when all of them are valid. */
function main(): number {
  // cdktf captures a stack trace for every token it creates; with tsx's source maps each costs a
  // source-map lookup (about a fifth of synthesis). Our errors are config messages, not traces.
  process.setSourceMapsEnabled(false);
  const dir = process.env.CONFIG_DIR ?? "config";
  const { environments, errors } = loadEnvironments(dir);
  if (errors.length > 0) {
    console.error(
      `Invalid configuration (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was synthesized:`,
    );
    for (const e of errors) console.error(`  ${e}`);
    return 1;
  }
  const app = new App();
  for (const env of environments) new EnvironmentStack(app, env);
  app.synth();
  console.log(`Synthesized ${environments.map((e) => e.name).join(", ")} into ${app.outdir}/stacks/`);
  return 0;
}

process.exitCode = main();
