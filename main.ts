import { App } from "cdktf";
import { loadEnvironments } from "./config/load";
import { environmentNameErrors, loadBootstrap } from "./config/load-bootstrap";
import { addStacks } from "./stacks/app";

/** Messages written for a person start with the file to change: `config/bootstrap.yaml: roles: …`. */
const PERSON_FACING = /^[\w./-]+\.(yaml|ts|json): /;

/** Reads every environment file (and bootstrap.yaml), and synthesizes only when all of them are valid. */
function main(): number {
  // cdktf captures a stack trace for every token it creates; with tsx's source maps each costs a
  // source-map lookup (about a fifth of synthesis). Our errors are config messages, not traces.
  process.setSourceMapsEnabled(false);
  const dir = process.env.CONFIG_DIR ?? "config";
  const { environments, errors } = loadEnvironments(dir);
  const bootstrap = loadBootstrap(dir);
  errors.push(...bootstrap.errors);
  if (bootstrap.bootstrap) errors.push(...environmentNameErrors(environments));
  if (errors.length > 0) {
    console.error(
      `Invalid configuration (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was synthesized:`,
    );
    for (const e of errors) console.error(`  ${e}`);
    return 1;
  }
  const app = new App();
  try {
    addStacks(app, environments, bootstrap.bootstrap);
  } catch (e) {
    // What generation refuses (an unmapped resource type, roles beyond IAM's limits) names its file.
    if (!(e instanceof Error) || !PERSON_FACING.test(e.message)) throw e;
    console.error(`Cannot generate the bootstrap; nothing was synthesized:\n  ${e.message}`);
    return 1;
  }
  app.synth();
  const names = app.node.children.map((c) => c.node.id);
  console.log(`Synthesized ${names.join(", ")} into ${app.outdir}/stacks/`);
  return 0;
}

process.exitCode = main();
