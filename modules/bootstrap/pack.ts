import { type IamPolicy, type PolicyStatement, toIamPolicy } from "../../constructs/policy";

/** IAM's limits on a role's managed policies (IAM and AWS STS quotas). */
export const IAM_LIMITS = {
  /** Characters of one managed policy document, whitespace not counted. */
  managedPolicyCharacters: 6144,
  /** Managed policies attached to one role, by default (a quota the account may raise to 20). */
  managedPoliciesPerRole: 10,
} as const;

/**
 * A Terraform reference such as `${aws_kms_key.state.arn}` is shorter in the JSON than the ARN IAM
 * receives: sizes count each as this many characters (a KMS key ARN in the longest partition and region).
 */
const REFERENCE_LENGTH = 96;

/** The length IAM counts for a policy document: no whitespace outside strings, references as ARNs. */
export function policySize(policy: IamPolicy): number {
  return JSON.stringify(policy).replace(/\$\{[^}]*\}/g, "x".repeat(REFERENCE_LENGTH)).length;
}

/**
 * Packs statements, in the order given, into as few policy documents as fit IAM's size limit: each
 * statement goes into the current document if it fits, else starts the next; a statement too large for
 * any document is split by its actions first. The same statements always give the same documents.
 */
export function packPolicies(
  statements: PolicyStatement[],
  limit: number = IAM_LIMITS.managedPolicyCharacters,
): IamPolicy[] {
  const documents: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  for (const statement of statements.flatMap((s) => splitToFit(s, limit))) {
    if (current.length > 0 && policySize(toIamPolicy([...current, statement])) > limit) {
      documents.push(current);
      current = [];
    }
    current.push(statement);
  }
  if (current.length > 0) documents.push(current);
  return documents.map((d) => toIamPolicy(d));
}

function splitToFit(statement: PolicyStatement, limit: number): PolicyStatement[] {
  if (policySize(toIamPolicy([statement])) <= limit) return [statement];
  if (statement.actions.length < 2) {
    throw new Error(
      `statement ${statement.sid}: expected one action to fit a ${limit}-character policy, got ${policySize(toIamPolicy([statement]))} characters`,
    );
  }
  const half = Math.ceil(statement.actions.length / 2);
  const part = (actions: string[], n: number): PolicyStatement => ({
    ...statement,
    sid: `${statement.sid}Part${n}`,
    actions,
  });
  return [
    ...splitToFit(part(statement.actions.slice(0, half), 1), limit),
    ...splitToFit(part(statement.actions.slice(half), 2), limit),
  ];
}
