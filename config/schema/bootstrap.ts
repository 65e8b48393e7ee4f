import { z } from "zod";
import { region } from "./common";
import { absolutePath, DEFAULT_LOCAL_STATE_DIRECTORY } from "./state";

/**
 * The contract for `config/bootstrap.yaml`: the one-per-account stack an administrator applies before the
 * environments. Defaults live here and nowhere else.
 */

const githubActions = z.strictObject({
  /** `owner/name` of the repository whose workflows assume the roles. */
  repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "expected owner/name" }),
  /**
   * Which workflow runs may assume an environment's deployer (the OIDC `sub` claim): "environment" (a job
   * of the GitHub environment named after it), or "branch:<name>". @default "environment"
   */
  deployFrom: z
    .union([
      z.literal("environment"),
      z.string().regex(/^branch:[^\s*]+$/, { message: 'expected "environment" or "branch:<name>"' }),
    ])
    .default("environment"),
  /**
   * Environments whose planner pull requests may assume (`repo:<repo>:pull_request`): pull-request code
   * then reads that environment's state and its resources, and may delete a lock file. Never a production
   * environment (synthesis refuses it). @default [] (none)
   */
  planPullRequests: z.array(z.string().min(1)).default([]),
  /** Create the account's GitHub OIDC provider; false when it exists already. @default true */
  createProvider: z.boolean().default(true),
});

const assumedBy = z.strictObject({
  /** GitHub Actions through OIDC. @default not trusted */
  githubActions: githubActions.optional(),
  /** IAM roles or users (ARNs in the same account) that may assume both roles. @default [] */
  principals: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, {
        message: "expected an IAM role or user ARN",
      }),
    )
    .default([]),
  /**
   * An IAM group per role pair whose members (people, with the seeds' "IAM user") may assume the deployer
   * and the planner, the deployer only with MFA. @default true
   */
  mfaGroup: z.boolean().default(true),
});

export const bootstrapSchema = z.strictObject({
  /** Region of the state bucket and key. @default the region of the account's first environment */
  region: region.optional(),
  state: z
    .strictObject({
      /** Days a replaced or deleted state version is kept. @default 90 */
      noncurrentVersionDays: z.number().int().min(1).max(3650).default(90),
      /** Also create a DynamoDB lock table, for teams that still lock there. @default false */
      dynamodbLockTable: z.boolean().default(false),
      /**
       * Directory of the bootstrap's own local state (`<project>-bootstrap-<account>.tfstate`), outside
       * `cdktf.out/` and the clone. @default "~/.terraform-state/fargate-web-stack"
       */
      localDirectory: z.string().min(1).default(DEFAULT_LOCAL_STATE_DIRECTORY).transform(absolutePath),
    })
    .prefault({}),
  roles: z
    .strictObject({
      /** One planner and deployer per environment, or one pair for all environments of an account. @default "environment" */
      scope: z.enum(["environment", "account"]).default("environment"),
      /** Managed policies a role may carry (IAM's default quota: 10; raise it first). @default 10 */
      maxManagedPolicies: z.number().int().min(2).max(20).default(10),
      /** Longest session of either role, in seconds. @default 3600 */
      maxSessionSeconds: z.number().int().min(3600).max(43200).default(3600),
    })
    .prefault({}),
  assumedBy: assumedBy.prefault({}),
});

export type BootstrapConfig = z.output<typeof bootstrapSchema>;
