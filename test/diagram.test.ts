import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDiagram } from "../scripts/diagram/build";
import { toDot } from "../scripts/diagram/dot";
import type { Diagram } from "../scripts/diagram/model";
import { renderSvg } from "../scripts/diagram/render";
import { generatedDocs } from "../scripts/docs/generated";
import { Stack } from "../scripts/lib/stack-json";
import { type SynthesizedEnvironment, synthesizeEnvironments } from "../scripts/lib/synth-stacks";
import { configFromText, synthConfig } from "./support/synth";

/** The diagram is read back through its nodes and edges, found by the resources they stand for. */
const root = mkdtempSync(join(tmpdir(), "fws-diagram-test-"));
let examples: SynthesizedEnvironment[];
const stacks: Record<string, Stack> = {};
const diagrams: Record<string, Diagram> = {};

beforeAll(() => {
  examples = synthesizeEnvironments("config", join(root, "examples"));
  const fixtures = synthesizeEnvironments("test/fixtures/configs", join(root, "fixtures"));
  for (const { stack } of [...examples, ...fixtures]) {
    stacks[stack.name] = stack;
    diagrams[stack.name] = buildDiagram(stack);
  }
});

/** The address of the one resource of `type` (whose logical name contains `part`). */
function one(env: string, type: string, part: string | RegExp = ""): string {
  const found = stacks[env]
    .all(type)
    .filter((r) => (typeof part === "string" ? r.name.includes(part) : part.test(r.name)));
  if (found.length !== 1)
    throw new Error(`expected one ${type} like "${part}" in ${env}, got ${found.length}`);
  return found[0].address;
}

function labels(env: string, from: string, to: string): (string | undefined)[] {
  return diagrams[env].edgesBetween(from, to).map((e) => e.label);
}

function azOf(env: string, id: string): string | undefined {
  return diagrams[env].nodes.get(id)?.cluster;
}

describe("dev: public ALB with a regional web ACL, one shared NAT gateway, rolling deploys", () => {
  it("draws the request path: clients → Route 53 → ALB → target group (by path) → service → web → app", () => {
    const alb = one("dev", "aws_lb");
    const record = one("dev", "aws_route53_record", "alias");
    const group = one("dev", "aws_lb_target_group", "routing-site");
    const service = one("dev", "aws_ecs_service", "service-site");
    const task = one("dev", "aws_ecs_task_definition", "service-site");
    expect(labels("dev", "clients", record)).toEqual(["https://dev.app.example.com"]);
    expect(labels("dev", record, alb)).toEqual(["alias"]);
    expect(labels("dev", alb, group)).toEqual(["HTTPS :443 /*"]);
    expect(labels("dev", alb, one("dev", "aws_lb_target_group", "routing-api"))).toEqual([
      "HTTPS :443 /api/*",
    ]);
    expect(labels("dev", group, service)).toEqual(["HTTP :8080 → web"]);
    expect(labels("dev", service, `${task}/web`)).toEqual(["HTTP :8080"]);
    expect(labels("dev", `${task}/web`, `${task}/app`)).toEqual(["via volume uwsgi-socket"]);
    expect(diagrams.dev.nodes.get(alb)?.lines).toEqual(
      expect.arrayContaining(["internet-facing, public subnets", "HTTP :80 → 301 HTTPS"]),
    );
  });

  it("puts the web ACL on the ALB and the ALB in both public subnets", () => {
    const alb = one("dev", "aws_lb");
    expect(labels("dev", one("dev", "aws_wafv2_web_acl"), alb)).toEqual(["inspects"]);
    for (const zone of ["a", "b"]) {
      expect(labels("dev", alb, one("dev", "aws_subnet", `public-eu-west-1${zone}`))).toEqual(["ENI"]);
    }
  });

  it("routes both private subnets through the one NAT gateway in AZ a, grouped by AZ", () => {
    const nat = one("dev", "aws_nat_gateway");
    expect(azOf("dev", nat)).toBe("az:eu-west-1a");
    for (const zone of ["a", "b"]) {
      const subnet = one("dev", "aws_subnet", `private-eu-west-1${zone}`);
      expect(azOf("dev", subnet)).toBe(`az:eu-west-1${zone}`);
      expect(labels("dev", subnet, nat)).toEqual(["0.0.0.0/0"]);
    }
  });

  it("shows where logs go: containers, flow logs, ALB, WAF, builds", () => {
    const task = one("dev", "aws_ecs_task_definition", "service-site");
    expect(labels("dev", `${task}/web`, one("dev", "aws_cloudwatch_log_group", "web-logs"))).toEqual([
      "awslogs",
    ]);
    expect(
      labels("dev", one("dev", "aws_flow_log"), one("dev", "aws_cloudwatch_log_group", "flow-logs")),
    ).toEqual(["cloud-watch-logs"]);
    expect(labels("dev", one("dev", "aws_lb"), one("dev", "aws_s3_bucket", "log-bucket"))).toEqual([
      "access logs + connection logs",
    ]);
    expect(
      labels("dev", one("dev", "aws_wafv2_web_acl"), one("dev", "aws_cloudwatch_log_group", "waf")),
    ).toEqual(["every request"]);
  });

  it("draws the pipeline source → build → deploy, which updates the service; alarms roll it back", () => {
    const pipeline = one("dev", "aws_codepipeline", /^pipeline_/);
    const service = one("dev", "aws_ecs_service", "service-site");
    expect(labels("dev", `${pipeline}/Source`, `${pipeline}/TestAndBuildImages`)).toEqual(["source"]);
    expect(labels("dev", `${pipeline}/TestAndBuildImages`, `${pipeline}/RollingDeploy`)).toEqual(["build"]);
    expect(labels("dev", `${pipeline}/RollingDeploy`, service)).toEqual(["update service (rolling)"]);
    expect(
      labels("dev", `${pipeline}/TestAndBuildImages`, one("dev", "aws_ecr_repository", "repositories_web_")),
    ).toEqual(["push"]);
    expect(labels("dev", "alarms:monitoring", service)).toEqual(["roll back (3)"]);
    // The api's own pipeline deploys the api.
    const api = one("dev", "aws_codepipeline", "pipeline-api");
    expect(labels("dev", `${api}/RollingDeploy`, one("dev", "aws_ecs_service", "service-api"))).toEqual([
      "update service (rolling)",
    ]);
    expect(labels("dev", "alarms:monitoring", one("dev", "aws_sns_topic"))).toEqual(["ALARM"]);
  });
});

