import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { adder, region } from "./common";

/** `~/…` is the home directory; a relative path is relative to where synth runs (the project). */
export function absolutePath(path: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(path);
}

/** The S3 key of an environment's state when config names none; the bootstrap's outputs suggest the same. */
export const defaultStateKey = (project: string, environment: string) =>
  `fargate-web-stack/${project}/${environment}.tfstate`;

/** Where local state lives unless config says otherwise: outside `cdktf.out/` and outside the clone. */
export const DEFAULT_LOCAL_STATE_DIRECTORY = "~/.terraform-state/fargate-web-stack";

const s3Backend = z.strictObject({
  /** State bucket, which the team already owns. */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "expected an S3 bucket name" }),
  /** Object key of this environment's state. @default "fargate-web-stack/<project>/<environment>.tfstate" */
  key: z.string().min(1).optional(),
  /** Region of the state bucket. @default the environment's region */
  region: region.optional(),
  /** S3-native state locking (Terraform 1.10+). @default true */
  useLockfile: z.boolean().default(true),
  /** DynamoDB lock table, for teams that still lock there (deprecated by Terraform). */
  dynamodbTable: z.string().min(3).max(255).optional(),
  /** Server-side encryption of the state object. @default true */
  encrypt: z.boolean().default(true),
  /** KMS key for the state object. @default the bucket's default encryption */
  kmsKeyId: z.string().min(1).optional(),
  /** Role Terraform assumes to reach the state bucket. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "expected an IAM role ARN" })
    .optional(),
});

const stateFields = z.strictObject({
  /** Where Terraform keeps state. @default "local" */
  backend: z.enum(["local", "s3"]).default("local"),
  /** Settings of the S3 backend; required when backend is s3. */
  s3: s3Backend.optional(),
  /**
   * Directory of the local backend's state files (`<project>-<environment>.tfstate`), outside the
   * generated `cdktf.out/` and outside the clone, so neither `rm -rf cdktf.out` nor `git clean -fdX`
   * deletes state. `~` is the home directory. @default "~/.terraform-state/fargate-web-stack"
   */
  localDirectory: z.string().min(1).default(DEFAULT_LOCAL_STATE_DIRECTORY).transform(absolutePath),
});
export const state = stateFields.superRefine(stateChecks);

function stateChecks(state: z.output<typeof stateFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  if (state.backend === "s3" && !state.s3) {
    add(["s3"], "expected the S3 backend's settings (bucket at least) when state.backend is s3, got nothing");
  }
  if (state.backend === "local" && state.s3) {
    add(["backend"], 'expected "s3" when state.s3 is given, got "local"');
  }
}
