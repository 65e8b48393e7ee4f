import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/load";
import { partitionOf, type StackContext } from "../constructs/context";
import { KmsKey } from "../constructs/kms-key";
import { logsKeyGrant } from "../constructs/log-group";
import { Naming } from "../constructs/naming";
import { Network } from "../modules/network/network";

/** Tag value of `managed-by` on every resource. */
export const MANAGED_BY = "fargate-web-stack (cdktf)";

/**
 * One environment: its provider, state backend and every module, created in order and wired together.
 * The only place that knows every module.
 */
export class EnvironmentStack extends TerraformStack {
  readonly context: StackContext;
  readonly network: Network;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    const { partition, dnsSuffix } = partitionOf(config.region);
    const ctx: StackContext = {
      naming: new Naming(config.project, config.name),
      account: config.account,
      region: config.region,
      partition,
      dnsSuffix,
      production: config.production,
    };
    this.context = ctx;

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.account],
      defaultTags: [
        {
          tags: {
            ...config.tags,
            project: config.project,
            environment: config.name,
            "managed-by": MANAGED_BY,
          },
        },
      ],
    });
    this.configureBackend(config);

    const logsKey = new KmsKey(this, "logs-key", {
      context: ctx,
      purpose: "logs",
      description: `CloudWatch Logs of ${ctx.naming.prefix}`,
      grants: [logsKeyGrant(ctx, [ctx.naming.logGroupPattern])],
    });

    this.network = new Network(this, "network", {
      context: ctx,
      cidr: config.network.cidr,
      availabilityZones: config.network.availabilityZones,
      subnets: config.network.subnets,
      natGateways: config.network.natGateways,
      egressPorts: config.network.egressPorts,
      flowLogs: config.network.flowLogs,
      endpoints: config.network.endpoints,
      logsKmsKeyArn: logsKey.arn,
    });

    new TerraformOutput(this, "vpc_id", { value: this.network.vpcId, description: "VPC id" });
    new TerraformOutput(this, "public_subnet_ids", {
      value: this.network.publicSubnetIds,
      description: "Public subnet ids, in the order of network.availabilityZones",
    });
    new TerraformOutput(this, "private_subnet_ids", {
      value: this.network.privateSubnetIds,
      description: "Private subnet ids, in the order of network.availabilityZones",
    });
  }

  private configureBackend(config: EnvironmentConfig): void {
    const s3 = config.state.s3;
    if (config.state.backend !== "s3" || !s3) {
      new LocalBackend(this, { path: `terraform.${config.name}.tfstate` });
      return;
    }
    const backend = new S3Backend(this, {
      bucket: s3.bucket,
      key: s3.key ?? `fargate-web-stack/${config.name}.tfstate`,
      region: s3.region ?? config.region,
      encrypt: s3.encrypt,
      kmsKeyId: s3.kmsKeyId,
      dynamodbTable: s3.dynamodbTable,
      assumeRole: s3.roleArn ? { roleArn: s3.roleArn } : undefined,
    });
    // cdktf 0.21's S3Backend predates Terraform 1.10's S3-native locking.
    if (s3.useLockfile) backend.addOverride("use_lockfile", true);
  }
}