describe("prod: CloudFront VPC origin to an internal ALB, a NAT gateway per AZ, blue/green", () => {
  it("sends requests through CloudFront and its VPC origin to the internal ALB; WAF inspects CloudFront", () => {
    const distribution = one("prod", "aws_cloudfront_distribution");
    const origin = one("prod", "aws_cloudfront_vpc_origin");
    const alb = one("prod", "aws_lb");
    expect(labels("prod", "clients", one("prod", "aws_route53_record", "alias-a_"))).toEqual([
      "https://www.example.com",
    ]);
    expect(labels("prod", distribution, origin)).toEqual(["origin"]);
    expect(labels("prod", origin, alb)).toEqual(["HTTPS :443"]);
    expect(labels("prod", one("prod", "aws_wafv2_web_acl"), distribution)).toEqual(["inspects"]);
    expect(labels("prod", one("prod", "aws_wafv2_web_acl"), alb)).toEqual([]);
    expect(diagrams.prod.nodes.get(alb)?.lines).toContain("internal, private subnets");
  });

  it("draws the blue/green pair: test listener, green target group, CodeDeploy deploying the service", () => {
    const alb = one("prod", "aws_lb");
    const blue = one("prod", "aws_lb_target_group", "routing-site_target-group_");
    const green = one("prod", "aws_lb_target_group", "green");
    const service = one("prod", "aws_ecs_service", "service-site");
    const pipeline = one("prod", "aws_codepipeline", /^pipeline_/);
    expect(labels("prod", alb, blue).sort()).toEqual([
      "HTTPS :443 www.example.com",
      "HTTPS :8443 (test) www.example.com",
    ]);
    expect(labels("prod", alb, one("prod", "aws_lb_target_group", "routing-api"))).toEqual([
      "HTTPS :443 api.example.com",
    ]);
    expect(labels("prod", green, service)).toEqual(["blue/green pair"]);
    expect(labels("prod", `${pipeline}/Approve`, `${pipeline}/BlueGreenDeploy`)).toEqual(["build"]);
    expect(labels("prod", `${pipeline}/BlueGreenDeploy`, service)).toEqual([
      "blue/green: CodeDeployDefault.ECSCanary10Percent5Minutes",
    ]);
    expect(labels("prod", "alarms:monitoring", `${pipeline}/BlueGreenDeploy`)).toEqual([
      "stop and roll back (6)",
    ]);
    expect(labels("prod", `${pipeline}/Approve`, one("prod", "aws_sns_topic", "monitoring_topic_"))).toEqual([
      "approval needed",
    ]);
  });

  it("gives each AZ its own NAT gateway and routes each private subnet to its own AZ's", () => {
    for (const zone of ["a", "b", "c"]) {
      const nat = one("prod", "aws_nat_gateway", `eu-west-1${zone}`);
      const subnet = one("prod", "aws_subnet", `private-eu-west-1${zone}`);
      expect(azOf("prod", nat)).toBe(`az:eu-west-1${zone}`);
      expect(labels("prod", subnet, nat)).toEqual(["0.0.0.0/0"]);
      expect(labels("prod", "endpoints:interface", subnet)).toEqual(["ENI"]);
    }
    expect(diagrams.prod.nodes.get("endpoints:interface")?.lines[1]).toBe("ecr.api, ecr.dkr, logs");
  });

  it("shows the audit records: CloudTrail to its bucket and log group, Config to its bucket", () => {
    const trail = one("prod", "aws_cloudtrail");
    expect(labels("prod", trail, one("prod", "aws_s3_bucket", "cloudtrail"))).toEqual(["events"]);
    expect(labels("prod", trail, one("prod", "aws_cloudwatch_log_group", "cloudtrail"))).toEqual(["events"]);
    expect(
      labels(
        "prod",
        one("prod", "aws_config_configuration_recorder"),
        one("prod", "aws_s3_bucket", "config"),
      ),
    ).toEqual(["history + snapshots"]);
    expect(
      labels(
        "prod",
        one("prod", "aws_cloudfront_distribution"),
        one("prod", "aws_cloudwatch_log_group", "cloudfront"),
      ),
    ).toEqual(["standard logs v2"]);
  });
});

