import { resolverFor, simulate } from "./support/iam";
import { loadConfig, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/**
 * S3 server access logging (checkov CKV_AWS_18, Security Hub S3.9): every bucket of an environment either
 * logs who read or deleted its objects, or is itself the target of such logs; and a target admits S3's
 * logging service for its own sources only.
 */
describe.each(["dev", "prod"])("the buckets of config/%s.yaml", (env) => {
  const config = loadConfig(`config/${env}.yaml`);
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(config);
  });

  const bucketAddress = (value: string) => /^\$\{aws_s3_bucket\.([^.]+)\.(id|bucket)\}$/.exec(value)?.[1];

  it("each log their server access to a target bucket, or are one", () => {
    const logging = resourcesOf(json, "aws_s3_bucket_logging").map(([, l]) => l);
    const logged = new Set(logging.map((l) => bucketAddress(l.bucket)));
    const targets = new Set(logging.map((l) => bucketAddress(l.target_bucket)));
    const buckets = resourcesOf(json, "aws_s3_bucket").map(([name]) => name);
    expect(buckets.filter((b) => !logged.has(b) && !targets.has(b))).toEqual([]);
    // A target does not log into itself or into another target (no loops of log deliveries).
    expect([...targets].filter((t) => logged.has(t))).toEqual([]);
  });

  it("admit S3's logging service for their own sources' prefixes only, and switch logging on after that", async () => {
    const resolve = resolverFor(json, { account: config.account, region: config.region });
    const buckets = Object.fromEntries(resourcesOf(json, "aws_s3_bucket"));
    const policies = resourcesOf(json, "aws_s3_bucket_policy");
    for (const [, logging] of resourcesOf(json, "aws_s3_bucket_logging")) {
      const source = buckets[bucketAddress(logging.bucket) as string].bucket;
      const targetName = bucketAddress(logging.target_bucket) as string;
      const target = buckets[targetName].bucket;
      const [policyName, { policy }] = policies.find(([, p]) => bucketAddress(p.bucket) === targetName)!;
      expect(logging.depends_on).toEqual([`aws_s3_bucket_policy.${policyName}`]);
      const put = (from: string, key = `${logging.target_prefix}2026-12-04-10-00-00-0123456789ABCDEF`) =>
        simulate({
          resourcePolicy: resolve(policy),
          principal: "logging.s3.amazonaws.com",
          action: "s3:PutObject",
          resource: `arn:aws:s3:::${target}/${key}`,
          resourceAccount: config.account,
          context: { "aws:SourceAccount": config.account, "aws:SourceArn": `arn:aws:s3:::${from}` },
        });
      expect(await put(source)).toBe("Allowed");
      expect(await put(`${source}-other`)).toBe("ImplicitlyDenied");
      expect(await put(source, "elsewhere/2026-12-04-10-00-00-0123456789ABCDEF")).toBe("ImplicitlyDenied");
    }
  });
});
