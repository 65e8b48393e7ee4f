/**
 * Actions the bootstrap grants or denies beside the resource table: the state backend's, the hand-over of
 * roles, and the guard rails. Listed here so that the IAM catalogue (catalogue.json) records them too.
 */

/** Reading state and writing its lock file (planner and deployer). */
export const STATE_READ = ["s3:ListBucket", "s3:GetObject"] as const;
export const STATE_LOCK = ["s3:PutObject", "s3:DeleteObject"] as const;
/** Writing the state itself (deployer). */
export const STATE_WRITE = ["s3:PutObject"] as const;
/** The state key: decrypt to read, generate data keys to write (the lock file too). */
export const STATE_KEY = ["kms:Decrypt", "kms:GenerateDataKey"] as const;
/** The optional DynamoDB lock table. */
export const LOCK_TABLE = [
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
] as const;

/** What a service does with the caller's permission on first use (ECS, ELB, Application Auto Scaling…). */
export const CREATE_LINKED_ROLE = "iam:CreateServiceLinkedRole";

/** Handing a project role to the service that assumes it. */
export const PASS_ROLE = "iam:PassRole";

/** Denied on the state bucket: its policy, its protection, its deletion. */
export const DENY_STATE_BUCKET = [
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:DeleteObjectVersion",
] as const;

/** Denied on the state key: everything that would make the state unreadable or hand the key away. */
export const DENY_STATE_KEY = [
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:CreateGrant",
  "kms:UpdateKeyDescription",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
  "kms:TagResource",
  "kms:UntagResource",
] as const;

/** Denied to every role of the environments (the boundary): the state's objects and its key. */
export const DENY_STATE_DATA = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:DeleteObject",
] as const;
export const DENY_STATE_DATA_KEY = ["kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"] as const;

/** Denied on the bootstrap's roles and policies: the deployer may not widen or weaken itself. */
export const DENY_BOOTSTRAP_IAM = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:DeletePolicy",
] as const;

/** Denied everywhere: removing a boundary, and attaching the broad AWS-managed policies. */
export const DENY_ESCALATION = ["iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy"] as const;
export const BROAD_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] as const;

/** Denied everywhere: the audit trail keeps recording (an administrator removes a trail). */
export const DENY_AUDIT = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"] as const;

/** Denied on the trail's bucket: its log files stay (an administrator removes them with the trail). */
export const DENY_AUDIT_LOGS = ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"] as const;

/** Assuming the deployer from the MFA group. */
export const ASSUME_ROLE = "sts:AssumeRole";

export const FIXED_ACTIONS: readonly string[] = [
  ...STATE_READ,
  ...STATE_LOCK,
  ...STATE_KEY,
  ...LOCK_TABLE,
  PASS_ROLE,
  CREATE_LINKED_ROLE,
  ...DENY_STATE_BUCKET,
  ...DENY_STATE_KEY,
  ...DENY_STATE_DATA,
  ...DENY_STATE_DATA_KEY,
  ...DENY_BOOTSTRAP_IAM,
  ...DENY_AUDIT,
  ...DENY_AUDIT_LOGS,
  ASSUME_ROLE,
];
