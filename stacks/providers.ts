import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig } from "../config/load";
import { defaultStateKey } from "../config/schema/state";

/** Tag value of `managed-by` on every resource. */
export const MANAGED_BY = "fargate-web-stack (cdktf)";

/** Alias of the us-east-1 provider that CloudFront-scope resources use. */
export const US_EAST_1_ALIAS = "us_east_1";

/**
 * The environment's AWS provider (its region, its account only, default tags) and, when asked, a
 * us-east-1 alias with the same account check and tags.
 */
export function environmentProviders(
  stack: TerraformStack,
  config: EnvironmentConfig,
  usEast1: boolean,
): { main: AwsProvider; usEast1?: AwsProvider } {
  const common = {
    allowedAccountIds: [config.account],
    defaultTags: [
      {
        tags: { ...config.tags, project: config.project, environment: config.name, "managed-by": MANAGED_BY },
      },
    ],
  };
  const main = new AwsProvider(stack, "aws", { region: config.region, ...common });
  if (!usEast1) return { main };
  return {
    main,
    usEast1: new AwsProvider(stack, "aws-us-east-1", {
      alias: US_EAST_1_ALIAS,
      region: "us-east-1",
      ...common,
    }),
  };
}

/** The oldest Terraform the stack runs on: S3-native state locking (`use_lockfile`) arrived in 1.10. */
export const REQUIRED_TERRAFORM = ">= 1.10.0";

/** Local state by default; the team's S3 backend when config names one. */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig): void {
  // cdktf 0.21 has no setting for the terraform block's required_version.
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
  const s3 = config.state.s3;
  if (config.state.backend !== "s3" || !s3) {
    // An absolute path: relative, it would be relative to cdktf.out/stacks/<env>, which synth regenerates.
    new LocalBackend(stack, {
      path: join(config.state.localDirectory, `${config.project}-${config.name}.tfstate`),
    });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: s3.bucket,
    // The project is in the key: two projects' environments of one name share a bucket without colliding.
    key: s3.key ?? defaultStateKey(config.project, config.name),
    region: s3.region ?? config.region,
    encrypt: s3.encrypt,
    kmsKeyId: s3.kmsKeyId,
    dynamodbTable: s3.dynamodbTable,
    assumeRole: s3.roleArn ? { roleArn: s3.roleArn } : undefined,
  });
  // cdktf 0.21's S3Backend predates Terraform 1.10's S3-native locking.
  if (s3.useLockfile) backend.addOverride("use_lockfile", true);
}
