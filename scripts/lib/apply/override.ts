/**
 * The override that points a copy of a stack at moto: every aws provider block (the default and each
 * alias) gets moto's endpoint for every service the stacks use, fake credentials, and few retries. The
 * account check stays on: moto answers sts:GetCallerIdentity with the account it was started for.
 */

/** The state file of an apply, in its work directory. */
export const APPLY_STATE = "apply.tfstate";

/** Endpoint keys of hashicorp/aws 5.x for the services the stacks use (STS too: the account check). */
export const SERVICES = [
  "acm",
  "applicationautoscaling",
  "cloudfront",
  "cloudtrail",
  "cloudwatch",
  "codebuild",
  "codedeploy",
  "codepipeline",
  "codestarconnections",
  "codestarnotifications",
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

/**
 * The endpoint key each resource type's API is called through, by type name prefix (the longest that
 * matches: the type itself or the type followed by `_`). A type with none here must be added, with its
 * endpoint key in SERVICES, before the stacks may use it: jest checks every shipped and fixture stack.
 */
const ENDPOINT_OF_PREFIX: Record<string, (typeof SERVICES)[number]> = {
  aws_acm: "acm",
  aws_appautoscaling: "applicationautoscaling",
  aws_cloudfront: "cloudfront",
  aws_cloudtrail: "cloudtrail",
  aws_cloudwatch_dashboard: "cloudwatch",
  aws_cloudwatch_metric_alarm: "cloudwatch",
  aws_cloudwatch_event: "events",
  aws_cloudwatch_log: "logs",
  aws_cloudwatch_query_definition: "logs",
  aws_codebuild: "codebuild",
  aws_codedeploy: "codedeploy",
  aws_codepipeline: "codepipeline",
  aws_codestarconnections: "codestarconnections",
  aws_codestarnotifications: "codestarnotifications",
  aws_config: "configservice",
  aws_default_security_group: "ec2",
  aws_eip: "ec2",
  aws_flow_log: "ec2",
  aws_internet_gateway: "ec2",
  aws_nat_gateway: "ec2",
  aws_network_acl: "ec2",
  aws_route_table: "ec2",
  aws_security_group: "ec2",
  aws_subnet: "ec2",
  aws_vpc: "ec2",
  aws_ecr: "ecr",
  aws_ecs: "ecs",
  aws_lb: "elbv2",
  aws_iam: "iam",
  aws_kms: "kms",
  aws_route53: "route53",
  aws_s3: "s3",
  aws_secretsmanager: "secretsmanager",
  aws_sns: "sns",
  aws_ssm: "ssm",
  aws_wafv2: "wafv2",
};

/** The endpoint key a resource type is called through, or undefined when the table lacks it. */
export function endpointOf(type: string): string | undefined {
  const matches = Object.keys(ENDPOINT_OF_PREFIX).filter((p) => type === p || type.startsWith(`${p}_`));
  const longest = matches.sort((a, b) => b.length - a.length)[0];
  return longest ? ENDPOINT_OF_PREFIX[longest] : undefined;
}

/**
 * Terraform's environment points HTTP(S) at a closed loopback port: any call that escapes the override's
 * endpoints (a service missing from SERVICES) fails at once instead of reaching AWS. Loopback (moto) is
 * exempt.
 */
export const NO_ESCAPE_ENV = {
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
} as const;

/** Credentials the provider signs with: moto's checks them only while its IAM check is on. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** An assumed role's session token. @default none (an IAM user's key) */
  readonly sessionToken?: string;
}

/** Any key passes while moto's IAM check is off: the account's root, in effect. */
export const ROOT_CREDENTIALS: Credentials = {
  accessKeyId: "moto-apply-test",
  secretAccessKey: "moto-apply-test",
};

export function motoOverride(
  stackJson: { provider?: Record<string, Record<string, unknown>[]> },
  endpoint: string,
  credentials: Credentials = ROOT_CREDENTIALS,
): object {
  const blocks = stackJson.provider?.aws ?? [];
  return {
    terraform: { backend: { local: { path: APPLY_STATE } } },
    provider: {
      aws: blocks.map((block) => ({
        ...(block.alias ? { alias: block.alias } : {}),
        access_key: credentials.accessKeyId,
        secret_key: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { token: credentials.sessionToken } : {}),
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
