import { Naming } from "../../constructs/naming";

/**
 * Names of what the bootstrap creates: `<project>-bootstrap-…`, outside every environment's prefix
 * (`<project>-<environment>-`), so no environment's deployer reaches them by its name patterns. "bootstrap"
 * is therefore no environment's name (config/load.ts skips config/bootstrap.yaml).
 */
export function bootstrapNaming(project: string): Naming {
  return new Naming(project, "bootstrap");
}

/** The role pair's name part: the environment's name, or "account" for one pair per account. */
export type RoleGroup = string;

export function boundaryPolicyName(project: string, group: RoleGroup): string {
  return bootstrapNaming(project).name("iamPolicyName", group, "boundary");
}

/**
 * The boundary's ARN as an environment stack names it. Rebuilt from the naming rule, not referenced: the
 * bootstrap is another state, applied earlier by another identity, and the deployer may not read it.
 */
export function boundaryPolicyArn(
  partition: string,
  account: string,
  project: string,
  group: RoleGroup,
): string {
  return `arn:${partition}:iam::${account}:policy/${boundaryPolicyName(project, group)}`;
}