describe("fixtures: the other modes", () => {
  it("minimal: no NAT gateway, endpoints in every private subnet, flow logs to S3, plain HTTP to the ALB", () => {
    expect(stacks.minimal.all("aws_nat_gateway")).toEqual([]);
    expect(
      diagrams.minimal.edges.filter((e) => e.label === "0.0.0.0/0" && e.to.startsWith("aws_nat_gateway")),
    ).toEqual([]);
    const endpoints = diagrams.minimal.nodes.get("endpoints:interface")?.lines[1].split(", ");
    expect(endpoints?.sort()).toEqual(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sts"]);
    expect(
      labels("minimal", one("minimal", "aws_flow_log"), one("minimal", "aws_s3_bucket", "flow-logs")),
    ).toEqual(["s3"]);
    expect(labels("minimal", "clients", one("minimal", "aws_lb"))).toEqual(["HTTP :80"]);
    const task = one("minimal", "aws_ecs_task_definition");
    const containers = [...diagrams.minimal.nodes.keys()].filter((k) => k.startsWith(`${task}/`));
    expect(containers).toHaveLength(1);
    expect(labels("minimal", one("minimal", "aws_ecs_service"), containers[0])).toEqual(["HTTP :8000"]);
  });

  it("publicalb: CloudFront to the public ALB with the origin header, which the listener rule requires", () => {
    const distribution = one("publicalb", "aws_cloudfront_distribution");
    const alb = one("publicalb", "aws_lb");
    expect(labels("publicalb", distribution, alb)).toEqual([
      "HTTPS :443 to origin.shop.example.org + X-Origin-Verify",
    ]);
    expect(labels("publicalb", alb, one("publicalb", "aws_lb_target_group"))).toEqual([
      "HTTPS :443 + header X-Origin-Verify",
    ]);
    expect(stacks.publicalb.all("aws_cloudfront_vpc_origin")).toEqual([]);
  });

  it("a config change shows up: dev with a NAT gateway per AZ draws two, each in its AZ", () => {
    const text = readFileSync("config/dev.yaml", "utf8").replace("natGateways: single", "natGateways: perAz");
    const stack = new Stack("dev", synthConfig(configFromText(text, "config/dev.yaml", "dev")));
    const d = buildDiagram(stack);
    const nats = stack.all("aws_nat_gateway").map((n) => d.nodes.get(n.address)?.cluster);
    expect(nats.sort()).toEqual(["az:eu-west-1a", "az:eu-west-1b"]);
  });
});

describe("rendering", () => {
  it("renders every stack to SVG with Graphviz (WASM), each edge label in the picture", async () => {
    const svg = await renderSvg(toDot(diagrams.prod), "prod");
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toMatch(/<svg [^>]*>\n<title>prod<\/title>/);
    expect(svg).toContain("HTTPS :8443 (test)");
    expect(svg).toContain("CloudFront VPC origin");
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(diagrams.prod.edges.length);
  });

  it("keeps the README's pictures current: docs/diagrams/<env>.svg equal what `npm run docs` draws", async () => {
    const { svgs } = await generatedDocs(examples);
    expect([...svgs.keys()].sort()).toEqual(["docs/diagrams/dev.svg", "docs/diagrams/prod.svg"]);
    for (const [path, svg] of svgs) {
      // If this fails, the stacks changed: run `npm run docs` and commit the pictures.
      expect(readFileSync(path, "utf8") === svg ? path : `${path} is stale: run npm run docs`).toBe(path);
    }
  });
});
