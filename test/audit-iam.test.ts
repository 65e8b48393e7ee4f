import { ACCOUNT, REGION, synthAudit } from "./fixtures/audit/audit-stack";
import {
  type SimulationRequest,
  simulate as simulateIn,
  stackSubstitutions,
  unknownActions,
  wildcardResources,
} from "./support/iam";
import { policyOf, resourceNamed, type StackJson } from "./support/synth";

let stack: StackJson;
/** A simulated request, with the interpolations of `stack` resolved to the names and ARNs AWS will see. */
const simulate = (request: SimulationRequest) =>
  simulateIn({ substitutions: stackSubstitutions(stack, { account: ACCOUNT, region: REGION }), ...request });

const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/fws-prod-trail`;
const OTHER_TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/someone-elses-trail`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const groupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const bucketArn = (purpose: string) => `arn:aws:s3:::fws-prod-${purpose}-${ACCOUNT}-${REGION}`;

/** The statements of a resource policy that name a service: what the account root holds is IAM's business. */
const serviceStatements = (policy: string) => ({
  Version: "2012-10-17",
  Statement: policyOf(policy).Statement.filter((s) => s.Principal?.Service),
});

describe("the audit module's permissions", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthAudit().json;
    stack = json;
  });

  describe("the CloudTrail to CloudWatch Logs role", () => {
    let rolePolicy: string;
    let roleArn: string;
    beforeAll(() => {
      rolePolicy = resourceNamed(json, "aws_iam_role_policy", "cloudtrail").policy;
      roleArn = `arn:aws:iam::${ACCOUNT}:role/${resourceNamed(json, "aws_iam_role", "cloudtrail").name}`;
    });

    it("uses only catalogued actions, without wildcards, on named resources", async () => {
      expect(await unknownActions(rolePolicy)).toEqual([]);
      expect(wildcardResources(rolePolicy)).toEqual([]);
    });

    const write = (action: string, group: string) =>
      simulate({
        identityPolicies: [rolePolicy],
        principal: roleArn,
        action,
        resource: `${groupArn(group)}:log-stream:${ACCOUNT}_CloudTrail_${REGION}`,
      });

    it("may create streams in and write events to its own log group", async () => {
      expect(await write("logs:CreateLogStream", "/fws/prod/cloudtrail")).toBe("Allowed");
      expect(await write("logs:PutLogEvents", "/fws/prod/cloudtrail")).toBe("Allowed");
    });

    it("may not write to any other log group", async () => {
      expect(await write("logs:PutLogEvents", "/fws/prod/vpc-flow-logs")).toBe("ImplicitlyDenied");
      expect(await write("logs:PutLogEvents", "/fws/prod/cloudtrail-copy")).toBe("ImplicitlyDenied");
      expect(await write("logs:PutLogEvents", "/fws/dev/cloudtrail")).toBe("ImplicitlyDenied");
    });

    const assume = (sourceArn: string, sourceAccount = ACCOUNT) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_iam_role", "cloudtrail").assume_role_policy,
        principal: "cloudtrail.amazonaws.com",
        action: "sts:AssumeRole",
        resource: roleArn,
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": sourceAccount },
      });

    it("may be assumed by CloudTrail for this trail only", async () => {
      expect(await assume(TRAIL_ARN)).toBe("Allowed");
      expect(await assume(OTHER_TRAIL_ARN)).toBe("ImplicitlyDenied");
      expect(
        await assume(`arn:aws:cloudtrail:${REGION}:111111111111:trail/fws-prod-trail`, "111111111111"),
      ).toBe("ImplicitlyDenied");
    });
  });

  describe("the trail bucket", () => {
    let policy: string;
    beforeAll(() => {
      policy = resourceNamed(json, "aws_s3_bucket_policy", "cloudtrail").policy;
    });

    const put = (sourceArn: string, extra: Record<string, string> = {}) =>
      simulate({
        resourcePolicy: policy,
        principal: "cloudtrail.amazonaws.com",
        action: "s3:PutObject",
        resource: `${bucketArn("cloudtrail")}/AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/01/01/log.json.gz`,
        resourceAccount: ACCOUNT,
        context: { "aws:SourceArn": sourceArn, "s3:x-amz-acl": "bucket-owner-full-control", ...extra },
      });

    it("lets CloudTrail deliver this trail's files", async () => {
      expect(await put(TRAIL_ARN)).toBe("Allowed");
    });

    it("refuses another trail's files, files without the owner's ACL, and plain HTTP", async () => {
      expect(await put(OTHER_TRAIL_ARN)).toBe("ImplicitlyDenied");
      expect(await put(TRAIL_ARN, { "s3:x-amz-acl": "public-read" })).toBe("ImplicitlyDenied");
      expect(await put(TRAIL_ARN, { "aws:SecureTransport": "false" })).toBe("ExplicitlyDenied");
    });

    it("names only catalogued actions", async () => {
      expect(await unknownActions(policy)).toEqual([]);
    });
  });

  describe("the audit key", () => {
    let policy: string;
    beforeAll(() => {
      policy = resourceNamed(json, "aws_kms_key", "audit_key").policy;
    });

    it("gives services only catalogued actions, without wildcards", async () => {
      expect(await unknownActions(serviceStatements(policy))).toEqual([]);
    });

    const generate = (principal: string, context: Record<string, string>) =>
      simulate({
        resourcePolicy: policy,
        principal,
        action: "kms:GenerateDataKey",
        resource: KEY_ARN,
        context,
      });

    it("lets CloudTrail encrypt this trail's files", async () => {
      expect(
        await generate("cloudtrail.amazonaws.com", {
          "aws:SourceArn": TRAIL_ARN,
          "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN,
        }),
      ).toBe("Allowed");
    });

    it("does not let CloudTrail encrypt for another trail", async () => {
      expect(
        await generate("cloudtrail.amazonaws.com", {
          "aws:SourceArn": OTHER_TRAIL_ARN,
          "kms:EncryptionContext:aws:cloudtrail:arn": OTHER_TRAIL_ARN,
        }),
      ).toBe("ImplicitlyDenied");
      expect(
        await generate("cloudtrail.amazonaws.com", {
          "aws:SourceArn": TRAIL_ARN,
          "kms:EncryptionContext:aws:cloudtrail:arn": OTHER_TRAIL_ARN,
        }),
      ).toBe("ImplicitlyDenied");
    });

    // The trail bucket has an S3 Bucket Key: CreateTrail checks that CloudTrail may decrypt with the key.
    it("lets CloudTrail decrypt for this trail, which CreateTrail requires of a bucket with a Bucket Key", async () => {
      const decrypt = (sourceArn: string) =>
        simulate({
          resourcePolicy: policy,
          principal: "cloudtrail.amazonaws.com",
          action: "kms:Decrypt",
          resource: KEY_ARN,
          context: { "aws:SourceArn": sourceArn },
        });
      const bucket = resourceNamed(json, "aws_s3_bucket_server_side_encryption_configuration", "cloudtrail");
      expect(bucket.rule[0].bucket_key_enabled).toBe(true);
      expect(await decrypt(TRAIL_ARN)).toBe("Allowed");
      expect(await decrypt(OTHER_TRAIL_ARN)).toBe("ImplicitlyDenied");
    });

    it("lets CloudWatch Logs encrypt the trail's log group and no other", async () => {
      const logs = `logs.${REGION}.amazonaws.com`;
      const context = (group: string) => ({ "kms:EncryptionContext:aws:logs:arn": groupArn(group) });
      expect(await generate(logs, context("/fws/prod/cloudtrail"))).toBe("Allowed");
      expect(await generate(logs, context("/fws/prod/vpc-flow-logs"))).toBe("ImplicitlyDenied");
    });

    it("lets AWS Config of this account encrypt into the Config bucket and no other", async () => {
      const context = (account: string, bucket: string) => ({
        "aws:SourceAccount": account,
        "kms:EncryptionContext:aws:s3:arn": bucket,
      });
      expect(await generate("config.amazonaws.com", context(ACCOUNT, bucketArn("config")))).toBe("Allowed");
      expect(await generate("config.amazonaws.com", context(ACCOUNT, bucketArn("cloudtrail")))).toBe(
        "ImplicitlyDenied",
      );
      expect(await generate("config.amazonaws.com", context("111111111111", bucketArn("config")))).toBe(
        "ImplicitlyDenied",
      );
    });
  });

  describe("the Config bucket", () => {
    const put = (account: string) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_s3_bucket_policy", "config").policy,
        principal: "config.amazonaws.com",
        action: "s3:PutObject",
        resource: `${bucketArn("config")}/AWSLogs/${ACCOUNT}/Config/${REGION}/2026/1/1/ConfigSnapshot/x.json.gz`,
        resourceAccount: ACCOUNT,
        context: { "aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control" },
      });

    it("lets AWS Config of this account deliver, and of no other account", async () => {
      expect(await put(ACCOUNT)).toBe("Allowed");
      expect(await put("111111111111")).toBe("ImplicitlyDenied");
    });
  });

  describe("the access-log bucket", () => {
    const put = (sourceBucket: string, prefix: string) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_s3_bucket_policy", "access-logs").policy,
        principal: "logging.s3.amazonaws.com",
        action: "s3:PutObject",
        resource: `${bucketArn("audit-access-logs")}/${prefix}2026-01-01-00-00-00-ABCDEF`,
        resourceAccount: ACCOUNT,
        context: { "aws:SourceArn": sourceBucket, "aws:SourceAccount": ACCOUNT },
      });

    it("takes the audit buckets' access logs and nothing else", async () => {
      expect(await put(bucketArn("cloudtrail"), "cloudtrail/")).toBe("Allowed");
      expect(await put(bucketArn("config"), "config/")).toBe("Allowed");
      expect(await put(bucketArn("alb-logs"), "cloudtrail/")).toBe("ImplicitlyDenied");
      expect(await put(bucketArn("cloudtrail"), "elsewhere/")).toBe("ImplicitlyDenied");
    });
  });
});
