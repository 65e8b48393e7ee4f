import { z } from "zod";
import { adder, retentionDays } from "./common";
import { waf } from "./waf";

/** What sits in front of the service; see the README's table of modes. */
export const EDGE_MODES = ["cloudfront-vpc-origin", "cloudfront-public-alb", "alb-waf", "none"] as const;
export type EdgeMode = (typeof EDGE_MODES)[number];

/** Modes with a CloudFront distribution in front of the load balancer. */
export const CLOUDFRONT_MODES: readonly EdgeMode[] = ["cloudfront-vpc-origin", "cloudfront-public-alb"];

const edgeFields = z.strictObject({
  /** What sits in front of the load balancer. @default "cloudfront-vpc-origin" (the ALB is then internal) */
  mode: z.enum(EDGE_MODES).default("cloudfront-vpc-origin"),
  /** CloudFront reaches the ALB at `<originSubdomain>.<domain>`, a name the ALB's certificate covers. @default "origin" */
  originSubdomain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: "expected one DNS label" })
    .default("origin"),
  /** CloudFront price class. @default "PriceClass_100" (North America and Europe) */
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
  /** Paths CloudFront caches and compresses, honouring nginx's Cache-Control. @default ["/static/*"] */
  staticPaths: z
    .array(z.string().regex(/^\/[\w.\-/*]+$/, { message: "expected a path pattern such as /static/*" }))
    .max(20)
    .default(["/static/*"]),
  /** Content-Security-Policy CloudFront adds to every response. @default "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'" */
  contentSecurityPolicy: z
    .string()
    .min(1)
    .max(1783)
    .default("default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'"),
  /** HSTS max-age, seconds (at least a year). @default 63072000 (two years) */
  hstsMaxAgeSeconds: z.number().int().min(31536000).max(63072000).default(63072000),
  /** CloudFront's origin-facing prefix list in this region. @default from the table in modules/edge */
  originFacingPrefixListId: z
    .string()
    .regex(/^pl-[a-f0-9]{8,17}$/, { message: "expected a prefix list id such as pl-4fa04526" })
    .optional(),
  /** Header carrying the origin secret (cloudfront-public-alb). @default "X-Origin-Verify" */
  originHeaderName: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,40}$/, { message: "expected an HTTP header name" })
    .default("X-Origin-Verify"),
  /**
   * The id of `CloudFront-VPCOrigins-Service-SG`, which AWS creates in the VPC with the first VPC origin
   * (cloudfront-vpc-origin). Given, the internal ALB admits 443 from that group only, not the whole VPC:
   * set it after the first apply. @default none (443 from the VPC's range)
   */
  vpcOriginSecurityGroupId: z
    .string()
    .regex(/^sg-[a-f0-9]{8,17}$/, { message: "expected a security group id such as sg-0123456789abcdef0" })
    .optional(),
  /** Days CloudFront access logs are kept. @default 90 */
  logRetentionDays: retentionDays.default(90),
  waf: waf.prefault({}),
});

function edgeChecks(edge: z.output<typeof edgeFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  if (edge.mode !== "cloudfront-vpc-origin" && edge.vpcOriginSecurityGroupId) {
    add(
      ["vpcOriginSecurityGroupId"],
      `expected no VPC-origin security group outside the cloudfront-vpc-origin mode, got one with "${edge.mode}"`,
    );
  }
  if (edge.mode !== "cloudfront-public-alb" && edge.originFacingPrefixListId) {
    add(
      ["originFacingPrefixListId"],
      `expected no prefix list outside the cloudfront-public-alb mode, got one with "${edge.mode}"`,
    );
  }
}

export const edge = edgeFields.superRefine(edgeChecks);
