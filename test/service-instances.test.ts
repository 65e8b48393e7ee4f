import { Testing } from "cdktf";
import { EnvironmentStack } from "../stacks/environment-stack";
import { loadConfig, resourcesOf, type StackJson } from "./support/synth";

/** Physical-name attributes per resource type: two services of one environment must not share any. */
const NAMED: Record<string, string> = {
  aws_ecs_cluster: "name",
  aws_ecs_service: "name",
  aws_ecs_task_definition: "family",
  aws_iam_role: "name",
  aws_security_group: "name",
  aws_cloudwatch_log_group: "name",
  aws_ecr_repository: "name",
  aws_appautoscaling_policy: "name",
  aws_appautoscaling_scheduled_action: "name",
};

describe("two services in one environment", () => {
  let json: StackJson;
  beforeAll(() => {
    const config = loadConfig("config/dev.yaml");
    const stack = new EnvironmentStack(Testing.app(), config);
    stack.addService(config, { ...config.service, name: "api" }, stack.logsKey.arn);
    json = JSON.parse(Testing.synth(stack));
  });

  it("create every named resource twice, under different names", () => {
    for (const [type, attribute] of Object.entries(NAMED)) {
      const names = resourcesOf(json, type).map(([, r]) => r[attribute]);
      expect({ type, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({
        type,
        duplicates: [],
      });
    }
    const clusters = resourcesOf(json, "aws_ecs_cluster").map(([, r]) => r.name);
    expect(clusters.sort()).toEqual(["fws-dev-api", "fws-dev-site"]);
  });

  it("keep each service's log groups and repositories under its own name", () => {
    const groups = resourcesOf(json, "aws_cloudwatch_log_group").map(([, r]) => r.name);
    expect(groups).toEqual(
      expect.arrayContaining(["/fws/dev/api/web", "/fws/dev/api/app", "/fws/dev/site/web"]),
    );
    const repos = resourcesOf(json, "aws_ecr_repository").map(([, r]) => r.name);
    expect(repos).toEqual(expect.arrayContaining(["fws-dev/api/web", "fws-dev/site/web"]));
  });
});
