import { rolePolicyDocuments } from "../modules/bootstrap/role-policies";
import { synthBootstrapped } from "./support/bootstrap";
import { deployerFixture } from "./support/deployer-fixture";
import { simulate } from "./support/iam";
import { resourcesOf } from "./support/synth";

/**
 * Requests a hostile reviewer made of the deployer of dev and prod (@cloud-copilot/iam-simulate, the
 * policies the bootstrap stack attaches): tagging someone else's resource into the environment, reading
 * roles that carry no boundary.
 */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;

describe.each(cases)("the deployer of %s", (env, stackName) => {
  const { envStack, inv, account, region, boundaryArn, deploy, arn, requestTags } = deployerFixture(
    app,
    env,
    stackName,
  );
  const other = env === "dev" ? "prod" : "dev";
  const resourceTags = (project: string, environment: string) => ({
    "aws:ResourceTag/project": project,
    "aws:ResourceTag/environment": environment,
  });
  const has = (type: string) => inv.resourceTypes.includes(type);
  // Resources known by id, and the call that tags each (the stacks' types that have them).
  const taggable: [string, string, string][] = [
    ["aws_vpc", "ec2:CreateTags", arn("ec2", "vpc/vpc-0123456789abcdef0")],
    ["aws_kms_key", "kms:TagResource", arn("kms", "key/0f1e2d3c-0000-4000-8000-00000000abcd")],
    ["aws_acm_certificate", "acm:AddTagsToCertificate", arn("acm", "certificate/0f1e2d3c-aaaa")],
    [
      "aws_codestarconnections_connection",
      "codestar-connections:TagResource",
      arn("codestar-connections", "connection/0f1e2d3c-bbbb"),
    ],
  ];

  describe("may not tag another project's or environment's resource into its own", () => {
    it.each(taggable)("%s: %s", async (type, action, resource) => {
      expect(has(type)).toBe(true);
      for (const [project, environment] of [
        ["other", env],
        ["fws", other],
        ["other", "shared"],
      ]) {
        expect([
          project,
          environment,
          await deploy(action, resource, { ...requestTags, ...resourceTags(project, environment) }),
        ]).toEqual([project, environment, "ImplicitlyDenied"]);
      }
      // Its own resource may not be handed to another environment's tags either.
      expect(
        await deploy(action, resource, {
          ...resourceTags("fws", env),
          "aws:RequestTag/project": "fws",
          "aws:RequestTag/environment": other,
        }),
      ).toBe("ImplicitlyDenied");
    });

    it.each(taggable)("%s: %s still tags its own resources and new ones", async (_type, action, resource) => {
      expect(await deploy(action, resource, { ...requestTags, ...resourceTags("fws", env) })).toBe("Allowed");
      const creating: Record<string, string> = action.startsWith("ec2:")
        ? { "ec2:CreateAction": "CreateVpc" }
        : {};
      expect(await deploy(action, resource, { ...requestTags, ...creating })).toBe("Allowed");
    });

    it("may not overwrite another's resource through a create-or-update call", async () => {
      const upserts: [string, string, string][] = [
        ["aws_config_config_rule", "config:PutConfigRule", arn("config", "config-rule/config-rule-abc123")],
        [
          "aws_appautoscaling_target",
          "application-autoscaling:RegisterScalableTarget",
          arn("application-autoscaling", "scalable-target/0123456789abcdef"),
        ],
      ];
      const present = upserts.filter(([type]) => has(type));
      expect(present.length).toBeGreaterThan(0);
      for (const [, action, resource] of present) {
        expect(await deploy(action, resource, { ...requestTags, ...resourceTags("other", env) })).toBe(
          "ImplicitlyDenied",
        );
        expect(await deploy(action, resource, { ...requestTags, ...resourceTags("fws", other) })).toBe(
          "ImplicitlyDenied",
        );
        expect(await deploy(action, resource, requestTags)).toBe("Allowed");
        expect(await deploy(action, resource, { ...requestTags, ...resourceTags("fws", env) })).toBe(
          "Allowed",
        );
      }
    });

    it("tags an EC2 resource with its own tags alone only in the call that creates it", async () => {
      const vpc = arn("ec2", "vpc/vpc-0123456789abcdef0");
      expect(await deploy("ec2:CreateTags", vpc, requestTags)).toBe("ImplicitlyDenied");
      expect(
        await deploy("ec2:CreateTags", vpc, { ...requestTags, "ec2:CreateAction": "CreateSecurityGroup" }),
      ).toBe("Allowed");
      expect(await deploy("ec2:CreateTags", vpc, { ...requestTags, "ec2:CreateAction": "CopyImage" })).toBe(
        "ImplicitlyDenied",
      );
    });
  });

  describe("reads roles whatever their boundary", () => {
    const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;

    it("reads the service-linked roles of its services and its own roles without a boundary", async () => {
      expect(await deploy("iam:GetRole", role(`fws-${env}-site-task`))).toBe("Allowed");
      if (has("aws_iam_service_linked_role")) {
        const config = "aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";
        expect(await deploy("iam:GetRole", role(config))).toBe("Allowed");
        expect(await deploy("iam:UpdateRoleDescription", role(config))).toBe("Allowed");
      }
    });

    it("still writes roles only with the boundary", async () => {
      const own = role(`fws-${env}-new`);
      for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]) {
        expect([action, await deploy(action, own, action === "iam:CreateRole" ? requestTags : {})]).toEqual([
          action,
          "ImplicitlyDenied",
        ]);
        const context = {
          "iam:PermissionsBoundary": boundaryArn,
          ...(action === "iam:CreateRole" ? requestTags : {}),
        };
        expect([action, await deploy(action, own, context)]).toEqual([action, "Allowed"]);
      }
      expect(await deploy("iam:GetRole", role(`other-${env}-task`))).toBe("ImplicitlyDenied");
    });
  });

  it("may create, read and delete the alarms of its target tracking policies, and no other service's", async () => {
    const tracking = resourcesOf(envStack, "aws_appautoscaling_policy").filter(
      ([, p]) => p.policy_type === "TargetTrackingScaling",
    );
    expect(tracking.length).toBeGreaterThan(0);
    const [[, cluster]] = resourcesOf(envStack, "aws_ecs_cluster");
    const [[, service]] = resourcesOf(envStack, "aws_ecs_service");
    // Application Auto Scaling names them after the scalable target, service/<cluster>/<service>.
    const alarm = (c: string, s: string, kind: string) =>
      arn(
        "cloudwatch",
        `alarm:TargetTracking-service/${c}/${s}-${kind}-0f1e2d3c-0000-4000-8000-000000000001`,
      );
    const own = [
      alarm(String(cluster.name), String(service.name), "AlarmHigh"),
      alarm(String(cluster.name), String(service.name), "AlarmLow"),
    ];
    const foreign = [
      alarm("other-cluster", "other-site", "AlarmHigh"),
      alarm(`fws-${other}-site`, `fws-${other}-site`, "AlarmLow"),
    ];
    for (const action of [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
    ]) {
      for (const r of own) expect([action, r, await deploy(action, r)]).toEqual([action, r, "Allowed"]);
      for (const r of foreign)
        expect([action, r, await deploy(action, r)]).toEqual([action, r, "ImplicitlyDenied"]);
    }
  });

  it("may not delete the trail's log files or bucket, and still deletes its other buckets' objects", async () => {
    const trails = resourcesOf(envStack, "aws_cloudtrail");
    expect(inv.trailBuckets).toHaveLength(trails.length);
    for (const bucket of inv.trailBuckets) {
      expect(bucket).toMatch(new RegExp(`^fws-${env}-`));
      for (const [action, resource] of [
        ["s3:DeleteObject", `arn:aws:s3:::${bucket}/AWSLogs/${account}/CloudTrail/x.json.gz`],
        ["s3:DeleteObjectVersion", `arn:aws:s3:::${bucket}/AWSLogs/${account}/CloudTrail/x.json.gz`],
        ["s3:DeleteBucket", `arn:aws:s3:::${bucket}`],
      ])
        expect([action, await deploy(action, resource)]).toEqual([action, "ExplicitlyDenied"]);
    }
    expect(await deploy("s3:DeleteObject", `arn:aws:s3:::fws-${env}-alb-logs-${account}-${region}/x`)).toBe(
      "Allowed",
    );
  });

  it("writes the state under the key the environment's backend block names", async () => {
    const resources = {
      partition: "aws",
      account,
      bootstrapPrefix: "fws-bootstrap",
      stateBucketArn: "arn:aws:s3:::fws-bootstrap-tfstate",
      stateKeyArn: `arn:aws:kms:${region}:${account}:key/k`,
      stateKeyAliasArn: `arn:aws:kms:${region}:${account}:alias/fws-bootstrap-tfstate`,
      boundaryArn,
    };
    const docs = rolePolicyDocuments([{ ...inv, stateKey: `states/${env}.tfstate` }], resources);
    const put = (key: string) =>
      simulate({
        identityPolicies: docs.deployer,
        principal: `arn:aws:iam::${account}:role/fws-bootstrap-${env}-deployer`,
        action: "s3:PutObject",
        resource: `arn:aws:s3:::fws-bootstrap-tfstate/${key}`,
      });
    expect(await put(`states/${env}.tfstate`)).toBe("Allowed");
    expect(await put(`fargate-web-stack/fws/${env}.tfstate`)).toBe("ImplicitlyDenied");
  });

  it("is in the region the fixture says", () => {
    expect(inv.regions).toContain(region);
  });
});
