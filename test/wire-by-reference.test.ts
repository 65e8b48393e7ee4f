import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Finding, literalReferences } from "./support/literal-scan";
import { loadConfig, type StackJson, synthConfig } from "./support/synth";

/**
 * A resource that uses another takes its attribute (a token), so Terraform orders them and `terraform graph`
 * tells the truth. A rebuilt name or ARN is allowed only where a reference would be a cycle, listed here
 * with the reason.
 */
const CYCLES: { holder: RegExp; owner: RegExp; reason: string }[] = [
  {
    holder: /^aws_iam_role\.[^ ]* assume_role_policy$/,
    owner: /^aws_(codebuild_project|codepipeline|cloudtrail)\./,
    reason: "the trust's aws:SourceArn names the resource created with this role",
  },
  {
    holder: /^aws_kms_key\.[^ ]* policy$/,
    owner: /^aws_(cloudtrail|s3_bucket|cloudwatch_log_group)\./,
    reason: "the trail, bucket or log group is encrypted with this key, whose policy names it",
  },
  {
    holder: /^aws_s3_bucket_policy\.audit_cloudtrail_bucket[^ ]* policy$/,
    owner: /^aws_cloudtrail\./,
    reason: "CloudTrail checks the bucket policy when it creates the trail",
  },
];

const allowed = (f: Finding) =>
  CYCLES.some((a) => a.holder.test(`${f.where} ${f.path}`) && f.owners.every((o) => a.owner.test(o)));

const configFiles = [
  ...["dev", "prod"].map((n) => `config/${n}.yaml`),
  ...readdirSync("test/fixtures/configs").map((f) => join("test/fixtures/configs", f)),
];

describe.each(configFiles)("the stack of %s", (file) => {
  let json: StackJson;
  let prefixes: string[];
  beforeAll(() => {
    const config = loadConfig(file);
    json = synthConfig(config);
    prefixes = [`${config.project}-${config.name}`, `/${config.project}/${config.name}/`];
  });

  it("names none of its own resources by a literal outside policy documents", () => {
    const literal = literalReferences(json, prefixes).filter((f) => !f.inPolicy && !allowed(f));
    expect(literal.map((f) => `${f.where} ${f.path}: ${f.literal}`)).toEqual([]);
  });

  it("holds no literal ARN of its own resources in a policy, except where a token would be a cycle", () => {
    const literal = literalReferences(json, prefixes).filter((f) => f.inPolicy && !allowed(f));
    expect(literal.map((f) => `${f.where} ${f.path}: ${f.literal}`)).toEqual([]);
  });
});

describe("the literal scan", () => {
  const stack = (alarmActions: string[], policyResource: string): StackJson => ({
    resource: {
      aws_sns_topic: { topic: { name: "fws-t-alarms" } },
      aws_cloudwatch_metric_alarm: { a: { alarm_name: "fws-t-site-cpu", alarm_actions: alarmActions } },
      aws_iam_role_policy: {
        p: {
          name: "fws-t-role",
          policy: JSON.stringify({ Statement: [{ Effect: "Allow", Resource: policyResource }] }),
        },
      },
    },
    provider: {},
    terraform: {},
  });

  it("finds a rebuilt topic ARN in an alarm action and in a policy, and passes the token", () => {
    const rebuilt = "arn:aws:sns:eu-west-1:111111111111:fws-t-alarms";
    const found = literalReferences(stack([rebuilt], rebuilt), ["fws-t"]);
    expect(found.map((f) => [f.where, f.path, f.inPolicy])).toEqual([
      ["aws_cloudwatch_metric_alarm.a", "alarm_actions[0]", false],
      ["aws_iam_role_policy.p", "policy", true],
    ]);
    const token = "${aws_sns_topic.topic.arn}";
    expect(literalReferences(stack([token], token), ["fws-t"])).toEqual([]);
  });

  it("does not take a longer name for a shorter one", () => {
    expect(literalReferences(stack(["fws-t-alarms-archive"], "*"), ["fws-t"])).toEqual([]);
  });
});
