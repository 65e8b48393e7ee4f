import { createHash } from "node:crypto";

/** AWS name limits this project runs into; one place, so no call site truncates by hand. */
export const NAME_LIMITS = {
  albName: 32,
  targetGroupName: 32,
  iamRoleName: 64,
  iamPolicyName: 128,
  s3BucketName: 63,
  logGroupName: 512,
  kmsAliasName: 256,
  securityGroupName: 255,
  ecsName: 255,
  ecrRepositoryName: 256,
  generic: 255,
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

const HASH_LENGTH = 7;
/** Length of the suffix Terraform appends to a `name_prefix` (a timestamp and a counter). */
const TERRAFORM_UNIQUE_SUFFIX = 26;

/** A short, stable hash of a name: the same input gives the same suffix on every synth. */
export function shortHash(value: string, length = HASH_LENGTH): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/**
 * Fits `full` into `limit` characters. A name that fits is returned unchanged; a longer one keeps
 * its head and ends in a hash of the whole name, so two long names that share a prefix never collide
 * and the same input always gives the same output.
 */
export function fitName(full: string, limit: number): string {
  if (full.length <= limit) return full;
  const hash = shortHash(full);
  const head = full.slice(0, limit - hash.length - 1).replace(/[-_.]+$/, "");
  return `${head}-${hash}`;
}

/**
 * Names every physical resource of one environment: `<project>-<environment>-<parts…>`, or, below a scope
 * (a service), `<project>-<environment>-<scope>-<parts…>`. Environment and scope are kept as separate
 * fields, and an environment that is scoped may not contain `-`: otherwise `dev` + `api-x` and `dev-api` +
 * `x` would give the same names (config/load.ts refuses such environment names up front).
 */
export class Naming {
  /** The prefix every name starts with, e.g. `fws-prod`, or `fws-prod-api` below scope `api`. */
  readonly prefix: string;

  constructor(
    readonly project: string,
    readonly environment: string,
    /** The scope below the environment (a service's name). @default none: names of the whole environment */
    readonly scope?: string,
  ) {
    if (scope !== undefined) {
      if (environment.includes("-")) {
        throw new Error(
          `Naming: environment: expected no "-" in an environment with scope "${scope}" (names of "${environment}" + "${scope}" could equal those of another environment and scope), got "${environment}"`,
        );
      }
      if (!/^[a-z0-9][a-z0-9-]*$/.test(scope)) {
        throw new Error(`Naming: scope: expected lowercase letters, digits or hyphens, got "${scope}"`);
      }
    }
    this.prefix = [project, environment, scope].filter((p) => p !== undefined).join("-");
  }

  /** A name for a resource of `kind`, within that kind's limit. */
  name(kind: NameKind, ...parts: string[]): string {
    const full = [this.prefix, ...parts].filter((p) => p.length > 0).join("-");
    const cleaned = kind === "s3BucketName" ? full.toLowerCase().replace(/[^a-z0-9-]/g, "-") : full;
    return fitName(cleaned, NAME_LIMITS[kind]);
  }

  /**
   * A `name_prefix` for a resource Terraform must be able to create before it destroys the old one (a
   * replacement while something still uses it): Terraform appends a 26-character unique suffix, so the
   * prefix is fitted into the kind's limit less that, and ends in `-`.
   */
  namePrefix(kind: NameKind, ...parts: string[]): string {
    const full = [this.prefix, ...parts].filter((p) => p.length > 0).join("-");
    return `${fitName(full, NAME_LIMITS[kind] - TERRAFORM_UNIQUE_SUFFIX - 1)}-`;
  }

  /**
   * A globally unique S3 bucket name: the environment's name plus account and region, since bucket
   * names are shared by every AWS account.
   */
  bucketName(purpose: string, account: string, region: string): string {
    return this.name("s3BucketName", purpose, account, region);
  }

  /** A CloudWatch log group name: `/<project>/<environment>/[<scope>/]<parts…>`. */
  logGroupName(...parts: string[]): string {
    return fitName(`${this.logGroupPath}/${parts.join("/")}`, NAME_LIMITS.logGroupName);
  }

  /** The pattern every log group of this environment (or scope) matches, for key-policy conditions. */
  get logGroupPattern(): string {
    return `${this.logGroupPath}/*`;
  }

  /** `/<project>/<environment>[/<scope>]`. */
  private get logGroupPath(): string {
    return `/${[this.project, this.environment, this.scope].filter((p) => p !== undefined).join("/")}`;
  }

  /** A naming scoped below this one, for a module that may be instantiated more than once. */
  child(scope: string): Naming {
    if (this.scope !== undefined) {
      throw new Error(
        `Naming.child: expected a naming of the whole environment, got one already scoped to "${this.scope}"`,
      );
    }
    return new Naming(this.project, this.environment, scope);
  }
}
