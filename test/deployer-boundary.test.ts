import { ceilingStatements } from "../modules/bootstrap/boundary";
import { bootstrapSubstitutions, synthBootstrapped } from "./support/bootstrap";
import { deployerFixture } from "./support/deployer-fixture";
import { type Decision, simulate, stackSubstitutions } from "./support/iam";
import { resourcesOf } from "./support/synth";

/**
 * The permissions boundary every role of an environment carries, evaluated by @cloud-copilot/iam-simulate
 * under the broadest identity policy a role could be given (`*` on `*`): the boundary alone must keep the
 * role to what the stack's roles do, on the environment's own resources.
 */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;
const everything = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

describe.each(cases)("the boundary of %s", (env, stackName) => {
  const { envStack, inv, account, region, boundary, arn } = deployerFixture(app, env, stackName);
  const other = env === "dev" ? "prod" : "dev";
  const [keyPolicy] = resourcesOf(envStack, "aws_kms_key").map(([, k]) => String(k.policy));
  const bootstrap = bootstrapSubstitutions(account, region);
  const stack = stackSubstitutions(envStack as never, { account, region });
  // A listener's ARN, and a listener rule's, names its load balancer (the shared stand-in does not).
  const lbNameOfListener = (listener: string) => {
    const body = envStack.resource?.aws_lb_listener?.[listener];
    const lb = /aws_lb\.([\w-]+)\.arn/.exec(String(body?.load_balancer_arn))?.[1] ?? "";
    return String(envStack.resource?.aws_lb?.[lb]?.name);
  };
  const substitutions = (expression: string) => {
    const [type, name, attribute] = expression.split(".");
    const body = envStack.resource?.[type]?.[name];
    if (type === "aws_lb_listener" && attribute === "arn" && body) {
      return arn("elasticloadbalancing", `listener/app/${lbNameOfListener(name)}/0123456789abcdef/${name}`);
    }
    if (type === "aws_lb_listener_rule" && attribute === "arn" && body) {
      const listener = /aws_lb_listener\.([\w-]+)\.arn/.exec(String(body.listener_arn))?.[1] ?? "";
      const lbName = lbNameOfListener(listener);
      return arn("elasticloadbalancing", `listener-rule/app/${lbName}/0123456789abcdef/${listener}/${name}`);
    }
    return stack(expression);
  };
  const asRole = (
    action: string,
    resource: string,
    context: Record<string, string> = {},
  ): Promise<Decision> =>
    simulate({
      identityPolicies: [everything],
      permissionsBoundary: boundary,
      resourcePolicy: /^arn:aws:kms:/.test(resource) ? keyPolicy : undefined,
      principal: `arn:aws:iam::${account}:role/fws-${env}-site-task`,
      action,
      resource,
      resourceAccount: account,
      context,
      substitutions: (e) => bootstrap(e) ?? substitutions(e),
    });

  it("allows every request the stack's own role policies make, on the stack's resources", async () => {
    const denied: string[] = [];
    let checked = 0;
    for (const [, policy] of resourcesOf(envStack, "aws_iam_role_policy")) {
      const doc = JSON.parse(String(policy.policy)) as {
        Statement: {
          Effect: string;
          Action: string | string[];
          Resource: string | string[];
          Condition?: Record<string, Record<string, string | string[]>>;
        }[];
      };
      for (const s of doc.Statement.filter((st) => st.Effect === "Allow")) {
        const context = Object.fromEntries(
          Object.values(s.Condition ?? {}).flatMap((values) =>
            Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
          ),
        );
        const tags = { "aws:ResourceTag/project": "fws", "aws:ResourceTag/environment": env };
        for (const action of [s.Action].flat()) {
          for (const pattern of [s.Resource].flat()) {
            const resolved = pattern.replace(/\$\{([^}]*)\}/g, (m, e: string) => substitutions(e) ?? m);
            const resource =
              resolved === "*"
                ? "*"
                : resolved.replace(/:\*$/, ":log-stream:sample").replaceAll("*", "sample");
            const keyed = /:kms:|:codestar-connections:/.test(resource) ? tags : {};
            // A statement may list ARNs of several types (a log group and its streams): each action is
            // asked only on the types IAM authorizes it on, and "*" only where the simulator can name one.
            const decision = await asRole(action, resource, { ...context, ...keyed }).catch((e: Error) => {
              if (/no\.resource\.types|name one resource/.test(e.message)) return undefined;
              throw e;
            });
            if (decision === undefined) continue;
            checked += 1;
            if (decision !== "Allowed") denied.push(`${action} ${resource} ${decision}`);
          }
        }
      }
    }
    expect(denied).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it("denies the same kinds of request on another project's or environment's resources", async () => {
    const foreign: [string, string, Record<string, string>?][] = [
      [
        "iam:PassRole",
        `arn:aws:iam::${account}:role/Admin`,
        { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      ],
      [
        "iam:PassRole",
        `arn:aws:iam::${account}:role/fws-${other}-site-task`,
        { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      ],
      ["codebuild:StartBuild", arn("codebuild", "project/other-dev-site-build")],
      ["codebuild:StartBuild", arn("codebuild", `project/fws-${other}-site-build`)],
      ["s3:GetObject", "arn:aws:s3:::other-bucket/some/key"],
      ["s3:GetObject", `arn:aws:s3:::fws-${other}-site-pipeline-${account}-${region}/artifact.zip`],
      ["ecr:PutImage", arn("ecr", `repository/fws-${other}/site/web`)],
      ["ecr:PutImage", arn("ecr", "repository/other/site/web")],
      ["ecs:DescribeServices", arn("ecs", "service/other-site/other-site")],
      ["logs:PutLogEvents", arn("logs", `log-group:/fws/${other}/site/app:log-stream:x`)],
      [
        "kms:Decrypt",
        arn("kms", "key/0f1e2d3c-0000-4000-8000-00000000abcd"),
        { "aws:ResourceTag/project": "other", "aws:ResourceTag/environment": env },
      ],
      [
        "kms:Decrypt",
        arn("kms", "key/0f1e2d3c-0000-4000-8000-00000000abcd"),
        { "aws:ResourceTag/project": "fws", "aws:ResourceTag/environment": other },
      ],
      ["iam:CreateUser", `arn:aws:iam::${account}:user/fws-${env}-x`],
      // Its own names in a region none of its roles' resources are in (prod's CloudFront pieces: us-east-1).
      ["logs:PutLogEvents", arn("logs", `log-group:/fws/${env}/site/app:log-stream:x`, "us-east-1")],
    ];
    if (inv.runtimeActions.includes("ecs:UpdateService"))
      foreign.push(["ecs:UpdateService", arn("ecs", "service/other-site/other-site")]);
    if (inv.runtimeActions.includes("elasticloadbalancing:ModifyListener"))
      foreign.push([
        "elasticloadbalancing:ModifyListener",
        arn("elasticloadbalancing", "listener/app/other-alb/0123/4567"),
      ]);
    if (inv.runtimeActions.includes("elasticloadbalancing:ModifyRule"))
      foreign.push([
        "elasticloadbalancing:ModifyRule",
        arn("elasticloadbalancing", "listener-rule/app/other-alb/0123/4567/89ab"),
      ]);
    if (inv.runtimeActions.includes("codedeploy:CreateDeployment"))
      foreign.push([
        "codedeploy:CreateDeployment",
        arn("codedeploy", "deploymentgroup:other-site/other-site-blue-green"),
      ]);
    const allowed: string[] = [];
    for (const [action, resource, context] of foreign) {
      if ((await asRole(action, resource, context)) === "Allowed") allowed.push(`${action} ${resource}`);
    }
    expect(allowed).toEqual([]);
    expect(foreign.length).toBeGreaterThan(14);
  });
});

describe("a role policy referencing a resource type the boundary has no pattern for", () => {
  it("fails synthesis with a message naming the type and the file to add it to", () => {
    const inv = app.inventories.dev;
    const statement = {
      actions: ["sqs:SendMessage"],
      resources: ["${aws_sqs_queue.jobs_ABC123.arn}"],
      regions: ["eu-west-1"],
    };
    expect(() => ceilingStatements([{ ...inv, runtimeStatements: [statement] }])).toThrow(
      "facts/iam/boundary-references.ts: REFERENCE_PATTERNS: expected a pattern for aws_sqs_queue.arn (a role policy of stack dev references it in sqs:SendMessage), got none",
    );
  });
});
