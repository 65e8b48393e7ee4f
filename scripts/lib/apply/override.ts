/**
 * The override that points a copy of a stack at moto: every aws provider block (the default and each
 * alias) gets moto's endpoint for every service the stacks use, fake credentials, and few retries. The
 * account check stays on: moto answers sts:GetCallerIdentity with the account it was started for.
 */

/** The state file of an apply, in its work directory. */
export const APPLY_STATE = "apply.tfstate";

/** Endpoint keys of hashicorp/aws 5.x for the services the stacks use (STS too: the account check). */
const SERVICES = [
  "acm",
  "applicationautoscaling",
  "cloudfront",
  "cloudtrail",
  "cloudwatch",
  "codebuild",
  "codedeploy",
  "codepipeline",
  "codestarconnections",
  "configservice",
  "ec2",
  "ecr",
  "ecs",
  "elbv2",
  "events",
  "iam",
  "kms",
  "logs",
  "route53",
  "s3",
  "secretsmanager",
  "sns",
  "ssm",
  "sts",
  "wafv2",
] as const;

export function motoOverride(
  stackJson: { provider?: Record<string, Record<string, unknown>[]> },
  endpoint: string,
): object {
  const blocks = stackJson.provider?.aws ?? [];
  return {
    terraform: { backend: { local: { path: APPLY_STATE } } },
    provider: {
      aws: blocks.map((block) => ({
        ...(block.alias ? { alias: block.alias } : {}),
        access_key: "moto-apply-test",
        secret_key: "moto-apply-test",
        skip_metadata_api_check: true,
        s3_use_path_style: true,
        // An API moto does not implement fails within seconds instead of after the provider's 25 retries;
        // three attempts still ride out a dropped loopback connection.
        max_retries: 3,
        endpoints: [Object.fromEntries(SERVICES.map((s) => [s, endpoint]))],
      })),
    },
  };
}
