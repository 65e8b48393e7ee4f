import { ACCOUNT, APP_BUCKET_ARN, REGION, synthAudit } from "./fixtures/audit/audit-stack";
import { resolverFor } from "./support/iam";
import { type Body, policyOf, ref, resourceNamed, resourcesOf, type StackJson } from "./support/synth";

const nameOf = (json: StackJson, type: string, part: string) => {
  const found = resourcesOf(json, type).filter(([n]) => n.includes(part));
  if (found.length !== 1) throw new Error(`expected one ${type} like ${part}`);
  return found[0][0];
};
const statement = (policy: string, sid: string) => policyOf(policy).Statement.find((s) => s.Sid === sid);

const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/fws-prod-trail`;
const TRAIL_BUCKET_ARN = `arn:aws:s3:::fws-prod-cloudtrail-${ACCOUNT}-${REGION}`;
const CONFIG_BUCKET_ARN = `arn:aws:s3:::fws-prod-config-${ACCOUNT}-${REGION}`;

describe("the audit trail (production defaults)", () => {
  let json: StackJson;
  let trail: Body;
  beforeAll(() => {
    json = synthAudit().json;
    [[, trail]] = resourcesOf(json, "aws_cloudtrail");
  });

  it("records every management event of every region, with global service events and log file validation", () => {
    expect(trail).toMatchObject({
      name: "fws-prod-trail",
      enable_logging: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
    });
    expect(trail.event_selector).toEqual([
      { read_write_type: "All", include_management_events: true, exclude_management_event_sources: [] },
    ]);
    expect(trail.advanced_event_selector).toBeUndefined();
  });

  it("encrypts with the audit key and delivers to its bucket and, through its role, to every stream of its log group", () => {
    const group = nameOf(json, "aws_cloudwatch_log_group", "cloudtrail");
    expect(trail.kms_key_id).toBe(ref("aws_kms_key", nameOf(json, "aws_kms_key", "audit_key"), "arn"));
    expect(trail.s3_bucket_name).toBe(
      ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "cloudtrail"), "bucket"),
    );
    expect(trail.cloud_watch_logs_group_arn).toBe(`${ref("aws_cloudwatch_log_group", group, "arn")}:*`);
    expect(trail.cloud_watch_logs_role_arn).toBe(
      ref("aws_iam_role", nameOf(json, "aws_iam_role", "cloudtrail"), "arn"),
    );
  });

  it("is created after the bucket policy and the role's policy, which CloudTrail checks at creation", () => {
    expect(trail.depends_on).toEqual([
      `aws_s3_bucket_policy.${nameOf(json, "aws_s3_bucket_policy", "cloudtrail")}`,
      `aws_iam_role_policy.${nameOf(json, "aws_iam_role_policy", "cloudtrail")}`,
    ]);
  });

  it("keeps events a year in a KMS-encrypted log group that cannot be destroyed in production", () => {
    expect(resourceNamed(json, "aws_cloudwatch_log_group", "cloudtrail")).toEqual({
      name: "/fws/prod/cloudtrail",
      retention_in_days: 365,
      kms_key_id: ref("aws_kms_key", nameOf(json, "aws_kms_key", "audit_key"), "arn"),
      lifecycle: { prevent_destroy: true },
    });
  });

  describe("the audit key", () => {
    let policy: string;
    beforeAll(() => {
      const key = resourceNamed(json, "aws_kms_key", "audit_key");
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(key.lifecycle).toEqual({ prevent_destroy: true });
      policy = key.policy;
    });

    it("lets CloudTrail generate data keys only for this trail, under this trail's encryption context", () => {
      expect(statement(policy, "CloudTrailEncryptsThisTrail")).toEqual({
        Sid: "CloudTrailEncryptsThisTrail",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": TRAIL_ARN, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN },
        },
      });
      expect(statement(policy, "CloudTrailDescribesKey")?.Condition).toEqual({
        StringEquals: { "aws:SourceArn": TRAIL_ARN },
      });
    });

    it("lets CloudWatch Logs use it for the trail's log group only", () => {
      expect(statement(policy, "CloudWatchLogsEncryptsTheseGroups")?.Condition).toEqual({
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": [
            `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/fws/prod/cloudtrail`,
          ],
        },
      });
    });

    it("lets AWS Config of this account encrypt into the Config bucket only", () => {
      expect(statement(policy, "ConfigEncryptsDeliveries")).toMatchObject({
        Principal: { Service: "config.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [CONFIG_BUCKET_ARN, `${CONFIG_BUCKET_ARN}/*`] },
        },
      });
    });

    it("gives no service a wildcard action", () => {
      for (const s of policyOf(policy).Statement.filter((s) => s.Principal?.Service)) {
        expect([s.Action].flat().filter((a: string) => a.includes("*"))).toEqual([]);
      }
    });
  });

  describe("the trail bucket", () => {
    it("is private, versioned, SSE-KMS with the audit key, kept seven years, and protected in production", () => {
      const bucket = nameOf(json, "aws_s3_bucket", "cloudtrail");
      expect(resourceNamed(json, "aws_s3_bucket", "cloudtrail")).toMatchObject({
        bucket: `fws-prod-cloudtrail-${ACCOUNT}-${REGION}`,
        force_destroy: false,
        lifecycle: { prevent_destroy: true },
      });
      expect(resourceNamed(json, "aws_s3_bucket_public_access_block", "cloudtrail")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resourceNamed(json, "aws_s3_bucket_versioning", "cloudtrail").versioning_configuration).toEqual({
        status: "Enabled",
      });
      expect(
        resourceNamed(json, "aws_s3_bucket_server_side_encryption_configuration", "cloudtrail").rule,
      ).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: ref("aws_kms_key", nameOf(json, "aws_kms_key", "audit_key"), "arn"),
          },
          bucket_key_enabled: true,
        },
      ]);
      const [rule] = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "cloudtrail").rule;
      expect(rule.expiration).toEqual([{ days: 2557 }]);
      expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
      expect(resourceNamed(json, "aws_s3_bucket_logging", "cloudtrail")).toEqual({
        bucket: ref("aws_s3_bucket", bucket),
        target_bucket: ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "access-logs"), "bucket"),
        target_prefix: "cloudtrail/",
        // Logging starts once the access-log bucket's policy admits it.
        depends_on: [`aws_s3_bucket_policy.${nameOf(json, "aws_s3_bucket_policy", "access-logs")}`],
      });
      expect(resourcesOf(json, "aws_s3_bucket_object_lock_configuration")).toEqual([]);
    });

    it("refuses plain HTTP and lets CloudTrail write only with this trail as aws:SourceArn", () => {
      const resolve = resolverFor(json, { account: ACCOUNT, region: REGION });
      const policy = resolve(resourceNamed(json, "aws_s3_bucket_policy", "cloudtrail").policy);
      expect(statement(policy, "DenyInsecureTransport")).toMatchObject({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      expect(statement(policy, "CloudTrailAclCheck")).toMatchObject({
        Action: "s3:GetBucketAcl",
        Resource: TRAIL_BUCKET_ARN,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
      expect(statement(policy, "CloudTrailWrite")).toEqual({
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${TRAIL_BUCKET_ARN}/AWSLogs/${ACCOUNT}/*`,
        Condition: {
          StringEquals: { "aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control" },
        },
      });
    });
  });

  it("keeps the audit buckets' access logs in an SSE-S3 bucket that only their server access logging may write", () => {
    expect(
      resourceNamed(json, "aws_s3_bucket_server_side_encryption_configuration", "access-logs").rule,
    ).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    const [rule] = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "access-logs").rule;
    expect(rule.expiration).toEqual([{ days: 365 }]);
    const bucketArn = `arn:aws:s3:::fws-prod-audit-access-logs-${ACCOUNT}-${REGION}`;
    const resolve = resolverFor(json, { account: ACCOUNT, region: REGION });
    const policy = resolve(resourceNamed(json, "aws_s3_bucket_policy", "access-logs").policy);
    expect(statement(policy, "S3ServerAccessLogs")).toEqual({
      Sid: "S3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: [`${bucketArn}/cloudtrail/*`, `${bucketArn}/config/*`],
      Condition: {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": [TRAIL_BUCKET_ARN, CONFIG_BUCKET_ARN] },
      },
    });
    const logged = resourcesOf(json, "aws_s3_bucket_logging").map(([, l]) => l.bucket);
    expect(logged).not.toContain(ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "access-logs")));
  });
});

describe("trail options", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthAudit({
      cloudtrail: { objectLock: { enabled: true, retentionDays: 730 }, dataEventsForStackBuckets: true },
    }).json;
  });

  it("locks trail files in governance mode once the bucket's versioning is on", () => {
    expect(resourceNamed(json, "aws_s3_bucket_object_lock_configuration", "cloudtrail")).toEqual({
      bucket: ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "cloudtrail")),
      rule: { default_retention: { mode: "GOVERNANCE", days: 730 } },
      depends_on: [`aws_s3_bucket_versioning.${nameOf(json, "aws_s3_bucket_versioning", "cloudtrail")}`],
    });
  });

  it("records object-level events of the stack's buckets and the Config bucket, never of the trail bucket", () => {
    const [[, trail]] = resourcesOf(json, "aws_cloudtrail");
    expect(trail.event_selector).toEqual([
      {
        read_write_type: "All",
        include_management_events: true,
        exclude_management_event_sources: [],
        // The Config bucket by reference (its name resolves to CONFIG_BUCKET_ARN's).
        data_resource: [
          {
            type: "AWS::S3::Object",
            values: [
              `${APP_BUCKET_ARN}/`,
              `${ref("aws_s3_bucket", nameOf(json, "aws_s3_bucket", "config_bucket"), "arn")}/`,
            ],
          },
        ],
      },
    ]);
  });

  it("refuses data events when there is no bucket to record", () => {
    expect(() =>
      synthAudit(
        { cloudtrail: { dataEventsForStackBuckets: true }, config: { existingBucketName: "org-config" } },
        { dataEventBucketArns: [] },
      ),
    ).toThrow("cloudtrail.dataEventsForStackBuckets is true, but the stack passed no bucket");
  });
});

describe("an organisation's trail instead of the stack's", () => {
  const existing = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org";
  let json: StackJson;
  let trailArn: string | undefined;
  beforeAll(() => {
    const built = synthAudit({ cloudtrail: { create: false, existingTrailArn: existing } });
    json = built.json;
    trailArn = built.audit.trailArn;
  });

  it("creates no trail, trail bucket, log group, role or CIS alarm, and names the organisation's trail", () => {
    for (const type of [
      "aws_cloudtrail",
      "aws_cloudwatch_log_group",
      "aws_cloudwatch_log_metric_filter",
      "aws_cloudwatch_metric_alarm",
      "aws_iam_role",
    ]) {
      expect(resourcesOf(json, type)).toEqual([]);
    }
    expect(resourcesOf(json, "aws_s3_bucket").map(([, b]) => b.bucket)).toEqual([
      `fws-prod-audit-access-logs-${ACCOUNT}-${REGION}`,
      `fws-prod-config-${ACCOUNT}-${REGION}`,
    ]);
    expect(trailArn).toBe(existing);
  });

  it("keeps CloudTrail out of the audit key's policy", () => {
    const principals = policyOf(resourceNamed(json, "aws_kms_key", "audit_key").policy).Statement.map(
      (s) => s.Principal?.Service,
    );
    expect(principals).toEqual([undefined, "config.amazonaws.com"]);
  });
});

describe("outside production", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthAudit({}, { production: false }).json;
  });

  it("lets a teardown remove the audit data: no prevent_destroy, buckets emptied, keys wait 7 days", () => {
    for (const type of ["aws_s3_bucket", "aws_kms_key", "aws_cloudwatch_log_group"]) {
      for (const [, r] of resourcesOf(json, type)) expect(r.lifecycle).toBeUndefined();
    }
    for (const [, b] of resourcesOf(json, "aws_s3_bucket")) expect(b.force_destroy).toBe(true);
    expect(resourceNamed(json, "aws_kms_key", "audit_key").deletion_window_in_days).toBe(7);
  });
});
