import { defaultStateKey } from "../../config/schema/state";
import type { IamPolicy, PolicyStatement } from "../../constructs/policy";
import {
  BROAD_MANAGED_POLICIES,
  DENY_AUDIT,
  DENY_AUDIT_LOGS,
  DENY_BOOTSTRAP_IAM,
  DENY_STATE_BUCKET,
  DENY_STATE_DATA,
  DENY_STATE_DATA_KEY,
  DENY_STATE_KEY,
  LOCK_TABLE,
  PASS_ROLE,
  STATE_KEY,
  STATE_LOCK,
  STATE_READ,
  STATE_WRITE,
} from "../../facts/iam/fixed-actions";
import { PHASES } from "../../facts/iam/resource-actions";
import { ceilingStatements } from "./boundary";
import type { EnvironmentInventory } from "./inventory";
import { IAM_LIMITS, packPolicies } from "./pack";
import { resourceStatements, serviceLinkedRoles } from "./resource-statements";

/** Where the state lives and what the bootstrap owns: what the roles' fixed statements name. */
export interface BootstrapResources {
  readonly partition: string;
  readonly account: string;
  /** Names of everything the bootstrap creates start with this, e.g. `fws-bootstrap`. */
  readonly bootstrapPrefix: string;
  readonly stateBucketArn: string;
  /** The state bucket's name: the S3 backend's DynamoDB lock rows are keyed `<bucket>/<key>`. @default none */
  readonly stateBucketName?: string;
  readonly stateKeyArn: string;
  /** The state key's alias ARN. */
  readonly stateKeyAliasArn: string;
  /** The DynamoDB lock table. @default none */
  readonly lockTableArn?: string;
  /** The permissions boundary the roles of these environments must carry. */
  readonly boundaryArn: string;
}

/** Several environments share a role when roles are per account: their statements keep apart by Sid. */
function perEnvironment(
  inventories: EnvironmentInventory[],
  make: (inventory: EnvironmentInventory) => PolicyStatement[],
): PolicyStatement[] {
  const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
  return inventories.flatMap((inv) =>
    make(inv).map((s) => (inventories.length > 1 ? { ...s, sid: `${pascal(inv.name)}${s.sid}` } : s)),
  );
}

function stateStatements(
  inv: EnvironmentInventory,
  r: BootstrapResources,
  write: boolean,
): PolicyStatement[] {
  // The key the environment's backend block names (its state section), else the one the output suggests.
  const key = inv.stateKey ?? defaultStateKey(inv.project, inv.name);
  const object = `${r.stateBucketArn}/${key}`;
  const statements: PolicyStatement[] = [
    // Listing shows object names only; the backend lists workspaces under prefixes of its own.
    { sid: "StateList", actions: ["s3:ListBucket"], resources: [r.stateBucketArn] },
    {
      sid: "StateRead",
      actions: [...STATE_READ.filter((a) => a !== "s3:ListBucket")],
      resources: [object, `${object}.tflock`],
    },
    { sid: "StateLockFile", actions: [...STATE_LOCK], resources: [`${object}.tflock`] },
    { sid: "StateKey", actions: [...STATE_KEY], resources: [r.stateKeyArn] },
  ];
  if (write) statements.push({ sid: "StateWrite", actions: [...STATE_WRITE], resources: [object] });
  if (r.lockTableArn) {
    // One table for every environment: each role reaches only its own state's rows (lock and digest).
    const rows = r.stateBucketName
      ? {
          conditions: {
            "ForAllValues:StringEquals": {
              "dynamodb:LeadingKeys": [`${r.stateBucketName}/${key}`, `${r.stateBucketName}/${key}-md5`],
            },
          },
        }
      : {};
    statements.push({
      sid: "StateLockTable",
      actions: [...LOCK_TABLE],
      resources: [r.lockTableArn],
      ...rows,
    });
  }
  return statements;
}

/** The planner: what `terraform plan` reads, the state, and its lock file. Nothing else writes. */
export function plannerStatements(
  inventories: EnvironmentInventory[],
  r: BootstrapResources,
): PolicyStatement[] {
  return perEnvironment(inventories, (inv) => [
    ...stateStatements(inv, r, false),
    ...resourceStatements(inv, { phases: ["read"] }),
  ]);
}

/** The deployer: what `terraform apply` and `destroy` call, the state, and handing roles to services. */
export function deployerStatements(
  inventories: EnvironmentInventory[],
  r: BootstrapResources,
): PolicyStatement[] {
  return perEnvironment(inventories, (inv) => {
    const roles = `arn:${inv.partition}:iam::${inv.account}:role/${inv.project}-${inv.name}-*`;
    const linked = serviceLinkedRoles(inv).map(
      (s) => `arn:${inv.partition}:iam::${inv.account}:role/aws-service-role/${s}/*`,
    );
    const passRole: PolicyStatement[] =
      inv.roleServices.length === 0
        ? []
        : [
            {
              sid: "PassProjectRolesToTheirServices",
              actions: [PASS_ROLE],
              resources: [roles, ...linked],
              conditions: { StringEquals: { "iam:PassedToService": inv.roleServices } },
            },
          ];
    // The trail's log files are the audit record: an administrator's to delete, like the trail itself.
    const trailLogs: PolicyStatement[] = inv.trailBuckets.map((bucket, i) => ({
      sid: `DenyDeletingTheAuditLogs${i === 0 ? "" : i + 1}`,
      effect: "Deny",
      actions: [...DENY_AUDIT_LOGS],
      resources: [`arn:${inv.partition}:s3:::${bucket}`, `arn:${inv.partition}:s3:::${bucket}/*`],
    }));
    return [
      ...stateStatements(inv, r, true),
      ...trailLogs,
      ...passRole,
      ...resourceStatements(inv, { phases: PHASES, boundaryArn: r.boundaryArn }),
    ];
  });
}

