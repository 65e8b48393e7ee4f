import { loadEnvironments } from "../config/load";
import { environmentNameErrors } from "../config/load-bootstrap";
import type { BootstrapConfig } from "../config/schema/bootstrap";
import { bootstrapSubstitutions, policiesNamed, synthBootstrapped } from "./support/bootstrap";
import { simulate } from "./support/iam";
import { policyOf, resourcesOf } from "./support/synth";

/** What the bootstrap refuses or narrows: overlapping environment names, pull requests, the lock table. */

const app = synthBootstrapped();
const env = (name: string, account = "111111111111", project = "fws") => ({
  name,
  project,
  account,
  file: `config/${name}.yaml`,
});

describe("environment names", () => {
  it("are accepted as shipped", () => {
    expect(environmentNameErrors(loadEnvironments("config").environments)).toEqual([]);
  });

  it("may not let one environment's name patterns reach another's in the same account", () => {
    expect(environmentNameErrors([env("dev"), env("dev-eu")])).toEqual([
      'config/dev-eu.yaml: environment name: expected a name whose resource names no other environment\'s patterns reach, got "dev-eu" (environment "dev" of account 111111111111 scopes its deployer to fws-dev-*, which also matches fws-dev-eu-*)',
    ]);
    // Another account, or names that only share letters, are fine.
    expect(environmentNameErrors([env("dev"), env("dev-eu", "222222222222")])).toEqual([]);
    expect(environmentNameErrors([env("dev"), env("devel")])).toEqual([]);
  });

  it('may not start with "bootstrap" (the state bucket is <project>-bootstrap-tfstate-…)', () => {
    expect(environmentNameErrors([env("bootstrap-tfstate")])).toEqual([
      'config/bootstrap-tfstate.yaml: environment name: expected a name not starting with "bootstrap" (the bootstrap\'s own names start with "fws-bootstrap-"), got "bootstrap-tfstate"',
    ]);
  });
});

describe("pull requests", () => {
  const planners = (config: BootstrapConfig) => {
    const stacks = synthBootstrapped("config", config).stacks;
    return Object.fromEntries(
      ["dev", "prod"].map((e) => {
        const stack = stacks[e === "dev" ? "bootstrap-111111111111" : "bootstrap-222222222222"];
        const [[, planner]] = resourcesOf(stack, "aws_iam_role").filter(
          ([, r]) => r.name === `fws-bootstrap-${e}-planner`,
        );
        const subjects = policyOf(planner.assume_role_policy).Statement.flatMap(
          (s) => s.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"] ?? [],
        );
        return [e, subjects];
      }),
    );
  };
  const gh = app.bootstrap.assumedBy.githubActions;
  const withPullRequests = (names: string[]): BootstrapConfig => ({
    ...app.bootstrap,
    assumedBy: { ...app.bootstrap.assumedBy, githubActions: gh && { ...gh, planPullRequests: names } },
  });

  it("plan only the environments listed, by default none", () => {
    expect(planners(withPullRequests([]))).toEqual({
      dev: ["repo:example-org/web-site:environment:dev"],
      prod: ["repo:example-org/web-site:environment:prod"],
    });
    expect(planners(withPullRequests(["dev"])).dev).toContain("repo:example-org/web-site:pull_request");
  });

  it("never plan a production environment: synthesis refuses it", () => {
    expect(() => planners(withPullRequests(["dev", "prod"]))).toThrow(
      "config/bootstrap.yaml: assumedBy.githubActions.planPullRequests: expected environments that are not production, got prod",
    );
  });
});

describe("the DynamoDB lock table", () => {
  const config: BootstrapConfig = {
    ...app.bootstrap,
    state: { ...app.bootstrap.state, dynamodbLockTable: true },
  };
  const stack = synthBootstrapped("config", config).stacks["bootstrap-111111111111"];
  const table = "arn:aws:dynamodb:eu-west-1:111111111111:table/fws-bootstrap-tflock";
  const bucket = "fws-bootstrap-tfstate-111111111111-eu-west-1";
  const as = (role: string) => (action: string, keys?: string[]) =>
    simulate({
      identityPolicies: policiesNamed(stack, `fws-bootstrap-dev-${role}`).map((p) => p.policy),
      principal: `arn:aws:iam::111111111111:role/fws-bootstrap-dev-${role}`,
      action,
      resource: table,
      context: keys ? { "dynamodb:LeadingKeys": keys } : {},
      substitutions: bootstrapSubstitutions("111111111111"),
    });

  it.each(["planner", "deployer"])("lets the %s reach only its own state's rows", async (role) => {
    const call = as(role);
    for (const key of [
      `${bucket}/fargate-web-stack/fws/dev.tfstate`,
      `${bucket}/fargate-web-stack/fws/dev.tfstate-md5`,
    ]) {
      expect(await call("dynamodb:PutItem", [key])).toBe("Allowed");
      expect(await call("dynamodb:GetItem", [key])).toBe("Allowed");
    }
    expect(await call("dynamodb:DeleteItem", [`${bucket}/fargate-web-stack/fws/prod.tfstate`])).toBe(
      "ImplicitlyDenied",
    );
    expect(await call("dynamodb:PutItem", [`${bucket}/fargate-web-stack/fws/prod.tfstate-md5`])).toBe(
      "ImplicitlyDenied",
    );
    expect(await call("dynamodb:DescribeTable")).toBe("Allowed");
  });
});
