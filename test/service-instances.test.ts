import { readFileSync } from "node:fs";
import { configFromText, loadConfig, resourcesOf, type StackJson, synthConfig } from "./support/synth";

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
  aws_lb_target_group: "name",
  aws_cloudwatch_metric_alarm: "alarm_name",
  aws_cloudwatch_query_definition: "name",
  aws_cloudwatch_event_rule: "name",
  aws_codepipeline: "name",
  aws_codebuild_project: "name",
  aws_codestarconnections_connection: "name",
  aws_codestarnotifications_notification_rule: "name",
  aws_kms_alias: "name",
  aws_s3_bucket: "bucket",
};

describe("two services in one environment (dev: site and api)", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig("config/dev.yaml"));
  });

  it("create every named resource twice, under different names", () => {
    for (const [type, attribute] of Object.entries(NAMED)) {
      const names = resourcesOf(json, type).map(([, r]) => r[attribute]);
      expect({ type, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({
        type,
        duplicates: [],
      });
    }
    expect(resourcesOf(json, "aws_codepipeline")).toHaveLength(2);
    const clusters = resourcesOf(json, "aws_ecs_cluster").map(([, r]) => r.name);
    expect(clusters.sort()).toEqual(["fws-dev-api", "fws-dev-site"]);
  });

  it("keep each service's log groups and repositories under its own name", () => {
    const groups = resourcesOf(json, "aws_cloudwatch_log_group").map(([, r]) => r.name);
    expect(groups).toEqual(
      expect.arrayContaining(["/fws/dev/api/node", "/fws/dev/site/web", "/fws/dev/site/app"]),
    );
    const repos = resourcesOf(json, "aws_ecr_repository").map(([, r]) => r.name);
    expect(repos).toEqual(expect.arrayContaining(["fws-dev/api/node", "fws-dev/site/web"]));
  });
});

describe.each(["dev", "prod"])("the services of %s on one load balancer", (env) => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig(`config/${env}.yaml`));
  });
  const ref = (type: string, name: string, attr: string) => `\${${type}.${name}.${attr}}`;
  /** The construct scope a resource belongs to: `routing-api`, `service-site`, … */
  const scopeOf = (logicalName: string) => logicalName.split("_")[0];

  it("give each ECS service its own target group, in no other service's", () => {
    const groupsOf = Object.fromEntries(
      resourcesOf(json, "aws_ecs_service").map(([name, s]) => [
        scopeOf(name),
        s.load_balancer[0].target_group_arn,
      ]),
    );
    expect(Object.keys(groupsOf).sort()).toEqual(["service-api", "service-site"]);
    expect(new Set(Object.values(groupsOf)).size).toBe(2);
    for (const [scope, arn] of Object.entries(groupsOf)) {
      const [group] = resourcesOf(json, "aws_lb_target_group").filter(
        ([n]) => ref("aws_lb_target_group", n, "arn") === arn,
      );
      expect(scopeOf(group[0])).toBe(scope.replace("service-", "routing-"));
    }
  });

  it("forward every listener rule to a target group of the service that owns the rule, and nothing to a listener's default", () => {
    const rules = resourcesOf(json, "aws_lb_listener_rule");
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const [name, rule] of rules) {
      const target = rule.action[0].target_group_arn as string;
      const [group] = resourcesOf(json, "aws_lb_target_group").filter(
        ([n]) => ref("aws_lb_target_group", n, "arn") === target,
      );
      expect({ rule: name, group: scopeOf(group[0]) }).toEqual({ rule: name, group: scopeOf(name) });
    }
    for (const [, listener] of resourcesOf(json, "aws_lb_listener"))
      expect(listener.default_action[0].type).not.toBe("forward");
  });

  it("give rules on one listener distinct priorities", () => {
    const byListener = new Map<string, number[]>();
    for (const [, r] of resourcesOf(json, "aws_lb_listener_rule"))
      byListener.set(r.listener_arn, [...(byListener.get(r.listener_arn) ?? []), r.priority]);
    for (const priorities of byListener.values()) expect(new Set(priorities).size).toBe(priorities.length);
  });
});

describe("dev's rules: one host split by path", () => {
  it("send /api/* to the api before the site's catch-all", () => {
    const json = synthConfig(loadConfig("config/dev.yaml"));
    const rules = Object.fromEntries(
      resourcesOf(json, "aws_lb_listener_rule").map(([n, r]) => [
        n.split("_")[0],
        { priority: r.priority, condition: r.condition },
      ]),
    );
    expect(rules).toEqual({
      "routing-api": { priority: 29267, condition: [{ path_pattern: { values: ["/api/*"] } }] },
      "routing-site": { priority: 50000, condition: [{ path_pattern: { values: ["/*"] } }] },
    });
  });
});

