import { App, type TerraformStack, Testing } from "cdktf";
import { loadEnvironments } from "../../config/load";
import { environmentNameErrors, loadBootstrap } from "../../config/load-bootstrap";
import type { BootstrapConfig } from "../../config/schema/bootstrap";
import { type EnvironmentInventory, inventoryOf } from "../../modules/bootstrap/inventory";
import { addStacks } from "../../stacks/app";
import type { StackJson } from "./synth";

export interface BootstrappedApp {
  readonly bootstrap: BootstrapConfig;
  /** Environment and bootstrap stacks' Terraform JSON, by stack name. */
  readonly stacks: Record<string, StackJson>;
  readonly inventories: Record<string, EnvironmentInventory>;
}

/** Synthesizes a config directory with its bootstrap.yaml (or the one given), as `npm run synth` does. */
export function synthBootstrapped(dir = "config", bootstrap?: BootstrapConfig): BootstrappedApp {
  const { environments, errors } = loadEnvironments(dir);
  const loaded = loadBootstrap(dir);
  const names = environmentNameErrors(environments);
  if (errors.length > 0 || loaded.errors.length > 0 || names.length > 0)
    throw new Error([...errors, ...loaded.errors, ...names].join("\n"));
  const config = bootstrap ?? loaded.bootstrap;
  if (!config) throw new Error(`${dir}: expected a bootstrap.yaml`);
  const app = new App({ outdir: "/tmp/fws-bootstrap-test-unused" });
  addStacks(app, environments, config);
  const stacks: Record<string, StackJson> = {};
  for (const child of app.node.children) {
    stacks[child.node.id] = JSON.parse(Testing.synth(child as TerraformStack)) as StackJson;
  }
  const inventories = Object.fromEntries(
    environments.map((e) => [e.name, inventoryOf(stacks[e.name] as Parameters<typeof inventoryOf>[0])]),
  );
  return { bootstrap: config, stacks, inventories };
}

/** The policy documents of one bootstrap stack whose names start with `name` (e.g. `fws-bootstrap-dev-deployer`). */
export function policiesNamed(stack: StackJson, name: string): { name: string; policy: string }[] {
  return Object.values(stack.resource.aws_iam_policy ?? {})
    .filter((p) => String(p.name).startsWith(name))
    .map((p) => ({ name: String(p.name), policy: String(p.policy) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Concrete values for the bootstrap's own references (the state bucket and key, the roles'). */
export function bootstrapSubstitutions(account: string, region = "eu-west-1") {
  return (expression: string): string | undefined => {
    if (/^aws_kms_key\.[\w-]+\.arn$/.test(expression)) {
      return `arn:aws:kms:${region}:${account}:key/0f1e2d3c-0000-4000-8000-000000000001`;
    }
    const bucket = /^aws_s3_bucket\.state_bucket_\w+\.(arn|bucket)$/.exec(expression);
    if (bucket) {
      const name = `fws-bootstrap-tfstate-${account}-${region}`;
      return bucket[1] === "arn" ? `arn:aws:s3:::${name}` : name;
    }
    const table = /^aws_dynamodb_table\.[\w-]+\.arn$/.test(expression);
    if (table) return `arn:aws:dynamodb:${region}:${account}:table/fws-bootstrap-tflock`;
    const boundary = /^aws_iam_policy\.roles-([\w-]+)_boundary_\w+\.arn$/.exec(expression);
    if (boundary) return `arn:aws:iam::${account}:policy/fws-bootstrap-${boundary[1]}-boundary`;
    const role = /^aws_iam_role\.[\w-]+_(planner|deployer)_[\w]+\.arn$/.exec(expression);
    if (role) return `arn:aws:iam::${account}:role/bootstrap-${role[1]}`;
    return undefined;
  };
}
