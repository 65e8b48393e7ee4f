/**
 * How the deployer's statements name the resources of one environment, per IAM resource type
 * (`service:type`, as the IAM catalogue spells it). The ARN format comes from the catalogue; the scope
 * says what replaces its name variable:
 * - `name`: the environment's names (placeholders {prefix} = `<project>-<environment>`, {project},
 *   {environment}); `variable` names the ARN variable they replace (@default the first one).
 * - `tag`: the resource has an id, not a name: every resource of the type in the account and region, under
 *   `aws:RequestTag` / `aws:ResourceTag` conditions on project and environment where IAM supports them.
 * - `fixed`: names AWS owns (managed capacity providers, deployment configurations).
 * - `zones`: the Route 53 hosted zones the environment's records are in.
 * - `any`: every resource of the type in the account, for the reason given.
 * Every other variable of the ARN becomes `*`.
 */

export type Scope =
  | { readonly by: "name"; readonly names: readonly string[]; readonly variable?: string }
  | { readonly by: "tag" }
  | { readonly by: "fixed"; readonly names: readonly string[] }
  | { readonly by: "zones" }
  | { readonly by: "any"; readonly reason: string };

const named = (...names: string[]): Scope => ({ by: "name", names });
const prefixed = named("{prefix}-*");
const tagged: Scope = { by: "tag" };

export const RESOURCE_SCOPES: Readonly<Record<string, Scope>> = {
  "acm:certificate": tagged,
  "application-autoscaling:ScalableTarget": tagged,
  "cloudfront:distribution": tagged,
  "cloudfront:vpcorigin": tagged,
  "cloudfront:response-headers-policy": {
    by: "any",
    reason: "a response headers policy has an id and takes no tags",
  },
  "cloudtrail:trail": prefixed,
  // Target tracking alarms are named `TargetTracking-service/<cluster>/<service>-AlarmHigh-<id>` by AWS.
  "cloudwatch:alarm": named("{prefix}-*", "TargetTracking-service/{prefix}-*"),
  "cloudwatch:dashboard": prefixed,
  "codebuild:project": prefixed,
  "codedeploy:application": prefixed,
  "codedeploy:deploymentgroup": prefixed,
  "codedeploy:deploymentconfig": { by: "fixed", names: ["CodeDeployDefault.*"] },
  "codepipeline:pipeline": prefixed,
  "codestar-connections:Connection": tagged,
  "codestar-notifications:notificationrule": tagged,
  "config:ConfigRule": tagged,
  "config:ConfigurationRecorder": prefixed,
  "ec2:elastic-ip": tagged,
  "ec2:internet-gateway": tagged,
  "ec2:natgateway": tagged,
  "ec2:network-acl": tagged,
  "ec2:route-table": tagged,
  "ec2:security-group": tagged,
  "ec2:security-group-rule": tagged,
  "ec2:subnet": tagged,
  "ec2:vpc": tagged,
  "ec2:vpc-endpoint": tagged,
  "ec2:vpc-flow-log": tagged,
  "ecr:repository": named("{prefix}/*", "{prefix}-*"),
  "ecs:capacity-provider": { by: "fixed", names: ["FARGATE", "FARGATE_SPOT"] },
  "ecs:cluster": prefixed,
  "ecs:service": prefixed,
  "ecs:task-definition": prefixed,
  "elasticloadbalancing:listener/app": prefixed,
  "elasticloadbalancing:listener-rule/app": prefixed,
  "elasticloadbalancing:loadbalancer/app/": prefixed,
  "elasticloadbalancing:targetgroup": prefixed,
  "events:rule-on-default-event-bus": prefixed,
  "iam:role": prefixed,
  "kms:alias": prefixed,
  "kms:key": tagged,
  "logs:delivery": tagged,
  "logs:delivery-destination": prefixed,
  "logs:delivery-source": prefixed,
  "logs:log-group": named("/{project}/{environment}/*", "aws-waf-logs-{prefix}-*"),
  "route53:change": { by: "any", reason: "a change id is made by each ChangeResourceRecordSets call" },
  "route53:hostedzone": { by: "zones" },
  "s3:bucket": prefixed,
  "s3:object": prefixed,
  "sns:topic": prefixed,
  "wafv2:ipset": { by: "name", names: ["{prefix}-*"], variable: "Name" },
  "wafv2:loadbalancer/app/": prefixed,
  "wafv2:managedruleset": { by: "any", reason: "AWS-managed rule groups belong to AWS, not the project" },
  "wafv2:webacl": { by: "name", names: ["{prefix}-*"], variable: "Name" },
};
