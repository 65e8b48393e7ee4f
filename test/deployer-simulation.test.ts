import { synthBootstrapped } from "./support/bootstrap";
import { deployerFixture } from "./support/deployer-fixture";
import { deployRequests } from "./support/deployer-requests";
import { resourcesOf } from "./support/synth";

/**
 * The deployer of dev and prod, evaluated by @cloud-copilot/iam-simulate with the policies the bootstrap
 * stack attaches: what it may do (everything Terraform calls for the stack) and what it may not.
 */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;

describe.each(cases)("%s", (env, stackName) => {
  const {
    envStack,
    inv,
    account,
    region,
    boundaryArn,
    stateBucket,
    stateObject,
    stateKey,
    linked,
    deploy,
    arn,
    requestTags,
  } = deployerFixture(app, env, stackName);

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
      expect(await deploy("s3:PutObject", `${stateBucket}/fargate-web-stack/fws/other.tfstate`)).not.toBe(
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
});
