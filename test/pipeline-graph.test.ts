import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { offlineOverride, terraformEnv } from "../scripts/lib/offline-plan";
import { loadConfig, resourcesOf, type StackJson, synthToDir } from "./support/synth";

/**
 * What a reviewer reads in `terraform graph`: the CodeDeploy deployment group waits for the ECS cluster and
 * service, every rollback alarm and its role's inline policy (CodeDeploy checks all of them when it creates
 * the group), so a fresh apply cannot race them.
 */
describe("prod's terraform graph", () => {
  /** Resource address → the addresses it depends on directly. */
  let edges: Map<string, string[]>;
  let json: StackJson;
  const root = mkdtempSync(join(tmpdir(), "fws-graph-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(() => {
    synthToDir([loadConfig("config/prod.yaml")], join(root, "out"));
    const dir = join(root, "out", "stacks", "prod");
    json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
    writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify(offlineOverride(json)));
    const env = terraformEnv(join(root, "work"));
    const run = (args: string[]) => {
      const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
      if (r.status !== 0) throw new Error(`terraform ${args[0]}: ${r.stderr}`);
      return r.stdout;
    };
    run(["init", "-input=false", "-no-color"]);
    const dot = run(["graph"]);
    edges = new Map();
    for (const [, from, to] of dot.matchAll(/"([^"]+)" -> "([^"]+)"/g)) {
      edges.set(from, [...(edges.get(from) ?? []), to]);
    }
  }, 120_000);

  /** Everything `from` waits for (the graph is transitively reduced: a dependency may be indirect). */
  const dependencies = (from: string): Set<string> => {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length > 0) {
      for (const to of edges.get(queue.pop() as string) ?? []) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    return seen;
  };

  it("orders the deployment group after the cluster, the service, the rollback alarms and its role's policy", () => {
    const [[group, body]] = resourcesOf(json, "aws_codedeploy_deployment_group");
    const from = `aws_codedeploy_deployment_group.${group}`;
    // The blue/green site's (the api rolls).
    const [[cluster]] = resourcesOf(json, "aws_ecs_cluster").filter(([n]) => n.startsWith("service-site_"));
    const [[service]] = resourcesOf(json, "aws_ecs_service").filter(([n]) => n.startsWith("service-site_"));
    const [[policy]] = resourcesOf(json, "aws_iam_role_policy").filter(([n]) =>
      n.includes("blue-green_role"),
    );
    const alarms = (body.alarm_configuration.alarms as string[]).map((a) =>
      a.slice(2, -1).split(".").slice(0, 2).join("."),
    );
    expect(alarms.length).toBeGreaterThan(0);
    for (const to of [
      `aws_ecs_cluster.${cluster}`,
      `aws_ecs_service.${service}`,
      `aws_iam_role_policy.${policy}`,
      ...alarms,
    ]) {
      expect(dependencies(from)).toContain(to);
    }
  });
});
