import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { accountRoot, dataLifecycle, type StackContext } from "./context";
import { EncryptedLogGroup, logsKeyGrant } from "./log-group";
import { type Conditions, type PolicyStatement, policyJson } from "./policy";

/** One service's use of the key, scoped by conditions (encryption context, source account or ARN). */
export interface KeyGrant {
  /** Statement id, e.g. "CloudWatchLogs". */
  readonly sid: string;
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly service: string;
  readonly actions: string[];
  readonly conditions?: Conditions;
}

export interface KmsKeyProps {
  readonly context: StackContext;
  /** What the key protects; becomes the alias `alias/<prefix>-<purpose>`. */
  readonly purpose: string;
  readonly description: string;
  /** Services that may use the key, each scoped by its conditions. @default none */
  readonly grants?: KeyGrant[];
  /** Days a scheduled deletion waits. @default 30 in production, 7 elsewhere */
  readonly deletionWindowInDays?: number;
  /** Provider of the key's region (the us-east-1 alias for CloudFront-scope logs). @default the stack's */
  readonly provider?: TerraformProvider;
}

/**
 * A customer-managed symmetric key with yearly rotation, administered by the account (so IAM policies
 * decide who else may use it) and usable by the named services only under their conditions.
 */
export class KmsKey extends Construct {
  readonly key: AwsKmsKey;
  readonly arn: string;
  readonly aliasName: string;
  /** Modules whose log groups encrypted with this key the policy grants CloudWatch Logs, in call order. */
  private readonly logGroupCreators: Construct[] = [];

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const ctx = props.context;
    const statements = (): PolicyStatement[] => [
      {
        sid: "AccountAdministers",
        principals: { AWS: accountRoot(ctx) },
        // The account root must hold kms:* on the key or the key becomes unmanageable; IAM policies then decide.
        actions: ["kms:*"],
        // In a key policy "*" means this key.
        resources: ["*"],
      },
      ...[...(props.grants ?? []), ...this.logGroupGrants(ctx)].map(
        (g): PolicyStatement => ({
          sid: g.sid,
          principals: { Service: g.service },
          actions: g.actions,
          // In a key policy "*" means this key.
          resources: ["*"],
          conditions: g.conditions,
        }),
      ),
    ];
    this.key = new AwsKmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? (ctx.production ? 30 : 7),
      // Rendered at synthesis, once every module has said which log groups it creates on this key.
      policy: Lazy.stringValue({ produce: () => policyJson(statements()) }),
      lifecycle: dataLifecycle(ctx),
      provider: props.provider,
    });
    this.arn = this.key.arn;
    this.aliasName = `alias/${ctx.naming.name("kmsAliasName", props.purpose)}`;
    new KmsAlias(this, "alias", {
      name: this.aliasName,
      targetKeyId: this.key.keyId,
      provider: props.provider,
    });
  }

  /**
   * Lets CloudWatch Logs use this key for every log group `modules` create with it (EncryptedLogGroups
   * anywhere below them whose key is this one): one call per module, and the groups are read at
   * synthesis, so groups a module adds later count too. Groups on another key are left to that key.
   */
  servesLogGroupsOf(...modules: Construct[]): void {
    this.logGroupCreators.push(...modules);
  }

  /** Names of the groups learned so far, each once, in the order their modules were given. */
  get servedLogGroupNames(): string[] {
    const names = this.logGroupCreators
      .flatMap((m) => m.node.findAll())
      .filter((c): c is EncryptedLogGroup => c instanceof EncryptedLogGroup && c.kmsKeyArn === this.arn)
      .map((group) => group.givenName);
    return [...new Set(names)];
  }

  /** The CloudWatch Logs statement for the learned groups, in the key's region; none if there are none. */
  private logGroupGrants(ctx: StackContext): KeyGrant[] {
    const names = this.servedLogGroupNames;
    return names.length === 0 ? [] : [logsKeyGrant(ctx, names)];
  }
}
