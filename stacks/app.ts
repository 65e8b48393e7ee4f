import type { App } from "cdktf";
import type { EnvironmentConfig } from "../config/load";
import type { BootstrapConfig } from "../config/schema/bootstrap";
import { partitionOf } from "../constructs/context";
import {
  type EnvironmentInventory,
  inventoryOf,
  type SynthesizedStack,
} from "../modules/bootstrap/inventory";
import { boundaryPolicyArn } from "../modules/bootstrap/names";
import { BootstrapStack } from "./bootstrap-stack";
import { EnvironmentStack } from "./environment-stack";

/**
 * Every stack of a config directory: one per environment, then (with a bootstrap.yaml) one bootstrap per
 * account, generated from the environment stacks as synthesized, walked in this same app.
 */
export function addStacks(app: App, environments: EnvironmentConfig[], bootstrap?: BootstrapConfig): void {
  const inventories: EnvironmentInventory[] = [];
  for (const env of environments) {
    const group = bootstrap?.roles.scope === "account" ? "account" : env.name;
    const stack = new EnvironmentStack(app, env, {
      permissionsBoundaryArn:
        bootstrap && boundaryPolicyArn(partitionOf(env.region).partition, env.account, env.project, group),
    });
    if (bootstrap)
      inventories.push({
        ...inventoryOf(stack.toTerraform() as SynthesizedStack),
        production: env.production,
      });
  }
  if (!bootstrap) return;
  const accounts = [...new Set(inventories.map((i) => i.account))].sort();
  for (const account of accounts) {
    new BootstrapStack(app, {
      account,
      config: bootstrap,
      inventories: inventories.filter((i) => i.account === account),
    });
  }
}
