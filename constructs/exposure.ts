/**
 * Who may reach the load balancer; decides its scheme, security groups and listeners.
 * - `internet`: internet-facing, 443 (and 80, which redirects) from anywhere.
 * - `vpc`: internal, in private subnets, 443 from the VPC only (a CloudFront VPC origin), or only from
 *   CloudFront's VPC-origin security group once its id is known (it exists after the first apply).
 * - `cloudfront`: internet-facing, 443 only from CloudFront's origin-facing prefix list, and only
 *   requests carrying the secret origin header are forwarded (the rest get 403).
 */
export type Exposure =
  | { readonly kind: "internet" }
  | {
      readonly kind: "vpc";
      /** `CloudFront-VPCOrigins-Service-SG`: the only source of 443 when given. @default the VPC's range */
      readonly cloudFrontSecurityGroupId?: string;
    }
  | {
      readonly kind: "cloudfront";
      readonly prefixListId: string;
      /** Header CloudFront adds; any of the values passes (two during a rotation). */
      readonly originHeader: { readonly name: string; readonly values: string[] };
    };
