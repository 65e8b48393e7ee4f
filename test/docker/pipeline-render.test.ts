/**
 * docker/ci/render-deploy.sh: the deploy inputs from the template revision Terraform registered plus the new
 * images by digest, run with a stand-in `aws`. And the cross-check: the AppSpec rendered with the
 * production stack's build environment names the container and port of the service's load balancer.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { BUILD_ENV, BUILD_OUTPUT } from "../../modules/pipeline/build-contract";
import { DEPLOY_TAGS } from "../../modules/service/code-deploy-fields";
import { type Body, loadConfig, resourcesOf, synthConfig } from "../support/synth";
import { type Answer, digestOf, type StandIns, standIns } from "./pipeline-stand-ins";

const ARN = "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7";
const REGISTRY = "222222222222.dkr.ecr.eu-west-1.amazonaws.com";
const WEB_IMAGE = `${REGISTRY}/fws-prod/site/web@${digestOf("web")}`;
const APP_IMAGE = `${REGISTRY}/fws-prod/site/app@${digestOf("app")}`;
const READ_ONLY = {
  taskDefinitionArn: ARN,
  revision: 7,
  status: "ACTIVE",
  requiresAttributes: [{ name: "com.amazonaws.ecs.capability.docker-remote-api.1.18" }],
  compatibilities: ["EC2", "FARGATE"],
  registeredAt: "2026-02-02T10:00:00.000000+00:00",
  registeredBy: "arn:aws:sts::222222222222:assumed-role/terraform/session",
  deregisteredAt: "2026-02-03T10:00:00.000000+00:00",
};

/** What Terraform owns: everything but the images (which it sets to the repository and config's tag). */
const TEMPLATE = {
  family: "fws-prod-site",
  taskRoleArn: "arn:aws:iam::222222222222:role/fws-prod-site-task",
  executionRoleArn: "arn:aws:iam::222222222222:role/fws-prod-site-execution",
  networkMode: "awsvpc",
  containerDefinitions: [
    {
      name: "web",
      image: `${REGISTRY}/fws-prod/site/web:0.1.0`,
      essential: true,
      portMappings: [
        { name: "web", containerPort: 8080, hostPort: 8080, protocol: "tcp", appProtocol: "http" },
      ],
      environment: [{ name: "VPC_CIDR", value: "10.20.0.0/16" }],
      dependsOn: [{ containerName: "app", condition: "HEALTHY" }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/fws/prod/site/web" } },
    },
    {
      name: "app",
      image: `${REGISTRY}/fws-prod/site/app:0.1.0`,
      essential: true,
      portMappings: [],
      secrets: [
        { name: "APP_SECRET_KEY", valueFrom: "arn:aws:secretsmanager:eu-west-1:222222222222:secret:x" },
      ],
    },
  ],
  volumes: [{ name: "uwsgi-socket", host: {} }],
  placementConstraints: [],
  requiresCompatibilities: ["FARGATE"],
  cpu: "1024",
  memory: "2048",
  runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
  ephemeralStorage: { sizeInGiB: 21 },
};

/** The tags Terraform sets on a blue/green template: what the AppSpec must carry (code-deploy-fields.ts). */
const DEPLOY_TAG_VALUES = [
  { key: DEPLOY_TAGS.subnets, value: "subnet-0a1 subnet-0b2 subnet-0c3" },
  { key: DEPLOY_TAGS.securityGroups, value: "sg-0123abcd" },
  { key: DEPLOY_TAGS.assignPublicIp, value: "DISABLED" },
  { key: DEPLOY_TAGS.platformVersion, value: "LATEST" },
  { key: DEPLOY_TAGS.capacityProviderStrategy, value: "FARGATE:3:3 FARGATE_SPOT:1:0" },
];

/** describe-task-definition's answer: the revision as ECS stores it, and its tags beside it. */
const described = (taskDefinition: Body, tags: { key: string; value: string }[] = DEPLOY_TAG_VALUES) =>
  JSON.stringify({
    taskDefinition: { ...READ_ONLY, ...taskDefinition },
    tags: [{ key: "environment", value: "prod" }, ...tags],
  });

let ci: StandIns;
afterEach(() => ci?.cleanup());

/** Stand-ins whose `aws` answers describe-task-definition with the template (or as told). */
function withTemplate(
  template: Body = TEMPLATE,
  aws: Omit<Answer, "when"> = { stdout: described(template) },
) {
  ci = standIns({ aws: [{ when: ["describe-task-definition"], ...aws }] });
}
const renderNow = (images: string[], env: Record<string, string> = {}) =>
  ci.run("render-deploy.sh", images, {
    [BUILD_ENV.templateTaskDefinitionArn]: ARN,
    [BUILD_ENV.deploymentMode]: "rolling",
    ...env,
  });
function render(
  images: string[],
  env: Record<string, string> = {},
  template?: Body,
  aws?: Omit<Answer, "when">,
) {
  withTemplate(template, aws);
  return renderNow(images, env);
}
const blueGreen = { [BUILD_ENV.deploymentMode]: "blueGreen", CONTAINER_NAME: "web", CONTAINER_PORT: "8080" };
const output = (file: string) => readFileSync(join(ci.dir, file), "utf8");
const outputJson = (file: string) => JSON.parse(output(file));

describe("docker/ci/render-deploy.sh", () => {
  it("reads exactly the template revision the build was given, with its tags", () => {
    expect(render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`]).status).toBe(0);
    expect(ci.calls()).toEqual([
      [
        "aws",
        "ecs",
        "describe-task-definition",
        "--task-definition",
        ARN,
        "--include",
        "TAGS",
        "--output",
        "json",
      ],
    ]);
  });

  it("renders the template with the images by digest and without its read-only fields, nothing else changed", () => {
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`]);
    expect(result.stderr).toContain(`wrote taskdef.json imagedefinitions.json from ${ARN}`);
    const taskdef = outputJson(BUILD_OUTPUT.taskDefinition);
    for (const field of Object.keys(READ_ONLY)) expect(taskdef).not.toHaveProperty(field);
    expect(taskdef.containerDefinitions.map((c: Body) => c.image)).toEqual([WEB_IMAGE, APP_IMAGE]);
    const [web, app] = TEMPLATE.containerDefinitions;
    expect(taskdef).toStrictEqual({
      ...TEMPLATE,
      containerDefinitions: [
        { ...web, image: WEB_IMAGE },
        { ...app, image: APP_IMAGE },
      ],
    });
    // The order of the template's fields too, so a diff of two renders shows only what changed.
    expect(Object.keys(taskdef)).toEqual(Object.keys(TEMPLATE));
    expect(Object.keys(taskdef.containerDefinitions[0])).toEqual(Object.keys(web));
  });

  it("records each container's image for the deploy action, in the order given", () => {
    render([`app=${APP_IMAGE}`, `web=${WEB_IMAGE}`]);
    expect(outputJson(BUILD_OUTPUT.imageDefinitions)).toEqual([
      { name: "app", imageUri: APP_IMAGE },
      { name: "web", imageUri: WEB_IMAGE },
    ]);
  });

  it("writes no appspec.yaml for a rolling deployment, and removes one left from an earlier run", () => {
    withTemplate();
    writeFileSync(join(ci.dir, BUILD_OUTPUT.appSpec), "stale\n");
    const result = renderNow([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`]);
    expect(result.status).toBe(0);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.appSpec))).toBe(false);
  });

  it("writes CodeDeploy's AppSpec for blue/green: the placeholder task definition, the load balancer's container and port", () => {
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], blueGreen);
    expect(result.status).toBe(0);
    expect(parse(output(BUILD_OUTPUT.appSpec))).toStrictEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: "AWS::ECS::Service",
            Properties: {
              TaskDefinition: "<TASK_DEFINITION>",
              LoadBalancerInfo: { ContainerName: "web", ContainerPort: 8080 },
              // What ECS refuses to change on a CODE_DEPLOY service travels in every deployment.
              PlatformVersion: "LATEST",
              NetworkConfiguration: {
                AwsvpcConfiguration: {
                  Subnets: ["subnet-0a1", "subnet-0b2", "subnet-0c3"],
                  SecurityGroups: ["sg-0123abcd"],
                  AssignPublicIp: "DISABLED",
                },
              },
              CapacityProviderStrategy: [
                { CapacityProvider: "FARGATE", Weight: 3, Base: 3 },
                { CapacityProvider: "FARGATE_SPOT", Weight: 1, Base: 0 },
              ],
            },
          },
        },
      ],
    });
    expect(output(BUILD_OUTPUT.appSpec)).toMatch(/^version: 0\.0\n/);
  });

  it("refuses an image for a container the template does not have, and writes nothing", () => {
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`, `worker=${APP_IMAGE}`]);
    expect(result.status).toBe(65);
    expect(result.stderr).toContain(`worker is not a container of ${ARN}`);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.taskDefinition))).toBe(false);
  });

  it("refuses to leave a container of the template on Terraform's image, naming every problem at once", () => {
    const result = render([`web=${WEB_IMAGE}`, `web=${APP_IMAGE}`]);
    expect(result.status).toBe(65);
    expect(result.stderr).toContain("web is given twice");
    expect(result.stderr).toContain(`container app of ${ARN} is given no image`);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.imageDefinitions))).toBe(false);
  });

  it("deploys by digest only: refuses an image given by tag", () => {
    const result = render([`web=${REGISTRY}/fws-prod/site/web:0123456789ab`, `app=${APP_IMAGE}`]);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("is not CONTAINER=IMAGE@sha256:DIGEST");
    expect(ci.calls()).toEqual([]);
  });

  it("refuses a blue/green render from a template without the deploy tags, naming each", () => {
    withTemplate(TEMPLATE, { stdout: described(TEMPLATE, DEPLOY_TAG_VALUES.slice(2)) });
    const result = renderNow([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], blueGreen);
    expect(result.status).toBe(65);
    expect(result.stderr).toContain(`tag ${DEPLOY_TAGS.subnets} of ${ARN} is missing`);
    expect(result.stderr).toContain(`tag ${DEPLOY_TAGS.securityGroups} of ${ARN} is missing`);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.appSpec))).toBe(false);
  });

  it("refuses a blue/green AppSpec whose container does not map the load balancer's port", () => {
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], { ...blueGreen, CONTAINER_PORT: "80" });
    expect(result.status).toBe(65);
    expect(result.stderr).toContain(`container web of ${ARN} maps no port 80`);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.appSpec))).toBe(false);
  });

  it.each([
    [
      "an unknown mode",
      { [BUILD_ENV.deploymentMode]: "canary" },
      "DEPLOYMENT_MODE must be rolling or blueGreen",
    ],
    [
      "a port that is no number",
      { ...blueGreen, CONTAINER_PORT: "http" },
      "CONTAINER_PORT 'http' is not a port",
    ],
    ["no container name", { ...blueGreen, CONTAINER_NAME: "" }, "CONTAINER_NAME '' is not a container name"],
    ["no template", { [BUILD_ENV.templateTaskDefinitionArn]: "" }, "TEMPLATE_TASK_DEFINITION_ARN is not set"],
  ])("stops with a usage error before calling aws: %s", (_, env, message) => {
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], env);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain(message);
    expect(ci.calls()).toEqual([]);
  });

  it("stops when the template cannot be read, passing on what aws said", () => {
    const denied = {
      stderr: "An error occurred (AccessDeniedException) when calling DescribeTaskDefinition\n",
      code: 254,
    };
    const result = render([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], {}, TEMPLATE, denied);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("AccessDeniedException");
    expect(result.stderr).toContain(`could not read the template task definition ${ARN}`);
    expect(existsSync(join(ci.dir, BUILD_OUTPUT.taskDefinition))).toBe(false);
  });
});

