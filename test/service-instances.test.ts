import { readFileSync } from "node:fs";
import { configFromText, resourcesOf, type StackJson, synthConfig } from "./support/synth";

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
    // dev's one service, and a copy of it named api that takes /api/*.
    const text = readFileSync("config/dev.yaml", "utf8");
    const section = text.slice(text.indexOf("\nservice:\n") + 1, text.indexOf("\nedge:\n"));
    const indented = section.replace(/^service:\n/, "").replace(/^/gm, "  ");
    const two = text
      .replace(
        section,
        `services:\n  site:\n${indented}\n  api:\n    routing: { paths: ["/api/*"] }\n${indented}`,
      )
      .replace(/\ndeployment:\n {2}mode: rolling\npipeline:[\s\S]*?(?=\n#)/, "");
    json = synthConfig(configFromText(two, "config/dev.yaml", "dev"));
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
