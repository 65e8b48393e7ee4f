import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { App, Testing } from "cdktf";
import { type EnvironmentConfig, parseEnvironment } from "../../config/load";
import type { BootstrapConfig } from "../../config/schema/bootstrap";
import { addStacks } from "../../stacks/app";
import { EnvironmentStack } from "../../stacks/environment-stack";

export type Body = Record<string, any>;
export interface StackJson {
  resource: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
  output?: Record<string, Body>;
  variable?: Record<string, Body>;
  provider: Record<string, Body[]>;
  terraform: Body;
}

/** Loads and validates one config file; throws with the loader's messages if it is invalid. */
export function loadConfig(file: string): EnvironmentConfig {
  return configFromText(readFileSync(file, "utf8"), file, basename(file, extname(file)));
}

export function configFromText(text: string, file = "test.yaml", name = "test"): EnvironmentConfig {
  const result = parseEnvironment(text, file, name);
  if ("errors" in result) throw new Error(result.errors.join("\n"));
  return result.environment;
}

/** Synthesizes one environment's stack and returns its Terraform JSON. */
export function synthConfig(config: EnvironmentConfig): StackJson {
  const stack = new EnvironmentStack(Testing.app(), config);
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** Synthesizes every config (and the bootstrap, when given) into `outdir/stacks/<name>`, as `npm run synth` does. */
export function synthToDir(configs: EnvironmentConfig[], outdir: string, bootstrap?: BootstrapConfig): void {
  const app = new App({ outdir });
  addStacks(app, configs, bootstrap);
  app.synth();
}

/** The resources of one type, as [logical name, body] pairs. */
export function resourcesOf(json: StackJson, type: string): [string, Body][] {
  return Object.entries(json.resource[type] ?? {});
}

/** The one resource of a type whose logical name contains `part`. */
export function resourceNamed(json: StackJson, type: string, part: string): Body {
  const found = resourcesOf(json, type).filter(([name]) => name.includes(part));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named like "${part}", found ${found.map(([n]) => n).join(", ") || "none"}`,
    );
  }
  return found[0][1];
}

/** Parses a policy-document string from the synthesized JSON. */
export function policyOf(text: string): { Statement: Body[] } {
  return JSON.parse(text);
}

/** A Terraform reference as cdktf writes it: `${aws_lb.name.arn}`. */
export const ref = (type: string, name: string, attr = "id") => `\${${type}.${name}.${attr}}`;

/**
 * The stack without the resources of the named services (their `service-`, `routing-` and `pipeline-`
 * scopes, and monitoring's resources named after them): for tests about one service of several.
 */
export function withoutServices(json: StackJson, names: readonly string[]): StackJson {
  const theirs = (logicalName: string) =>
    names.some(
      (n) =>
        [`service-${n}_`, `routing-${n}_`, `pipeline-${n}_`].some((p) => logicalName.startsWith(p)) ||
        (logicalName.startsWith("monitoring_") && [`-${n}-`, `-${n}_`].some((p) => logicalName.includes(p))),
    );
  const resource = Object.fromEntries(
    Object.entries(json.resource).map(([type, byName]) => [
      type,
      Object.fromEntries(Object.entries(byName).filter(([n]) => !theirs(n))),
    ]),
  );
  return { ...json, resource };
}