describe("the production stack and render-deploy.sh agree on the load balancer's target", () => {
  let service: Body;
  let taskDefinition: Body;
  let buildEnv: Record<string, string>;
  beforeAll(() => {
    const json = synthConfig(loadConfig(join(__dirname, "..", "..", "config", "prod.yaml")));
    // The blue/green site's (prod's api rolls).
    const site = ([n]: [string, Body]) => n.startsWith("service-site_");
    [[, service]] = resourcesOf(json, "aws_ecs_service").filter(site);
    [[, taskDefinition]] = resourcesOf(json, "aws_ecs_task_definition").filter(site);
    const builds = resourcesOf(json, "aws_codebuild_project").filter(([n]) =>
      n.includes("pipeline_build_project"),
    );
    expect(builds).toHaveLength(1);
    buildEnv = Object.fromEntries(
      builds[0][1].environment.environment_variable.map((v: Body) => [v.name, v.value]),
    );
  });

  it("renders an AppSpec naming the container and port the service's load balancer sends traffic to", () => {
    expect(buildEnv[BUILD_ENV.deploymentMode]).toBe("blueGreen");
    const template = {
      family: taskDefinition.family,
      containerDefinitions: JSON.parse(taskDefinition.container_definitions),
      cpu: taskDefinition.cpu,
      memory: taskDefinition.memory,
    };
    const names: string[] = template.containerDefinitions.map((c: Body) => c.name);
    expect(names).toEqual(["web", "app"]);
    const result = render(
      names.map((name) => `${name}=${REGISTRY}/fws-prod/site/${name}@${digestOf(name)}`),
      {
        [BUILD_ENV.deploymentMode]: buildEnv[BUILD_ENV.deploymentMode],
        [BUILD_ENV.containerName]: buildEnv[BUILD_ENV.containerName],
        [BUILD_ENV.containerPort]: buildEnv[BUILD_ENV.containerPort],
      },
      template,
    );
    expect(result.status).toBe(0);
    const { LoadBalancerInfo } = parse(output(BUILD_OUTPUT.appSpec)).Resources[0].TargetService.Properties;
    const [loadBalancer] = service.load_balancer;
    expect(LoadBalancerInfo).toEqual({
      ContainerName: loadBalancer.container_name,
      ContainerPort: loadBalancer.container_port,
    });
    expect(LoadBalancerInfo).toEqual({ ContainerName: "web", ContainerPort: 8080 });
  });

  it("renders an AppSpec with the service's network, platform version and capacity, from the template's tags", () => {
    // The tags as Terraform resolves them: the subnet and security-group references become ids.
    const ids: Record<string, string> = {
      [DEPLOY_TAGS.subnets]: "subnet-0a1 subnet-0b2 subnet-0c3",
      [DEPLOY_TAGS.securityGroups]: "sg-0123abcd",
    };
    const network = service.network_configuration;
    // The same references as the service's: `${join(" ", [aws_subnet.a.id, …])}`.
    const joined = (refs: string[]) => `\${join(" ", [${refs.map((r) => r.slice(2, -1)).join(", ")}])}`;
    expect(taskDefinition.tags[DEPLOY_TAGS.subnets]).toBe(joined(network.subnets));
    expect(taskDefinition.tags[DEPLOY_TAGS.securityGroups]).toBe(joined(network.security_groups));
    const tags = Object.entries(taskDefinition.tags as Record<string, string>)
      .filter(([key]) => key.startsWith("deploy:"))
      .map(([key, value]) => ({ key, value: ids[key] ?? value }));
    withTemplate(TEMPLATE, { stdout: described(TEMPLATE, tags) });
    const env = { ...blueGreen, [BUILD_ENV.containerPort]: buildEnv[BUILD_ENV.containerPort] };
    expect(renderNow([`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], env).status).toBe(0);
    const properties = parse(output(BUILD_OUTPUT.appSpec)).Resources[0].TargetService.Properties;
    expect(properties.PlatformVersion).toBe(service.platform_version);
    expect(properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe(
      network.assign_public_ip ? "ENABLED" : "DISABLED",
    );
    expect(properties.CapacityProviderStrategy).toEqual(
      service.capacity_provider_strategy.map((s: Body) => ({
        CapacityProvider: s.capacity_provider,
        Weight: s.weight,
        Base: s.base ?? 0,
      })),
    );
  });
});
