import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CARRIED_BY_DEPLOYMENT, FIXED_UNDER_CODE_DEPLOY } from "../modules/service/code-deploy-fields";
import { planStackOffline, type TerraformPlanJson } from "../scripts/lib/offline-plan";
import { resourceSchemas, stateAfter } from "./deployment-mode-switch-state";
import { loadConfig, resourcesOf, synthToDir } from "./support/synth";

/**
 * Day-2 changes of a blue/green (CODE_DEPLOY) service. ECS's UpdateService refuses, for such a service,
 * everything but the count, deployment configuration, grace period, placement and tag options. Each case
 * plans prod against a state in which the running service differs from config, as after a change of
 * config: the plan must never hold an update that apply would send and ECS refuse.
 */
const root = mkdtempSync(join(tmpdir(), "fws-code-deploy-"));
const config = loadConfig("config/prod.yaml");
synthToDir([config], join(root, "out"));
const stackJson = require(join(root, "out", "stacks", "prod", "cdk.tf.json"));
// The blue/green site (prod's api rolls).
const site = ([n]: [string, unknown]) => n.startsWith("service-site_");
const [[serviceName, service]] = resourcesOf(stackJson, "aws_ecs_service").filter(site);
const [[clusterName, clusterBody]] = resourcesOf(stackJson, "aws_ecs_cluster").filter(site);
const cluster = `arn:aws:ecs:eu-west-1:222222222222:cluster/${clusterBody.name}`;

/** A state holding the running service: config's values except `running`. */
function stateWith(running: Record<string, unknown>) {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000002",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_ecs_cluster",
        name: clusterName,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: { id: cluster, arn: cluster, name: clusterBody.name },
            sensitive_attributes: [],
          },
        ],
      },
      {
        mode: "managed",
        type: "aws_ecs_service",
        name: serviceName,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 1,
            attributes: {
              id: `${cluster.replace(":cluster/", ":service/")}/${service.name}`,
              name: service.name,
              cluster,
              desired_count: 3,
              deployment_controller: [{ type: "CODE_DEPLOY" }],
              task_definition: "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7",
              scheduling_strategy: "REPLICA",
              enable_execute_command: false,
              ...running,
            },
            sensitive_attributes: [],
          },
        ],
      },
    ],
  };
}

const plan = (running: Record<string, unknown>, name: string) =>
  planStackOffline(join(root, "out", "stacks", "prod"), {
    workRoot: join(root, name),
    showJson: true,
    state: stateWith(running),
    validate: false,
  });

describe("a blue/green service after a day-2 change of config", () => {
  it("plans no in-place change of what ECS refuses under CODE_DEPLOY: the next deployment carries it", () => {
    expect(config.services[0].deployment.mode).toBe("blueGreen");
    // Subnets, security group, platform version and capacity as they were before the change.
    const result = plan(
      {
        network_configuration: [
          { subnets: ["subnet-0old1", "subnet-0old2"], security_groups: ["sg-0old"], assign_public_ip: true },
        ],
        platform_version: "1.4.0",
        capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
        load_balancer: [],
      },
      "carried",
    );
    expect(result.problems).toEqual([]);
    const change = result.plan?.resource_changes?.find((c) => c.address === `aws_ecs_service.${serviceName}`);
    expect(change?.change.actions).not.toContain("delete");
    // `terraform show -json` gives `before` beside `after`; the harness's type names only the latter.
    if (!change) throw new Error(`no planned change of aws_ecs_service.${serviceName}`);
    const { before, after } = change.change as unknown as Record<"before" | "after", Record<string, unknown>>;
    for (const field of [...CARRIED_BY_DEPLOYMENT, ...FIXED_UNDER_CODE_DEPLOY]) {
      expect({ field, planned: after[field] }).toEqual({ field, planned: before[field] });
    }
  });

  it("fails the plan on a change of ECS Exec, saying how to roll it out", () => {
    expect(config.services[0].execEnabled).toBe(false);
    const result = plan({ enable_execute_command: true }, "exec");
    const problems = result.problems.join("\n");
    expect(problems).toContain(
      "service.execEnabled: ECS refuses to change ECS Exec on a service CodeDeploy deploys",
    );
    expect(problems).toContain("terraform apply -replace=");
  });
});

describe("the tasks' security group of a blue/green service", () => {
  const [[groupName, group]] = resourcesOf(stackJson, "aws_security_group").filter(([n]) =>
    n.startsWith("service-site_security-group"),
  );
  type State = {
    resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };

  it("keeps its group when only its description or name prefix changes: the running tasks hold it until the next deployment", () => {
    expect(group.lifecycle).toEqual({
      create_before_destroy: true,
      ignore_changes: ["description", "name_prefix"],
    });
    const dir = join(root, "out", "stacks", "prod");
    const fresh = planStackOffline(dir, { workRoot: join(root, "fresh"), showJson: true, validate: false });
    expect(fresh.problems).toEqual([]);
    const state = stateAfter(fresh.plan as TerraformPlanJson, resourceSchemas(fresh.dir), {
      region: config.region,
      account: config.account,
    }) as State;
    const [running] = state.resources.filter((r) => r.type === "aws_security_group" && r.name === groupName);
    // As an older release (or another service name) described and named it.
    Object.assign(running.instances[0].attributes, {
      description: "web tasks: before a rename",
      name_prefix: "fws-prod-web-tasks-",
      name: "fws-prod-web-tasks-20261201000000000000000001",
    });
    const after = planStackOffline(dir, {
      workRoot: join(root, "renamed"),
      showJson: true,
      state,
      validate: false,
    });
    expect(after.problems).toEqual([]);
    const change = after.plan?.resource_changes?.find((c) => c.address === `aws_security_group.${groupName}`);
    // Replaced, the old group's destroy would fail (DependencyViolation) while the tasks still use it.
    // (An update is the stand-in state's unset attributes, filled in place.)
    expect(change?.change.actions).not.toContain("delete");
    expect(change?.change.after).toMatchObject({
      description: "web tasks: before a rename",
      name: "fws-prod-web-tasks-20261201000000000000000001",
    });
  });
});
