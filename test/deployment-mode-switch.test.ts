import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvironmentConfig } from "../config/load";
import { planStackOffline, type TerraformPlanJson } from "../scripts/lib/offline-plan";
import { referrersOf, resourceSchemas, stateAfter } from "./deployment-mode-switch-state";
import { configFromText, loadConfig, resourcesOf, synthToDir } from "./support/synth";

/**
 * The provider replaces an ECS service whose deployment controller changes (ECS ↔ CODE_DEPLOY): switching
 * deployment.mode means a new service. This plans prod (blue/green) against a state in which its service
 * still runs under the ECS controller, and shows the replacement the README warns about.
 */
describe("switching deployment.mode", () => {
  it("plans the replacement of the ECS service (delete and create), not an update", () => {
    const root = mkdtempSync(join(tmpdir(), "fws-mode-switch-"));
    const config = loadConfig("config/prod.yaml");
    synthToDir([config], join(root, "out"));
    const stackJson = require(join(root, "out", "stacks", "prod", "cdk.tf.json"));
    // The blue/green site (the api rolls).
    const [[serviceName, service]] = resourcesOf(stackJson, "aws_ecs_service").filter(([n]) =>
      n.startsWith("service-site_"),
    );
    const cluster = "arn:aws:ecs:eu-west-1:222222222222:cluster/fws-prod-site";
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "00000000-0000-0000-0000-000000000001",
      outputs: {},
      resources: [
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
                deployment_controller: [{ type: "ECS" }],
                task_definition: "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7",
              },
              sensitive_attributes: [],
            },
          ],
        },
      ],
    };
    const result = planStackOffline(join(root, "out", "stacks", "prod"), {
      workRoot: join(root, "work"),
      showJson: true,
      state,
      // plan-examples.test.ts validates this stack; here only the plan against the old state matters.
      validate: false,
    });
    expect(result.problems).toEqual([]);
    const change = result.plan?.resource_changes?.find((c) => c.address === `aws_ecs_service.${serviceName}`);
    expect(change?.change.actions.sort()).toEqual(["create", "delete"]);
  });
});

/**
 * A documented switch (containers, edge mode) must apply in one run. AWS refuses to delete a security group
 * an ALB or a task still uses, and a target group a listener still forwards to; and a load balancer, target
 * group or security group of a fixed name cannot be created before its predecessor is gone. So each of them
 * that a switch replaces must be created first, under a new name, while its users move over. Each case plans
 * mode B against the state an apply of mode A would leave.
 */
const GUARDED = ["aws_lb", "aws_lb_target_group", "aws_security_group"];

describe("switching a documented mode applies in one run", () => {
  const root = mkdtempSync(join(tmpdir(), "fws-switch-"));
  const workRoot = join(root, "work");
  const edit = (file: string, from: RegExp, to: string) => {
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(from);
    return text.replace(from, to);
  };
  const plan = (config: EnvironmentConfig, label: string, state?: object) => {
    const out = join(root, label);
    synthToDir([config], out);
    const result = planStackOffline(join(out, "stacks", config.name), {
      workRoot: join(workRoot, label),
      showJson: true,
      state,
      validate: false,
    });
    expect(result.problems).toEqual([]);
    return result;
  };
  // Mode A is the shipped file as it is: planned once per file, whichever switch starts from it.
  const shipped = new Map<string, ReturnType<typeof plan>>();
  const planShipped = (file: string, config: EnvironmentConfig) => {
    if (!shipped.has(file)) shipped.set(file, plan(config, `shipped-${config.name}`));
    return shipped.get(file) as ReturnType<typeof plan>;
  };
  const switches: [string, string, () => string, string[]][] = [
    [
      "dev: containers nginx-uwsgi → single (the target port changes)",
      "config/dev.yaml",
      () =>
        edit(
          "config/dev.yaml",
          /\n {4}execEnabled: true\n/,
          "\n    execEnabled: true\n    containers: single\n",
        ),
      ["aws_lb_target_group"],
    ],
    [
      "dev: edge alb-waf → cloudfront-vpc-origin (the ALB becomes internal)",
      "config/dev.yaml",
      () => edit("config/dev.yaml", /mode: alb-waf/, "mode: cloudfront-vpc-origin"),
      ["aws_lb", "aws_lb_target_group", "aws_security_group"],
    ],
    [
      "prod (blue/green): edge cloudfront-vpc-origin → alb-waf (the ALB becomes public)",
      "config/prod.yaml",
      () => edit("config/prod.yaml", /^edge:\n/m, "edge:\n  mode: alb-waf\n"),
      ["aws_lb", "aws_lb_target_group", "aws_security_group"],
    ],
  ];

  it.each(switches)("%s", (label, file, configB, expectedTypes) => {
    const a = loadConfig(file);
    const b = configFromText(configB(), file, a.name);
    const slug = label.replace(/[^a-z]+/gi, "-").slice(0, 40);
    const before = planShipped(file, a);
    const state = stateAfter(before.plan as TerraformPlanJson, resourceSchemas(before.dir), {
      region: a.region,
      account: a.account,
    });
    const after = plan(b, `${slug}-b`, state).plan as TerraformPlanJson;
    const replaced = (after.resource_changes ?? []).filter(
      (c) =>
        GUARDED.includes(c.type) &&
        c.change.actions.includes("create") &&
        c.change.actions.includes("delete"),
    );
    expect([...new Set(replaced.map((c) => c.type))].sort()).toEqual(expectedTypes);
    const deletedFirst = replaced
      .filter((c) => c.change.actions[0] === "delete")
      .map((c) => ({ address: c.address, stillUsedBy: referrersOf(after, c.address) }));
    expect(deletedFirst).toEqual([]);
    const sameName = replaced.filter((c) => {
      const old = (c as { change: { before?: Record<string, unknown> } }).change.before;
      return typeof old?.name === "string" && old.name === c.change.after?.name;
    });
    expect(sameName.map((c) => c.address)).toEqual([]);
  });
  it("prod, second apply: admitting only CloudFront's VPC-origin group adds that 443 rule before removing the VPC's", () => {
    const a = loadConfig("config/prod.yaml");
    const group = "sg-0123456789abcdef0";
    const b = configFromText(
      edit("config/prod.yaml", /^edge:\n/m, `edge:\n  vpcOriginSecurityGroupId: ${group}\n`),
      "config/prod.yaml",
      a.name,
    );
    const before = planShipped("config/prod.yaml", a);
    const state = stateAfter(before.plan as TerraformPlanJson, resourceSchemas(before.dir), {
      region: a.region,
      account: a.account,
    });
    const after = plan(b, "vpc-origin-group-b", state).plan as TerraformPlanJson;
    const rules = (after.resource_changes ?? []).filter(
      (c) =>
        c.type === "aws_vpc_security_group_ingress_rule" && c.address.includes("load-balancer_ingress-443"),
    );
    expect(rules.map((c) => c.change.actions)).toEqual([["create", "delete"]]);
    expect(rules[0].change.after).toMatchObject({ referenced_security_group_id: group, cidr_ipv4: null });
  });
});
