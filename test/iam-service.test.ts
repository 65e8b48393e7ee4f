import { simulate, stackSubstitutions, unknownActions, wildcardResources } from "./support/iam";
import { loadConfig, resourceNamed, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/** The prod service's roles, proven against the IAM catalogue and by simulated requests. */
const account = "222222222222";
const region = "eu-west-1";
const repoArn = (name: string) => `arn:aws:ecr:${region}:${account}:repository/${name}`;
const ownSecret = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:fws/prod/app-secret-AbCdEf";

describe("the prod site service's IAM", () => {
  let json: StackJson;
  let executionPolicy: string;
  let executionRole: string;
  /** Repository ARNs stand in for the `${aws_ecr_repository.….arn}` interpolations. */
  const substitutions = (expr: string) => {
    const repo = resourcesOf(json, "aws_ecr_repository").find(
      ([n]) => expr === `aws_ecr_repository.${n}.arn`,
    );
    return repo ? repoArn(repo[1].name) : stackSubstitutions(json, { account, region })(expr);
  };
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
    executionPolicy = resourceNamed(json, "aws_iam_role_policy", "service-site_roles_execution").policy;
    executionRole = `arn:aws:iam::${account}:role/${resourceNamed(json, "aws_iam_role", "service-site_roles_execution").name}`;
  });

  it("uses only catalogued actions, without wildcards, in every role policy", async () => {
    for (const [name, policy] of resourcesOf(json, "aws_iam_role_policy")) {
      expect({ name, unknown: await unknownActions(policy.policy) }).toEqual({ name, unknown: [] });
    }
  });

  it("uses a * resource only for ecr:GetAuthorizationToken, which takes nothing else", () => {
    expect(wildcardResources(executionPolicy)).toEqual([
      { sid: "EcrAuthorization", actions: ["ecr:GetAuthorizationToken"] },
    ]);
  });

  const asExecutionRole = (action: string, resource: string) =>
    simulate({
      identityPolicies: [executionPolicy],
      principal: executionRole,
      action,
      resource,
      substitutions,
    });

  it("lets the execution role pull its own images", async () => {
    for (const repo of ["fws-prod/site/web", "fws-prod/site/app"]) {
      expect(await asExecutionRole("ecr:BatchGetImage", repoArn(repo))).toBe("Allowed");
      expect(await asExecutionRole("ecr:GetDownloadUrlForLayer", repoArn(repo))).toBe("Allowed");
    }
  });

  it("does not let the execution role pull another repository's images", async () => {
    expect(await asExecutionRole("ecr:BatchGetImage", repoArn("fws-dev/site/app"))).toBe("ImplicitlyDenied");
    expect(await asExecutionRole("ecr:BatchGetImage", repoArn("other-team/api"))).toBe("ImplicitlyDenied");
    // Nor the other service's of the same environment.
    expect(await asExecutionRole("ecr:BatchGetImage", repoArn("fws-prod/api/node"))).toBe("ImplicitlyDenied");
  });

  it("lets the execution role read its own secret and no other", async () => {
    expect(await asExecutionRole("secretsmanager:GetSecretValue", ownSecret)).toBe("Allowed");
    expect(
      await asExecutionRole(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:222222222222:secret:fws/prod/db-password-XyZ123",
      ),
    ).toBe("ImplicitlyDenied");
  });

  it("lets the execution role write to its containers' log groups only", async () => {
    const stream = (group: string) =>
      `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:web/web/abc`;
    expect(await asExecutionRole("logs:PutLogEvents", stream("/fws/prod/site/web"))).toBe("Allowed");
    expect(await asExecutionRole("logs:PutLogEvents", stream("/fws/prod/vpc-flow-logs"))).toBe(
      "ImplicitlyDenied",
    );
  });

  it("gives the task role nothing at all", () => {
    expect(resourcesOf(json, "aws_iam_role_policy").filter(([n]) => n.includes("roles_task"))).toEqual([]);
  });
});
