import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicy } from "@cdktf/provider-aws/lib/iam-group-policy";
import { IamPolicy as AwsIamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { BootstrapConfig } from "../../config/schema/bootstrap";
import type { StackContext } from "../../constructs/context";
import { type IamPolicy, policyJson } from "../../constructs/policy";
import { ASSUME_ROLE } from "../../facts/iam/fixed-actions";
import type { EnvironmentInventory } from "./inventory";
import { boundaryPolicyName, type RoleGroup } from "./names";
import { type BootstrapResources, boundaryDocument, rolePolicyDocuments } from "./role-policies";
import { deployerTrust, plannerTrust, type TrustInput } from "./trust";

export interface RolePairProps {
  /** The bootstrap's context. */
  readonly context: StackContext;
  /** "dev", or "account" when one pair serves every environment of the account. */
  readonly group: RoleGroup;
  /** The environments the pair plans and deploys, read from their synthesized stacks. */
  readonly inventories: EnvironmentInventory[];
  /** The state backend's bucket, key and lock table (the boundary ARN is filled in here). */
  readonly resources: Omit<BootstrapResources, "boundaryArn">;
  readonly roles: BootstrapConfig["roles"];
  readonly assumedBy: BootstrapConfig["assumedBy"];
  /** The account's GitHub OIDC provider. @default none */
  readonly oidcProviderArn?: string;
}

/**
 * The planner and the deployer of some environments, their policies generated from the environments'
 * stacks, the permissions boundary every role of those environments carries, and (assumedBy.mfaGroup)
 * the IAM group whose members may assume them.
 */
export class RolePair extends Construct {
  readonly planner: IamRole;
  readonly deployer: IamRole;
  readonly boundaryArn: string;
  readonly group?: IamGroup;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RolePairProps,
  ) {
    super(scope, id);
    const ctx = props.context;
    const naming = ctx.naming;
    const envs = props.inventories.map((i) => i.name).join(", ");
    const where = "config/bootstrap.yaml: roles";
    // Its name is the one the environment stacks rebuild (modules/bootstrap/names.ts); here, a reference.
    const boundary = new AwsIamPolicy(this, "boundary", {
      name: boundaryPolicyName(naming.project, props.group),
      description: `Permissions boundary of every role of ${envs}`,
      policy: JSON.stringify(boundaryDocument(props.inventories, props.resources, where)),
    });
    this.boundaryArn = boundary.arn;
    const documents = rolePolicyDocuments(
      props.inventories,
      { ...props.resources, boundaryArn: this.boundaryArn },
      props.roles.maxManagedPolicies,
      where,
    );
    const trust: TrustInput = {
      partition: ctx.partition,
      account: ctx.account,
      assumedBy: props.assumedBy,
      inventories: props.inventories,
      oidcProviderArn: props.oidcProviderArn,
    };
    this.planner = this.role(
      "planner",
      `Plans ${envs}: reads resources and state, writes the lock file`,
      plannerTrust(trust),
    );
    this.deployer = this.role("deployer", `Applies and destroys ${envs}`, deployerTrust(trust));
    this.attach(this.planner, "planner", documents.planner);
    this.attach(this.deployer, "deployer", documents.deployer);
    this.attach(this.deployer, "deployer", documents.guardRails, "guardrails");
    if (props.assumedBy.mfaGroup) this.group = this.addGroup(props.group);
  }

  private roleName(kind: string): string {
    return this.props.context.naming.name("iamRoleName", this.props.group, kind);
  }

  private role(kind: string, description: string, trust: string): IamRole {
    return new IamRole(this, kind, {
      name: this.roleName(kind),
      description,
      assumeRolePolicy: trust,
      maxSessionDuration: this.props.roles.maxSessionSeconds,
    });
  }

  /** One managed policy per document, named `<role>-<n>` (or `<role>-<label>`), attached to the role. */
  private attach(role: IamRole, kind: string, documents: IamPolicy[], label?: string): void {
    documents.forEach((document, i) => {
      const suffix = label ?? String(i + 1);
      const policy = new AwsIamPolicy(this, `${kind}-${suffix}`, {
        name: this.props.context.naming.name("iamPolicyName", this.props.group, kind, suffix),
        description: `${label ?? "permissions"} ${i + 1} of ${documents.length} of the ${kind}, generated from the environments' stacks`,
        policy: JSON.stringify(document),
      });
      new IamRolePolicyAttachment(this, `${kind}-${suffix}-attachment`, {
        role: role.name,
        policyArn: policy.arn,
      });
    });
  }

  /** Members may assume either role with MFA (the roles' trust asks for it too). */
  private addGroup(group: RoleGroup): IamGroup {
    const iamGroup = new IamGroup(this, "group", {
      name: this.props.context.naming.name("generic", group, "operators"),
    });
    new IamGroupPolicy(this, "group-policy", {
      name: "assume-roles",
      group: iamGroup.name,
      policy: policyJson([
        {
          sid: "AssumeRolesWithMfa",
          actions: [ASSUME_ROLE],
          resources: [this.planner.arn, this.deployer.arn],
          conditions: { Bool: { "aws:MultiFactorAuthPresent": true } },
        },
      ]),
    });
    return iamGroup;
  }
}
