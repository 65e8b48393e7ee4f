import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MANAGED_RULES, ruleSlug } from "../modules/audit/config-rules";
import { ACCOUNT, REGION, synthAudit } from "./fixtures/audit/audit-stack";
import { resolverFor } from "./support/iam";
import { type Body, policyOf, ref, resourceNamed, resourcesOf, type StackJson } from "./support/synth";

const nameOf = (json: StackJson, type: string, part = "") => {
  const found = resourcesOf(json, type).filter(([n]) => n.includes(part));
  if (found.length !== 1) throw new Error(`expected one ${type} like "${part}", found ${found.length}`);
  return found[0][0];
};
const address = (json: StackJson, type: string, part = "") => `${type}.${nameOf(json, type, part)}`;

const CONFIG_BUCKET = `fws-prod-config-${ACCOUNT}-${REGION}`;
const SERVICE_LINKED_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;

/** AWS's managed rule identifiers, as copied into the fixture (comments and blank lines dropped). */
const AWS_IDENTIFIERS = new Set(
  readFileSync(join(__dirname, "fixtures/audit/managed-rule-identifiers.txt"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#")),
);

describe("AWS Config (defaults)", () => {
  let json: StackJson;
  let recorder: Body;
  let channel: Body;
  beforeAll(() => {
    json = synthAudit().json;
    [[, recorder]] = resourcesOf(json, "aws_config_configuration_recorder");
    [[, channel]] = resourcesOf(json, "aws_config_delivery_channel");
  });

  it("records with the service-linked role, which the stack creates", () => {
    expect(resourcesOf(json, "aws_iam_service_linked_role").map(([, r]) => r.aws_service_name)).toEqual([
      "config.amazonaws.com",
    ]);
    expect(recorder.role_arn).toBe(
      ref("aws_iam_service_linked_role", nameOf(json, "aws_iam_service_linked_role"), "arn"),
    );
  });

  it("records every supported type, global ones here, and network interfaces daily", () => {
    expect(recorder.recording_group).toEqual({
      all_supported: true,
      include_global_resource_types: true,
      recording_strategy: [{ use_only: "ALL_SUPPORTED_RESOURCE_TYPES" }],
    });
    expect(recorder.recording_mode).toEqual({
      recording_frequency: "CONTINUOUS",
      recording_mode_override: expect.objectContaining({
        recording_frequency: "DAILY",
        resource_types: ["AWS::EC2::NetworkInterface"],
      }),
    });
  });

  it("creates the delivery channel after the recorder and the bucket policy, and starts recording last", () => {
    expect(channel.depends_on).toEqual([
      address(json, "aws_config_configuration_recorder"),
      address(json, "aws_s3_bucket_policy", "config"),
    ]);
    const [[, status]] = resourcesOf(json, "aws_config_configuration_recorder_status");
    expect(status).toEqual({
      name: ref(
        "aws_config_configuration_recorder",
        nameOf(json, "aws_config_configuration_recorder"),
        "name",
      ),
      is_enabled: true,
      depends_on: [address(json, "aws_config_delivery_channel")],
    });
  });

  it("delivers a daily snapshot to its own bucket, encrypted with the audit key", () => {
    expect(channel).toMatchObject({
      s3_bucket_name: ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "config"), "bucket"),
      s3_kms_key_arn: ref("aws_kms_key", nameOf(json, "aws_kms_key", "audit_key"), "arn"),
      snapshot_delivery_properties: { delivery_frequency: "TwentyFour_Hours" },
    });
  });

  it("keeps deliveries seven years in a bucket without Object Lock, which Config cannot deliver to", () => {
    expect(resourceNamed(json, "aws_s3_bucket", "config").bucket).toBe(CONFIG_BUCKET);
    expect(resourceNamed(json, "aws_s3_bucket", "config").object_lock_enabled).toBeUndefined();
    expect(resourcesOf(json, "aws_s3_bucket_object_lock_configuration")).toEqual([]);
    const [rule] = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "config").rule;
    expect(rule.expiration).toEqual([{ days: 2557 }]);
    expect(resourceNamed(json, "aws_s3_bucket_logging", "config").target_prefix).toBe("config/");
  });

  it("lets only AWS Config of this account check and write the bucket, with the owner's ACL", () => {
    const bucketArn = `arn:aws:s3:::${CONFIG_BUCKET}`;
    const resolve = resolverFor(json, { account: ACCOUNT, region: REGION });
    const statements = policyOf(
      resolve(resourceNamed(json, "aws_s3_bucket_policy", "config").policy),
    ).Statement;
    const fromThisAccount = { StringEquals: { "aws:SourceAccount": ACCOUNT } };
    expect(statements.slice(1)).toEqual([
      {
        Sid: "ConfigAclCheck",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: fromThisAccount,
      },
      {
        Sid: "ConfigExistenceCheck",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "s3:ListBucket",
        Resource: bucketArn,
        Condition: fromThisAccount,
      },
      {
        Sid: "ConfigWrite",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${ACCOUNT}/Config/*`,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" },
        },
      },
    ]);
    expect(statements[0].Sid).toBe("DenyInsecureTransport");
  });

  describe("the managed rules", () => {
    let rules: Body[];
    beforeAll(() => {
      rules = resourcesOf(json, "aws_config_config_rule").map(([, r]) => r);
    });

    it("use identifiers from AWS's list of managed rules", () => {
      expect(AWS_IDENTIFIERS.size).toBeGreaterThan(250);
      expect(MANAGED_RULES.map((r) => r.identifier).filter((id) => !AWS_IDENTIFIERS.has(id))).toEqual([]);
    });

    it("cover what the stack should satisfy, each an AWS-owned rule created after the recorder", () => {
      expect(rules.map((r) => r.source.source_identifier).sort()).toEqual([
        "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
        "CLOUDWATCH_ALARM_ACTION_CHECK",
        "ECR_PRIVATE_IMAGE_SCANNING_ENABLED",
        "ECS_CONTAINERS_NONPRIVILEGED",
        "ECS_CONTAINERS_READONLY_ACCESS",
        "ECS_CONTAINER_INSIGHTS_ENABLED",
        "ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT",
        "ELB_LOGGING_ENABLED",
        "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "VPC_FLOW_LOGS_ENABLED",
      ]);
      for (const rule of rules) {
        expect(rule.source.owner).toBe("AWS");
        expect(rule.name).toBe(`fws-prod-${ruleSlug(rule.source.source_identifier)}`);
        expect(rule.name.length).toBeLessThanOrEqual(128);
        expect(rule.depends_on).toEqual([address(json, "aws_config_configuration_recorder")]);
      }
    });

    it("require an alarm action, and no OK or INSUFFICIENT_DATA action, of every alarm", () => {
      const rule = rules.find((r) => r.source.source_identifier === "CLOUDWATCH_ALARM_ACTION_CHECK");
      expect(JSON.parse(rule?.input_parameters)).toEqual({
        alarmActionRequired: "true",
        insufficientDataActionRequired: "false",
        okActionRequired: "false",
      });
    });
  });
});

describe("AWS Config run by the organisation", () => {
  let json: StackJson;
  let names: { recorderName?: string; configBucketName?: string };
  beforeAll(() => {
    const built = synthAudit({
      cloudtrail: { create: false },
      config: { createRecorder: false, createDeliveryChannel: false, createServiceLinkedRole: false },
    });
    json = built.json;
    names = built.audit;
  });

  it("creates no recorder, channel, status, role, bucket or key", () => {
    for (const type of [
      "aws_config_configuration_recorder",
      "aws_config_delivery_channel",
      "aws_config_configuration_recorder_status",
      "aws_iam_service_linked_role",
      "aws_s3_bucket",
      "aws_kms_key",
    ]) {
      expect(resourcesOf(json, type)).toEqual([]);
    }
    expect(names.recorderName).toBeUndefined();
    expect(names.configBucketName).toBeUndefined();
  });

  it("still deploys the rules, waiting for nothing", () => {
    const rules = resourcesOf(json, "aws_config_config_rule").map(([, r]) => r);
    expect(rules).toHaveLength(MANAGED_RULES.length);
    for (const rule of rules) expect(rule.depends_on).toBeUndefined();
  });
});

describe("AWS Config in a second region of the account, delivering to a central bucket", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthAudit({
      cloudtrail: { create: false },
      config: {
        homeRegion: false,
        createServiceLinkedRole: false,
        existingBucketName: "org-config-archive",
        snapshotFrequency: "Six_Hours",
        rules: false,
      },
    }).json;
  });

  it("records no global types, with the existing service-linked role", () => {
    const [[, recorder]] = resourcesOf(json, "aws_config_configuration_recorder");
    expect(recorder.recording_group.include_global_resource_types).toBe(false);
    expect(recorder.role_arn).toBe(SERVICE_LINKED_ROLE_ARN);
    expect(resourcesOf(json, "aws_iam_service_linked_role")).toEqual([]);
  });

  it("delivers to the central bucket as its owner set it up, creating no bucket or key of its own", () => {
    const [[, channel]] = resourcesOf(json, "aws_config_delivery_channel");
    expect(channel).toEqual({
      name: "fws-prod-config",
      s3_bucket_name: "org-config-archive",
      snapshot_delivery_properties: { delivery_frequency: "Six_Hours" },
      depends_on: [address(json, "aws_config_configuration_recorder")],
    });
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual([]);
    expect(resourcesOf(json, "aws_kms_key")).toEqual([]);
  });

  it("deploys no rule when rules is false", () => {
    expect(resourcesOf(json, "aws_config_config_rule")).toEqual([]);
  });
});
