/**
 * IAM policies as data: typed statements serialized to JSON, so that the synthesized stack shows every
 * action, resource and condition to a reviewer and a scanner.
 */

export type Conditions = Record<string, Record<string, string | string[] | boolean>>;

export interface Principal {
  readonly Service?: string | string[];
  readonly AWS?: string | string[];
}

export interface PolicyStatement {
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly actions: string[];
  readonly resources: string[];
  /** Only in resource policies (bucket, key, topic). */
  readonly principals?: Principal | "*";
  readonly conditions?: Conditions;
}

interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal | "*";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Conditions;
}

export interface IamPolicy {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

const one = <T>(values: T[]): T | T[] => (values.length === 1 ? values[0] : values);

export function toIamPolicy(statements: PolicyStatement[]): IamPolicy {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      if (s.actions.length === 0 || s.resources.length === 0) {
        throw new Error(`policy statement ${s.sid ?? "(no sid)"} needs at least one action and one resource`);
      }
      const out: IamStatement = {
        Effect: s.effect ?? "Allow",
        Action: one(s.actions),
        Resource: one(s.resources),
      };
      if (s.sid) out.Sid = s.sid;
      if (s.principals) out.Principal = s.principals;
      if (s.conditions) out.Condition = s.conditions;
      return out;
    }),
  };
}

/** The policy document as the JSON string IAM, S3, KMS and SNS take. */
export function policyJson(statements: PolicyStatement[]): string {
  return JSON.stringify(toIamPolicy(statements));
}

/** The statement every bucket policy starts with: no request over plain HTTP. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: "*",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    conditions: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** A role's trust policy: who may assume it, under which conditions. It names no resource. */
export function trustPolicyJson(principal: Principal, conditions?: Conditions): string {
  const statement: Omit<IamStatement, "Resource"> = {
    Effect: "Allow",
    Principal: principal,
    Action: "sts:AssumeRole",
  };
  if (conditions) statement.Condition = conditions;
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}
