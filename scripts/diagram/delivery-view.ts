import { type Body, type Resource, referencesIn, resolveLiterals, type Stack } from "../lib/stack-json";
import type { Diagram } from "./model";

export const DELIVERY_CLUSTER = "delivery";

/** Image repositories, then the pipeline: source → build → approval → deploy, and what each touches. */
export function addRepositories(d: Diagram, stack: Stack): void {
  for (const repository of stack.all("aws_ecr_repository")) {
    d.cluster(DELIVERY_CLUSTER, "delivery");
    d.node(repository.address, "bucket", [`ECR ${repository.body.name}`], DELIVERY_CLUSTER);
  }
}

export function addPipeline(d: Diagram, stack: Stack): void {
  for (const pipeline of stack.all("aws_codepipeline")) {
    d.cluster(DELIVERY_CLUSTER, "delivery");
    const cluster = d.cluster(
      `pipeline:${pipeline.address}`,
      `CodePipeline ${pipeline.body.name} (${pipeline.body.pipeline_type}, ${pipeline.body.execution_mode})`,
      DELIVERY_CLUSTER,
    );
    let previous: string | undefined;
    for (const stage of pipeline.body.stage ?? []) {
      for (const action of stage.action ?? []) {
        const id = d.node(
          `${pipeline.address}/${action.name}`,
          "pipeline",
          actionLines(stack, action),
          cluster,
        );
        if (previous) d.edge(previous, id, "control", (action.input_artifacts ?? []).join(", ") || undefined);
        addActionEffects(d, stack, id, action, stage.name);
        previous = id;
      }
    }
  }
}

function actionLines(stack: Stack, action: Body): string[] {
  const c = action.configuration ?? {};
  const project = stack.named("aws_codebuild_project", c.ProjectName);
  switch (action.provider) {
    case "CodeStarSourceConnection":
      return [`${action.category}: ${c.FullRepositoryId}`, `branch ${c.BranchName} (CodeConnections)`];
    case "CodeBuild":
      return [
        `${action.category}: ${action.name}`,
        `CodeBuild ${c.ProjectName}`,
        `${project?.body.environment?.compute_type ?? ""}`,
      ];
    case "Manual":
      return ["Approval: manual", "notifies the alarm topic"];
    case "CodeDeployToECS":
      return [
        `${action.category}: ${action.name}`,
        `CodeDeploy ${c.DeploymentGroupName}`,
        deploymentConfig(stack, c.DeploymentGroupName),
      ];
    default:
      return [`${action.category}: ${action.name}`, String(action.provider)];
  }
}

function deploymentConfig(stack: Stack, groupName: string): string {
  const group = stack.named("aws_codedeploy_deployment_group", groupName, "deployment_group_name");
  return String(group?.body.deployment_config_name ?? "");
}

/** Builds push images and log; deploys update the service; approval notifies the topic. */
function addActionEffects(d: Diagram, stack: Stack, id: string, action: Body, stage: string): void {
  const c = action.configuration ?? {};
  const project = stack.named("aws_codebuild_project", c.ProjectName);
  if (project) {
    const values = (project.body.environment?.environment_variable ?? []).map((v: Body) =>
      resolveLiterals(stack, v.value),
    );
    for (const repository of stack.all("aws_ecr_repository").filter((r) => values.includes(r.body.name)))
      d.edge(id, repository.address, "control", "push");
    const group = stack.named(
      "aws_cloudwatch_log_group",
      project.body.logs_config?.cloudwatch_logs?.group_name,
    );
    if (group) d.edge(id, group.address, "log", "build logs");
    const service = stack.named("aws_ecs_service", variable(project.body, "SERVICE_NAME"));
    if (service && stage === "Deploy") d.edge(id, service.address, "control", "update service (rolling)");
  }
  const group = stack.named(
    "aws_codedeploy_deployment_group",
    c.DeploymentGroupName,
    "deployment_group_name",
  );
  const service = group && stack.named("aws_ecs_service", group.body.ecs_service?.service_name);
  if (service) d.edge(id, service.address, "control", `blue/green: ${group.body.deployment_config_name}`);
}

function variable(project: Body, name: string): string | undefined {
  return project.environment?.environment_variable?.find((v: Body) => v.name === name)?.value;
}

/** The resource a pipeline action's name points at, for the alarms view. */
export function deployActionFor(stack: Stack, group: Resource): string | undefined {
  for (const pipeline of stack.all("aws_codepipeline")) {
    for (const stage of pipeline.body.stage ?? []) {
      for (const action of stage.action ?? []) {
        const named = action.configuration?.DeploymentGroupName;
        if (named === group.body.deployment_group_name || referencesIn(named).includes(group.address))
          return `${pipeline.address}/${action.name}`;
      }
    }
  }
  return undefined;
}
