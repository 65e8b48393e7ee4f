import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { StackContext } from "./context";
import { type Conditions, type PolicyStatement, policyJson, trustPolicyJson } from "./policy";

export interface ServiceRoleProps {
  readonly context: StackContext;
  /** Role name parts after the environment prefix, e.g. ["vpc-flow-logs"]. */
  readonly name: string;
  readonly description: string;
  /** Service principal that assumes the role, e.g. `vpc-flow-logs.amazonaws.com`. */
  readonly service: string;
  /** Conditions on the trust (aws:SourceAccount, aws:SourceArn): no confused deputy. @default none */
  readonly trustConditions?: Conditions;
  /** Everything the role may do, each statement naming its resources. @default none */
  readonly statements?: PolicyStatement[];
}

/**
 * An IAM role that one AWS service assumes, with one inline policy listing exactly what it may do.
 * Inline, so the permissions live and die with the role and show beside it in a plan.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;
  readonly name: string;
  /** The inline policy, when the role has statements: what must exist before the role is used. */
  readonly policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.name = props.context.naming.name("iamRoleName", props.name);
    this.role = new IamRole(this, "role", {
      name: this.name,
      description: props.description,
      assumeRolePolicy: trustPolicyJson({ Service: props.service }, props.trustConditions),
      maxSessionDuration: 3600,
      permissionsBoundary: props.context.permissionsBoundaryArn,
    });
    this.arn = this.role.arn;
    if (props.statements && props.statements.length > 0) {
      this.policy = new IamRolePolicy(this, "policy", {
        name: this.name,
        role: this.role.id,
        policy: policyJson(props.statements),
      });
    }
  }
}
