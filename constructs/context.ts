import type { Naming } from "./naming";

/** What every module and construct of one environment needs to know about where it is deployed. */
export interface StackContext {
  /** Names physical resources within AWS limits. */
  readonly naming: Naming;
  /** The 12-digit account the environment deploys to. */
  readonly account: string;
  readonly region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, derived from the region. */
  readonly partition: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in China. */
  readonly dnsSuffix: string;
  /** Production: data holders cannot be destroyed, keys wait 30 days before deletion. */
  readonly production: boolean;
  /** The permissions boundary every role of the environment carries (the bootstrap's). @default none */
  readonly permissionsBoundaryArn?: string;
}

/** The partition a region belongs to, and that partition's DNS suffix. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
  if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
  if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
  return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass "" for global services' region. */
export function arn(ctx: StackContext, service: string, resource: string, region = ctx.region): string {
  return `arn:${ctx.partition}:${service}:${region}:${ctx.account}:${resource}`;
}

/** The account's root principal, which key and bucket policies name for account-level administration. */
export function accountRoot(ctx: StackContext): string {
  return `arn:${ctx.partition}:iam::${ctx.account}:root`;
}

/** A regional service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
export function regionalPrincipal(ctx: StackContext, service: string): string {
  return `${service}.${ctx.region}.${ctx.dnsSuffix}`;
}

/**
 * The lifecycle of a resource that holds data (log and audit buckets, keys, audit log groups,
 * repositories): in production no plan may destroy it, whether by an ordinary apply or a rename.
 */
export function dataLifecycle(ctx: StackContext): { preventDestroy: boolean } | undefined {
  return ctx.production ? { preventDestroy: true } : undefined;
}
