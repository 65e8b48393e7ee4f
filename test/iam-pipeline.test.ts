import { simulate, stackSubstitutions, unknownActions, wildcardResources } from "./support/iam";
import { loadConfig, resourceNamed, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/** The prod pipeline's roles, proven against the IAM catalogue and by simulated requests. */
const account = "222222222222";
const region = "eu-west-1";
const repoArn = (name: string) => `arn:aws:ecr:${region}:${account}:repository/${name}`;
const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
const connection = `arn:aws:codestar-connections:${region}:${account}:connection/0a1b2c3d-example`;

/** A stand-in for the ARN AWS gives a listener rule. */
const ruleArn = (name: string) =>
  `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/app/fws-prod-alb/abc/def/${name}`;

describe("the prod site pipeline's IAM (blue/green)", () => {
  let json: StackJson;
  const policyOfRole = (part: string) => resourceNamed(json, "aws_iam_role_policy", part).policy;
  const roleNamed = (part: string) => roleArn(resourceNamed(json, "aws_iam_role", part).name);
  /** Concrete ARNs for the interpolations the policies hold. */
  const substitutions = (expr: string): string | undefined => {
    const [type, name, attr] = expr.split(".");
    const body = json.resource[type]?.[name];
    if (!body) return undefined;
    if (type === "aws_codestarconnections_connection" && attr === "arn") return connection;
    if (type === "aws_lb_listener" && attr === "arn")
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/fws-prod-alb/abc/${name}`;
    if (type === "aws_lb_listener_rule" && attr === "arn") return ruleArn(name);
    return stackSubstitutions(json, { account, region })(expr);
  };
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
  });

  it("uses only catalogued actions, and * resources only where the API takes nothing else", async () => {
    const allowed: Record<string, string[]> = {
      EcrAuthorization: ["ecr:GetAuthorizationToken"],
      ReadTemplateTaskDefinition: ["ecs:DescribeTaskDefinition"],
      RegisterRevision: ["ecs:RegisterTaskDefinition"],
      ReadLoadBalancing: [
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetHealth",
      ],
    };
    for (const [name, policy] of resourcesOf(json, "aws_iam_role_policy").filter(([n]) =>
      n.startsWith("pipeline_"),
    )) {
      expect({ name, unknown: await unknownActions(policy.policy) }).toEqual({ name, unknown: [] });
      for (const w of wildcardResources(policy.policy)) expect(w.actions).toEqual(allowed[w.sid ?? ""]);
    }
  });

  describe("the build role", () => {
    const build = (action: string, resource: string) =>
      simulate({
        identityPolicies: [policyOfRole("pipeline_build_role")],
        principal: roleNamed("pipeline_build_role"),
        action,
        resource,
        substitutions,
      });

    it("can push to its service's and base repositories", async () => {
      for (const repo of ["fws-prod/site/web", "fws-prod/site/app", "fws-prod/site/web-base"]) {
        expect(await build("ecr:PutImage", repoArn(repo))).toBe("Allowed");
        expect(await build("ecr:UploadLayerPart", repoArn(repo))).toBe("Allowed");
      }
    });

    it("cannot push to another repository", async () => {
      expect(await build("ecr:PutImage", repoArn("fws-dev/site/web"))).toBe("ImplicitlyDenied");
      expect(await build("ecr:PutImage", repoArn("other-team/api"))).toBe("ImplicitlyDenied");
    });
  });

  describe("the pipeline role", () => {
    const asPipeline = (action: string, resource: string, context?: Record<string, string>) =>
      simulate({
        identityPolicies: [policyOfRole("pipeline_role")],
        principal: roleNamed("pipeline_role"),
        action,
        resource,
        context,
        substitutions,
      });

    it("may use this connection only, with the codestar-connections prefix of its ARN", async () => {
      expect(await asPipeline("codestar-connections:UseConnection", connection)).toBe("Allowed");
      const other = `arn:aws:codestar-connections:${region}:${account}:connection/ffff-other`;
      expect(await asPipeline("codestar-connections:UseConnection", other)).toBe("ImplicitlyDenied");
    });

    it("may create deployments in this deployment group only", async () => {
      const group = (name: string) =>
        `arn:aws:codedeploy:${region}:${account}:deploymentgroup:fws-prod-site/${name}`;
      expect(await asPipeline("codedeploy:CreateDeployment", group("fws-prod-site-blue-green"))).toBe(
        "Allowed",
      );
      expect(await asPipeline("codedeploy:CreateDeployment", group("someone-elses"))).toBe(
        "ImplicitlyDenied",
      );
    });

    it("may pass the task roles to ECS tasks, and nothing else to anyone", async () => {
      const execution = roleNamed("service-site_roles_execution");
      const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
      expect(await asPipeline("iam:PassRole", execution, toEcs)).toBe("Allowed");
      expect(
        await asPipeline("iam:PassRole", execution, { "iam:PassedToService": "lambda.amazonaws.com" }),
      ).toBe("ImplicitlyDenied");
      expect(await asPipeline("iam:PassRole", roleArn("OrganizationAccountAccessRole"), toEcs)).toBe(
        "ImplicitlyDenied",
      );
    });
  });

  it("lets CodeDeploy shift only this service's listeners", async () => {
    const listener = (name: string) =>
      `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/fws-prod-alb/abc/${name}`;
    const shift = (resource: string) =>
      simulate({
        identityPolicies: [policyOfRole("blue-green_role")],
        principal: roleNamed("blue-green_role"),
        action: "elasticloadbalancing:ModifyListener",
        resource,
        substitutions,
      });
    const [[https]] = resourcesOf(json, "aws_lb_listener").filter(([n]) => n.includes("_https_"));
    expect(await shift(listener(https))).toBe("Allowed");
    expect(await shift(listener("another-listener"))).toBe("ImplicitlyDenied");
  });

  it("lets CodeDeploy point the site's rules at the new group, and no other service's rule", async () => {
    const modify = (resource: string) =>
      simulate({
        identityPolicies: [policyOfRole("blue-green_role")],
        principal: roleNamed("blue-green_role"),
        action: "elasticloadbalancing:ModifyRule",
        resource,
        substitutions,
      });
    const rules = resourcesOf(json, "aws_lb_listener_rule").map(([n]) => n);
    const site = rules.filter((n) => n.startsWith("routing-site_"));
    expect(site).toHaveLength(2);
    for (const rule of site) expect(await modify(ruleArn(rule))).toBe("Allowed");
    for (const rule of rules.filter((n) => n.startsWith("routing-api_")))
      expect(await modify(ruleArn(rule))).toBe("ImplicitlyDenied");
  });
});
