import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planStackOffline } from "../scripts/lib/offline-plan";
import { loadConfig, resourcesOf, synthToDir } from "./support/synth";

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
    const [[serviceName, service]] = resourcesOf(stackJson, "aws_ecs_service");
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
