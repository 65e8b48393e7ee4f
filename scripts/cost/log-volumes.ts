import { type Body, parseJsonAttribute, type Resource, resolveLiterals, type Stack } from "../lib/stack-json";
import { gigabytes, type Usage } from "./item";

/** Build log volume per build minute (CodeBuild's own lines and the build's output). */
const BUILD_LOG_MB_PER_MINUTE = 0.5;

export interface LogVolume {
  /** GB written per month. */
  readonly gb: number;
  /** Written by an AWS service as vended logs (flow logs, WAF, CloudFront), which price differently. */
  readonly vended: boolean;
  /** What writes it, for the estimate's line. */
  readonly source: string;
}

/** How many GB a month each log group receives, from what writes to it in the stack. */
export function logGroupVolumes(stack: Stack, usage: Usage): Map<string, LogVolume> {
  const volumes = new Map<string, LogVolume>();
  const add = (group: Resource | undefined, gb: number, vended: boolean, source: string) => {
    if (group && group.type === "aws_cloudwatch_log_group")
      volumes.set(group.address, { gb, vended, source });
  };
  const containerGroups = stack
    .all("aws_ecs_task_definition")
    .flatMap((task) =>
      parseJsonAttribute<Body[]>(task.body.container_definitions, []).map((c) =>
        stack.named("aws_cloudwatch_log_group", c.logConfiguration?.options?.["awslogs-group"]),
      ),
    );
  for (const group of containerGroups)
    add(
      group,
      gigabytes(usage.requestsPerMonth, usage.logBytesPerRequest) / containerGroups.length,
      false,
      "container logs, cost.logBytesPerRequest split over the containers",
    );
  for (const flow of stack.all("aws_flow_log"))
    add(
      stack.referenced(flow.body.log_destination)[0],
      usage.flowLogGbPerMonth,
      true,
      "VPC flow logs, cost.flowLogGbPerMonth",
    );
  for (const logging of stack.all("aws_wafv2_web_acl_logging_configuration")) {
    const share = logging.body.logging_filter ? usage.wafBlockedOrCountedShare : 1;
    add(
      stack.referenced(logging.body.log_destination_configs)[0],
      gigabytes(usage.requestsPerMonth * share, usage.wafLogBytesPerRequest),
      true,
      `WAF logs of ${share === 1 ? "every request" : "blocked and counted requests"}`,
    );
  }
  for (const destination of stack.all("aws_cloudwatch_log_delivery_destination")) {
    add(
      stack.referenced(destination.body.delivery_destination_configuration)[0],
      gigabytes(usage.requestsPerMonth, usage.cloudFrontLogBytesPerRequest),
      true,
      "CloudFront standard logs, cost.cloudFrontLogBytesPerRequest",
    );
  }
  for (const trail of stack.all("aws_cloudtrail"))
    add(
      stack.referenced(trail.body.cloud_watch_logs_group_arn)[0],
      usage.trailGbPerMonth,
      false,
      "CloudTrail events, cost.trailGbPerMonth",
    );
  for (const project of stack.all("aws_codebuild_project")) {
    const group = stack.named(
      "aws_cloudwatch_log_group",
      project.body.logs_config?.cloudwatch_logs?.group_name,
    );
    add(
      group,
      (usage.pipelineRunsPerMonth * minutesPerRun(stack, project, usage) * BUILD_LOG_MB_PER_MINUTE) / 1024,
      false,
      `build logs, ${BUILD_LOG_MB_PER_MINUTE} MB per build minute`,
    );
  }
  return volumes;
}

/** A CodeBuild project runs `buildMinutesPerRun` in a Build stage, `deployMinutesPerRun` in a Deploy stage. */
export function minutesPerRun(stack: Stack, project: Resource, usage: Usage): number {
  for (const pipeline of stack.all("aws_codepipeline")) {
    for (const stage of pipeline.body.stage ?? []) {
      for (const action of stage.action ?? []) {
        if (resolveLiterals(stack, action.configuration?.ProjectName) !== project.body.name) continue;
        return stage.name === "Deploy" ? usage.deployMinutesPerRun : usage.buildMinutesPerRun;
      }
    }
  }
  return 0;
}
