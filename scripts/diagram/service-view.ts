import { type Body, parseJsonAttribute, type Resource, resolveLiterals, type Stack } from "../lib/stack-json";
import type { Diagram } from "./model";
import { VPC_CLUSTER } from "./network-view";

interface Container {
  name: string;
  image: string;
  portMappings?: { containerPort: number; protocol: string }[];
  mountPoints?: { sourceVolume: string; readOnly: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
  logConfiguration?: { options?: Record<string, string> };
}

/** The ECS service, its task's containers and the target groups that send it requests. */
export function addService(d: Diagram, stack: Stack): void {
  for (const service of stack.all("aws_ecs_service")) {
    const [task] = stack.referenced(service.body.task_definition, "aws_ecs_task_definition");
    d.node(service.address, "compute", serviceLines(stack, service, task), VPC_CLUSTER);
    for (const subnet of stack.referenced(service.body.network_configuration?.subnets, "aws_subnet")) {
      d.edge(service.address, subnet.address, "placement", "tasks");
    }
    for (const lb of service.body.load_balancer ?? []) {
      for (const group of stack.referenced(lb.target_group_arn, "aws_lb_target_group")) {
        d.edge(
          group.address,
          service.address,
          "request",
          `HTTP :${lb.container_port} → ${lb.container_name}`,
        );
      }
    }
    for (const group of blueGreenGroups(stack, service))
      d.edge(group.address, service.address, "request", "blue/green pair");
    if (task) addContainers(d, stack, service, task);
  }
}

function serviceLines(stack: Stack, service: Resource, task: Resource | undefined): string[] {
  const b = service.body;
  const [target] = stack
    .all("aws_appautoscaling_target")
    .filter((t) => resolveLiterals(stack, t.body.resource_id)?.endsWith(`/${b.name}`));
  const tasks = target
    ? `${target.body.min_capacity}–${target.body.max_capacity} tasks (autoscaled)`
    : `${b.desired_count} tasks`;
  const strategy = (b.capacity_provider_strategy ?? [])
    .filter((s: Body) => s.weight > 0 || s.base > 0)
    .map((s: Body) => `${s.capacity_provider} ×${s.weight}${s.base ? ` base ${s.base}` : ""}`)
    .join(", ");
  const lines = [
    `ECS service ${b.name}`,
    `Fargate ${Number(task?.body.cpu) / 1024} vCPU, ${Number(task?.body.memory) / 1024} GB; ${tasks}`,
  ];
  if (strategy) lines.push(strategy);
  lines.push(
    b.deployment_controller?.type === "CODE_DEPLOY"
      ? "deploys: CodeDeploy blue/green"
      : "deploys: rolling, circuit breaker",
  );
  const stops = stack
    .all("aws_appautoscaling_scheduled_action")
    .filter((a) => a.body.resource_id === target?.body.resource_id);
  const stop = stops.find((a) => Number(a.body.scalable_target_action?.max_capacity) === 0);
  const start = stops.find((a) => a !== stop);
  if (stop && start) lines.push(`stops ${stop.body.schedule}, starts ${start.body.schedule}`);
  return lines;
}

/** Target groups CodeDeploy pairs with the service (the green one has no reference from the service). */
function blueGreenGroups(stack: Stack, service: Resource): Resource[] {
  return stack
    .all("aws_codedeploy_deployment_group")
    .filter((g) => stack.named("aws_ecs_service", g.body.ecs_service?.service_name) === service)
    .flatMap((g) =>
      stack.referenced(
        g.body.load_balancer_info?.target_group_pair_info?.target_group,
        "aws_lb_target_group",
      ),
    )
    .filter(
      (group) =>
        !(service.body.load_balancer ?? []).some((lb: Body) => lb.target_group_arn.includes(group.address)),
    );
}

/** Each container; the shared volumes and start order between them; where its logs go. */
function addContainers(d: Diagram, stack: Stack, service: Resource, task: Resource): void {
  const cluster = d.cluster(
    `task:${task.address}`,
    `task ${task.body.family} (awsvpc, private subnets)`,
    VPC_CLUSTER,
  );
  const containers = parseJsonAttribute<Container[]>(task.body.container_definitions, []);
  const id = (c: Container) => `${task.address}/${c.name}`;
  for (const c of containers) {
    const ports = (c.portMappings ?? []).map((p) => `:${p.containerPort}/${p.protocol}`).join(" ");
    const [repository] = stack.referenced(c.image, "aws_ecr_repository");
    const image = repository ? `image: ECR ${repository.body.name}` : `image: ${c.image}`;
    d.node(
      id(c),
      "container",
      [`container ${c.name}`, image, ...(ports ? [`listens ${ports}`] : [])],
      cluster,
    );
    if (repository) d.edge(repository.address, id(c), "control", "image");
    const group = stack.named("aws_cloudwatch_log_group", c.logConfiguration?.options?.["awslogs-group"]);
    if (group) d.edge(id(c), group.address, "log", "awslogs");
  }
  for (const lb of service.body.load_balancer ?? []) {
    const c = containers.find((x) => x.name === lb.container_name);
    if (c) d.edge(service.address, id(c), "request", `HTTP :${lb.container_port}`);
  }
  for (const c of containers) {
    for (const dep of c.dependsOn ?? []) {
      const other = containers.find((x) => x.name === dep.containerName);
      if (!other) continue;
      const shared = (c.mountPoints ?? []).find((m) =>
        (other.mountPoints ?? []).some((o) => o.sourceVolume === m.sourceVolume),
      );
      d.edge(
        id(c),
        id(other),
        "request",
        shared ? `via volume ${shared.sourceVolume}` : `after ${dep.condition}`,
      );
    }
  }
  const exec = stack
    .all("aws_ecs_cluster")
    .map((c) => c.body.configuration?.execute_command_configuration?.log_configuration);
  const execGroup = stack.named("aws_cloudwatch_log_group", exec[0]?.cloud_watch_log_group_name);
  if (execGroup && service.body.enable_execute_command)
    d.edge(service.address, execGroup.address, "log", "ECS Exec sessions");
}