describe("prod's rules: a host each, blue/green beside rolling", () => {
  it("route by host, give the blue/green site a pair and a test rule, the rolling api one group", () => {
    const json = synthConfig(loadConfig("config/prod.yaml"));
    const rules = resourcesOf(json, "aws_lb_listener_rule").map(([n, r]) => [
      n.split("_").slice(0, 2).join("_"),
      r.condition,
      r.lifecycle?.ignore_changes,
    ]);
    expect(rules.sort()).toEqual([
      ["routing-api_rule", [{ host_header: { values: ["api.example.com"] } }], undefined],
      ["routing-site_rule", [{ host_header: { values: ["www.example.com"] } }], ["action"]],
      ["routing-site_test-rule", [{ host_header: { values: ["www.example.com"] } }], ["action"]],
    ]);
    const groups = resourcesOf(json, "aws_lb_target_group").map(([n]) => n.split("_").slice(0, 2).join("_"));
    expect(groups.sort()).toEqual([
      "routing-api_target-group",
      "routing-site_target-group",
      "routing-site_target-group-green",
    ]);
    expect(resourcesOf(json, "aws_codedeploy_deployment_group")).toHaveLength(1);
    const [[, cert]] = resourcesOf(json, "aws_acm_certificate").filter(([, c]) => !c.provider);
    expect(cert.subject_alternative_names.sort()).toEqual(["api.example.com", "origin.www.example.com"]);
    const [[, distribution]] = resourcesOf(json, "aws_cloudfront_distribution");
    expect(distribution.aliases).toEqual(["www.example.com", "api.example.com"]);
  });
});

describe("two pipelines pulling base images through ECR's cache of Docker Hub", () => {
  it("give each service a pull-through rule of its own, which only its build may use", () => {
    const text = readFileSync("config/dev.yaml", "utf8").replaceAll(
      "      branch: develop\n",
      "      branch: develop\n      baseImageSource: pull-through-cache\n      dockerHubCredentialsArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/docker-hub-AbCdEf\n",
    );
    const json = synthConfig(configFromText(text, "config/dev.yaml", "dev"));
    const prefixes = resourcesOf(json, "aws_ecr_pull_through_cache_rule").map(
      ([, r]) => r.ecr_repository_prefix,
    );
    expect(prefixes.sort()).toEqual(["fws-dev-api-docker-hub", "fws-dev-site-docker-hub"]);
    for (const prefix of prefixes) expect(prefix.length).toBeLessThanOrEqual(30);
    const cacheResources = resourcesOf(json, "aws_iam_role_policy")
      .flatMap(([n, p]) => JSON.parse(p.policy).Statement.map((s: any) => [n.split("_")[0], s]))
      .filter(([, s]) => s.Sid === "PullThroughDockerHubCache")
      .map(([scope, s]) => [scope, s.Resource]);
    expect(cacheResources.sort()).toEqual([
      ["pipeline", "arn:aws:ecr:eu-west-1:111111111111:repository/fws-dev-site-docker-hub/*"],
      ["pipeline-api", "arn:aws:ecr:eu-west-1:111111111111:repository/fws-dev-api-docker-hub/*"],
    ]);
  });
});

describe("a pipeline borrowing another service's connection (pipeline.connectionFrom)", () => {
  it("creates one connection, which both pipelines' sources use and both roles may use, one approval for both", () => {
    const text = readFileSync("config/dev.yaml", "utf8").replace(
      "      repository: example-org/web-api\n",
      "      repository: example-org/web-api\n      connectionFrom: site\n",
    );
    const json = synthConfig(configFromText(text, "config/dev.yaml", "dev"));
    const connections = resourcesOf(json, "aws_codestarconnections_connection");
    expect(connections.map(([n]) => n.split("_")[0])).toEqual(["pipeline"]);
    const arn = `\${aws_codestarconnections_connection.${connections[0][0]}.arn}`;
    for (const [, p] of resourcesOf(json, "aws_codepipeline"))
      expect(p.stage[0].action[0].configuration.ConnectionArn).toBe(arn);
    const sources = resourcesOf(json, "aws_iam_role_policy")
      .flatMap(([, p]) => JSON.parse(p.policy).Statement)
      .filter((s: any) => s.Sid === "Source");
    expect(sources).toEqual([
      expect.objectContaining({ Action: "codestar-connections:UseConnection", Resource: arn }),
      expect.objectContaining({ Action: "codestar-connections:UseConnection", Resource: arn }),
    ]);
    expect(json.output?.connection_arn.value).toEqual({ site: arn, api: arn });
    expect(Object.keys(json.output?.connection_status.value)).toEqual(["site"]);
  });
});