/**
 * What neither the deployer nor any role it creates may do, whatever else allows it: touch the state
 * bucket's protection or the state key, change the bootstrap's roles and policies, remove a permissions
 * boundary, attach AWS's broad managed policies, stop the audit trail.
 */
export function guardRailStatements(r: Omit<BootstrapResources, "boundaryArn">): PolicyStatement[] {
  const iam = (kind: string) => `arn:${r.partition}:iam::${r.account}:${kind}/${r.bootstrapPrefix}-*`;
  return [
    {
      sid: "DenyStateBucketProtection",
      effect: "Deny",
      actions: [...DENY_STATE_BUCKET],
      resources: [r.stateBucketArn, `${r.stateBucketArn}/*`],
    },
    {
      sid: "DenyStateKey",
      effect: "Deny",
      actions: [...DENY_STATE_KEY],
      resources: [r.stateKeyArn, r.stateKeyAliasArn],
    },
    {
      sid: "DenyBootstrapIdentities",
      effect: "Deny",
      actions: [...DENY_BOOTSTRAP_IAM],
      resources: [iam("role"), iam("policy")],
    },
    // Deny statements name every role: a boundary may never be removed, broad policies never attached.
    {
      sid: "DenyBoundaryRemoval",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: ["*"],
    },
    {
      sid: "DenyBroadManagedPolicies",
      effect: "Deny",
      actions: ["iam:AttachRolePolicy"],
      resources: ["*"],
      conditions: {
        ArnEquals: {
          "iam:PolicyARN": BROAD_MANAGED_POLICIES.map((p) => `arn:${r.partition}:iam::aws:policy/${p}`),
        },
      },
    },
    { sid: "DenyStoppingTheAuditTrail", effect: "Deny", actions: [...DENY_AUDIT], resources: ["*"] },
  ];
}

/**
 * The permissions boundary of every role the environments create: at most what their own role policies
 * allow, on the environment's resources of the kinds they name (boundary.ts), never the guard rails.
 */
export function boundaryStatements(
  inventories: EnvironmentInventory[],
  r: Omit<BootstrapResources, "boundaryArn">,
): PolicyStatement[] {
  const all = guardRailStatements(r);
  // The ceiling allows no IAM write but PassRole, nothing on the bootstrap's names or the state bucket's
  // settings: of the guard rails only those a runtime action could reach stay (one managed policy holds it).
  const reachable = new Set(["DenyBoundaryRemoval", "DenyStoppingTheAuditTrail"]);
  return [
    ...ceilingStatements(inventories),
    ...all.filter((s) => reachable.has(String(s.sid))),
    // The state holds every secret Terraform saw: only the planner and the deployer read it.
    {
      sid: "DenyStateObjects",
      effect: "Deny",
      actions: [...DENY_STATE_DATA],
      resources: [`${r.stateBucketArn}/*`],
    },
    { sid: "DenyStateKeyUse", effect: "Deny", actions: [...DENY_STATE_DATA_KEY], resources: [r.stateKeyArn] },
  ];
}

export interface RolePolicyDocuments {
  readonly planner: IamPolicy[];
  readonly deployer: IamPolicy[];
  readonly guardRails: IamPolicy[];
  readonly boundary: IamPolicy[];
}

/**
 * Every policy document of one role pair (planner, deployer) for the given environments, packed into
 * managed policies; throws when a role would need more than `maxPolicies`. Also what an apply as the
 * deployer (against an emulator) attaches.
 */
export function rolePolicyDocuments(
  inventories: EnvironmentInventory[],
  r: BootstrapResources,
  maxPolicies: number = IAM_LIMITS.managedPoliciesPerRole,
  where = "roles",
): RolePolicyDocuments {
  const documents: RolePolicyDocuments = {
    planner: packPolicies(plannerStatements(inventories, r)),
    deployer: packPolicies(deployerStatements(inventories, r)),
    guardRails: packPolicies(guardRailStatements(r)),
    boundary: [boundaryDocument(inventories, r, where)],
  };
  const names = inventories.map((i) => i.name).join(", ");
  const check = (role: string, count: number) => {
    if (count > maxPolicies) {
      throw new Error(
        `${where}: maxManagedPolicies: expected the ${role} of ${names} to fit in ${maxPolicies} managed policies of ${IAM_LIMITS.managedPolicyCharacters} characters, got ${count} (raise the IAM quota "Managed policies per role" and this setting, or use one role pair per environment)`,
      );
    }
  };
  check("planner", documents.planner.length);
  check("deployer", documents.deployer.length + documents.guardRails.length);
  return documents;
}

/** The permissions boundary as one managed policy document; throws when it would need more than one. */
export function boundaryDocument(
  inventories: EnvironmentInventory[],
  r: Omit<BootstrapResources, "boundaryArn">,
  where = "roles",
): IamPolicy {
  const documents = packPolicies(boundaryStatements(inventories, r));
  if (documents.length > 1) {
    const names = inventories.map((i) => i.name).join(", ");
    throw new Error(
      `${where}: expected the permissions boundary of ${names} to fit one managed policy, got ${documents.length}`,
    );
  }
  return documents[0];
}
