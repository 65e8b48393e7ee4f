/**
 * What a reference in an environment's runtime role policy (`${aws_s3_bucket.artifacts_ABC.arn}`) becomes
 * in the permissions boundary, keyed `<resource type>.<attribute>`: the pattern of every resource of that
 * type the environment may own, by the same naming rules the deployer's statements use
 * (facts/iam/resource-scopes.ts). Placeholders: {partition}, {region} (each region of the environment),
 * {account}, {prefix} = `<project>-<environment>`, {project}, {environment}. `tagged`: the resource is
 * known by id, so the boundary also asks for the environment's tags (aws:ResourceTag).
 *
 * A role policy that references a type missing here fails synthesis with a message naming it: add one line.
 */

export interface ReferencePattern {
  readonly patterns: readonly string[];
  readonly tagged?: boolean;
}

const at = (service: string, resource: string) => `arn:{partition}:${service}:{region}:{account}:${resource}`;

export const REFERENCE_PATTERNS: Readonly<Record<string, ReferencePattern>> = {
  "aws_cloudwatch_log_group.arn": {
    patterns: [
      at("logs", "log-group:/{project}/{environment}/*"),
      at("logs", "log-group:aws-waf-logs-{prefix}-*"),
    ],
  },
  "aws_cloudwatch_metric_alarm.arn": { patterns: [at("cloudwatch", "alarm:{prefix}-*")] },
  "aws_codebuild_project.arn": { patterns: [at("codebuild", "project/{prefix}-*")] },
  "aws_codedeploy_app.arn": { patterns: [at("codedeploy", "application:{prefix}-*")] },
  "aws_codedeploy_deployment_group.arn": { patterns: [at("codedeploy", "deploymentgroup:{prefix}-*")] },
  "aws_codestarconnections_connection.arn": {
    patterns: [at("codestar-connections", "connection/*")],
    tagged: true,
  },
  "aws_ecr_repository.arn": {
    patterns: [at("ecr", "repository/{prefix}/*"), at("ecr", "repository/{prefix}-*")],
  },
  "aws_ecs_cluster.name": { patterns: ["{prefix}-*"] },
  "aws_ecs_service.name": { patterns: ["{prefix}-*"] },
  "aws_iam_role.arn": { patterns: ["arn:{partition}:iam::{account}:role/{prefix}-*"] },
  "aws_kms_key.arn": { patterns: [at("kms", "key/*")], tagged: true },
  "aws_lb_listener.arn": { patterns: [at("elasticloadbalancing", "listener/app/{prefix}-*")] },
  // A listener rule's ARN: listener-rule/app/<alb name>/<alb id>/<listener id>/<rule id>.
  "aws_lb_listener_rule.arn": { patterns: [at("elasticloadbalancing", "listener-rule/app/{prefix}-*")] },
  "aws_s3_bucket.arn": { patterns: ["arn:{partition}:s3:::{prefix}-*"] },
  "aws_sns_topic.arn": { patterns: [at("sns", "{prefix}-*")] },
};
