import type { BootstrapConfig } from "../../config/schema/bootstrap";
import type { Conditions, Principal } from "../../constructs/policy";
import type { EnvironmentInventory } from "./inventory";

/** The OIDC issuer of GitHub Actions, and the audience its tokens carry for AWS. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
const AUDIENCE = "sts.amazonaws.com";

interface TrustStatement {
  Sid: string;
  Effect: "Allow";
  Principal: Principal & { readonly Federated?: string };
  Action: string;
  Condition?: Conditions;
}

export interface TrustInput {
  readonly partition: string;
  readonly account: string;
  readonly assumedBy: BootstrapConfig["assumedBy"];
  readonly inventories: EnvironmentInventory[];
  /** The account's GitHub OIDC provider. @default none (no GitHub trust) */
  readonly oidcProviderArn?: string;
}

const root = (t: TrustInput) => `arn:${t.partition}:iam::${t.account}:root`;

function github(t: TrustInput, sid: string, subjects: string[]): TrustStatement[] {
  if (!t.assumedBy.githubActions || !t.oidcProviderArn || subjects.length === 0) return [];
  return [
    {
      Sid: sid,
      Effect: "Allow",
      Principal: { Federated: t.oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects },
      },
    },
  ];
}

/** The `sub` claims of the workflow runs that deploy the environments. */
function deploySubjects(t: TrustInput): string[] {
  const gh = t.assumedBy.githubActions;
  if (!gh) return [];
  const repo = `repo:${gh.repository}`;
  if (gh.deployFrom === "environment") return t.inventories.map((i) => `${repo}:environment:${i.name}`);
  return [`${repo}:ref:refs/heads/${gh.deployFrom.slice("branch:".length)}`];
}

function principals(t: TrustInput, sid: string): TrustStatement[] {
  if (t.assumedBy.principals.length === 0) return [];
  return [
    { Sid: sid, Effect: "Allow", Principal: { AWS: t.assumedBy.principals }, Action: "sts:AssumeRole" },
  ];
}

/** IAM users of the account, allowed by the group's policy; the deployer also asks for MFA. */
function groupMembers(t: TrustInput, sid: string, mfa: boolean): TrustStatement[] {
  if (!t.assumedBy.mfaGroup) return [];
  const condition: Conditions = {
    ArnLike: { "aws:PrincipalArn": `arn:${t.partition}:iam::${t.account}:user/*` },
  };
  if (mfa) condition.Bool = { "aws:MultiFactorAuthPresent": true };
  return [
    {
      Sid: sid,
      Effect: "Allow",
      Principal: { AWS: root(t) },
      Action: "sts:AssumeRole",
      Condition: condition,
    },
  ];
}

const document = (statements: TrustStatement[], role: string): string => {
  if (statements.length === 0) {
    throw new Error(
      `config/bootstrap.yaml: assumedBy: expected at least one way to assume the ${role} (githubActions, principals or mfaGroup), got none`,
    );
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
};

/** Who may assume the planner: pull requests, the deploying workflow, named principals, the group. */
export function plannerTrust(t: TrustInput): string {
  const gh = t.assumedBy.githubActions;
  const subjects = [
    ...(pullRequests(t) ? [`repo:${gh?.repository}:pull_request`] : []),
    ...deploySubjects(t),
  ];
  return document(
    [
      ...github(t, "GitHubActions", subjects),
      ...principals(t, "NamedPrincipals"),
      // People read the state through the planner too: MFA as for the deployer.
      ...groupMembers(t, "GroupMembersWithMfa", true),
    ],
    "planner",
  );
}

/**
 * Pull requests plan only the environments listed, all of the pair's, none of them production: a pull
 * request runs code nobody has reviewed yet, and the planner reads the state (every secret Terraform saw).
 */
function pullRequests(t: TrustInput): boolean {
  const listed = t.assumedBy.githubActions?.planPullRequests ?? [];
  const production = t.inventories.filter((i) => i.production && listed.includes(i.name));
  if (production.length > 0) {
    throw new Error(
      `config/bootstrap.yaml: assumedBy.githubActions.planPullRequests: expected environments that are not production, got ${production.map((i) => i.name).join(", ")}`,
    );
  }
  return t.inventories.length > 0 && t.inventories.every((i) => listed.includes(i.name));
}

/** Who may assume the deployer: the deploying workflow, named principals, the group with MFA. */
export function deployerTrust(t: TrustInput): string {
  return document(
    [
      ...github(t, "GitHubActions", deploySubjects(t)),
      ...principals(t, "NamedPrincipals"),
      ...groupMembers(t, "GroupMembersWithMfa", true),
    ],
    "deployer",
  );
}
