import { join } from "node:path";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { BootstrapConfig } from "../config/schema/bootstrap";
import { defaultStateKey } from "../config/schema/state";
import { partitionOf, type StackContext } from "../constructs/context";
import type { EnvironmentInventory } from "../modules/bootstrap/inventory";
import { bootstrapNaming } from "../modules/bootstrap/names";
import { RolePair } from "../modules/bootstrap/role-pair";
import { StateBackend } from "../modules/bootstrap/state-backend";
import { GITHUB_OIDC_HOST } from "../modules/bootstrap/trust";
import { MANAGED_BY } from "./providers";

export interface BootstrapStackProps {
  readonly account: string;
  /** The environments of the account, read from their synthesized stacks. */
  readonly inventories: EnvironmentInventory[];
  readonly config: BootstrapConfig;
}

/**
 * One account's bootstrap, applied once by an administrator before any environment: the state backend,
 * and a planner and a deployer per environment (or per account) generated from the environments' stacks.
 */
export class BootstrapStack extends TerraformStack {
  readonly context: StackContext;
  readonly state: StateBackend;
  readonly pairs: Record<string, RolePair> = {};

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, `bootstrap-${props.account}`);
    const { config, inventories, account } = props;
    const projects = [...new Set(inventories.map((i) => i.project))];
    if (projects.length !== 1) {
      throw new Error(
        `bootstrap of account ${account}: expected one project in its environments, got ${projects.join(", ")}`,
      );
    }
    const region = config.region ?? inventories[0].regions[0];
    const { partition, dnsSuffix } = partitionOf(region);
    const ctx: StackContext = {
      naming: bootstrapNaming(projects[0]),
      account,
      region,
      partition,
      dnsSuffix,
      production: true,
    };
    this.context = ctx;
    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [account],
      defaultTags: [{ tags: { project: projects[0], environment: "bootstrap", "managed-by": MANAGED_BY } }],
    });
    // The bootstrap's own state is local (the bucket it creates cannot hold it before it exists), and kept
    // outside cdktf.out/ and the clone, as the environments' local state is.
    new LocalBackend(this, {
      path: join(config.state.localDirectory, `${projects[0]}-bootstrap-${account}.tfstate`),
    });

    this.state = new StateBackend(this, "state", {
      context: ctx,
      noncurrentVersionDays: config.state.noncurrentVersionDays,
      dynamodbLockTable: config.state.dynamodbLockTable,
    });
    const gh = config.assumedBy.githubActions;
    const oidcProviderArn = !gh
      ? undefined
      : gh.createProvider
        ? new IamOpenidConnectProvider(this, "github-oidc", {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: ["sts.amazonaws.com"],
          }).arn
        : // The account's existing provider, created outside this stack: its ARN is made of the host.
          `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;

    const groups: [string, EnvironmentInventory[]][] =
      config.roles.scope === "account" ? [["account", inventories]] : inventories.map((i) => [i.name, [i]]);
    for (const [group, members] of groups) {
      this.pairs[group] = new RolePair(this, `roles-${group}`, {
        context: ctx,
        group,
        inventories: members,
        resources: {
          partition,
          account,
          bootstrapPrefix: ctx.naming.prefix,
          stateBucketArn: this.state.bucket.arn,
          stateBucketName: this.state.bucket.bucket.bucket,
          stateKeyArn: this.state.key.arn,
          stateKeyAliasArn: `arn:${partition}:kms:${region}:${account}:${this.state.key.aliasName}`,
          lockTableArn: this.state.lockTable?.arn,
        },
        roles: config.roles,
        assumedBy: config.assumedBy,
        oidcProviderArn,
      });
    }
    this.addOutputs(inventories, config.roles.scope === "account");
  }

  private addOutputs(inventories: EnvironmentInventory[], perAccount: boolean): void {
    const lockTable = this.state.lockTableName;
    for (const inv of inventories) {
      const pair = this.pairs[perAccount ? "account" : inv.name];
      const backend = [
        "state:",
        "  backend: s3",
        "  s3:",
        `    bucket: ${this.state.bucket.name}`,
        `    key: ${inv.stateKey ?? defaultStateKey(inv.project, inv.name)}`,
        `    region: ${this.context.region}`,
        `    kmsKeyId: ${this.state.key.arn}`,
        ...(lockTable ? [`    dynamodbTable: ${lockTable}`] : []),
        "",
      ].join("\n");
      const id = inv.name.replace(/-/g, "_");
      new TerraformOutput(this, `${id}_state_config`, {
        value: backend,
        description: `The state section of config/${inv.name}.yaml`,
      });
      new TerraformOutput(this, `${id}_planner_role_arn`, {
        value: pair.planner.arn,
        description: `Plans ${inv.name}`,
      });
      new TerraformOutput(this, `${id}_deployer_role_arn`, {
        value: pair.deployer.arn,
        description: `Applies ${inv.name}`,
      });
    }
    new TerraformOutput(this, "state_bucket", {
      value: this.state.bucket.name,
      description: "Bucket of every state",
    });
  }
}
