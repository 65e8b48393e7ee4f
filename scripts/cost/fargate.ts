import { type Body, type Resource, referencesIn, resolveLiterals } from "../lib/stack-json";
import { type CostItem, line, type PricingInput } from "./item";
import { HOURS_PER_MONTH } from "./prices";
import { taskHoursPerWeek } from "./schedule";

const WEEKS_PER_MONTH = HOURS_PER_MONTH / 168;

/**
 * Fargate: vCPU-hours and GB-hours of the running tasks, split between FARGATE and FARGATE_SPOT as the
 * capacity provider strategy places them. Tasks: the autoscaling minimum (or the desired count) plus
 * `cost.extraTasks`, within the maximum, through the scheduled stops; a blue/green deployment also runs
 * the replacement task set for the deploy and the termination wait.
 */
export function fargateItems({ stack, usage, prices }: PricingInput): CostItem[] {
  return stack.all("aws_ecs_service").flatMap((service) => {
    const [task] = stack.referenced(service.body.task_definition, "aws_ecs_task_definition");
    if (!task) return [];
    const target = stack
      .all("aws_appautoscaling_target")
      .find((t) => resolveLiterals(stack, t.body.resource_id)?.endsWith(`/${service.body.name}`));
    const min = Number(target?.body.min_capacity ?? service.body.desired_count);
    const max = Number(target?.body.max_capacity ?? service.body.desired_count);
    const baseline = Math.min(min + usage.extraTasks, max);
    const actions = stack
      .all("aws_appautoscaling_scheduled_action")
      .filter((a) => a.body.resource_id === target?.body.resource_id);
    let taskHours = taskHoursPerWeek(actions, baseline) * WEEKS_PER_MONTH;
    const overlap = blueGreenOverlapHours(
      stack.all("aws_codedeploy_deployment_group"),
      service,
      usage.pipelineRunsPerMonth,
      usage.deployMinutesPerRun,
    );
    taskHours += overlap * baseline;
    const vcpu = Number(task.body.cpu) / 1024;
    const gb = Number(task.body.memory) / 1024;
    const { onDemand, spot } = split(service.body.capacity_provider_strategy ?? [], baseline);
    const resources = [service.address, task.address];
    const what = `${vcpu} vCPU, ${gb} GB × ${baseline} task${baseline === 1 ? "" : "s"}`;
    const items: CostItem[] = [];
    if (onDemand > 0) {
      const hours = taskHours * onDemand;
      items.push(
        line(
          "Fargate",
          `on-demand vCPU-hours (${what}, ${pct(onDemand)} on FARGATE)`,
          hours * vcpu,
          "vCPU-h",
          prices.fargateVcpuHour,
          resources,
        ),
      );
      items.push(line("Fargate", "on-demand GB-hours", hours * gb, "GB-h", prices.fargateGbHour, resources));
    }
    if (spot > 0) {
      const hours = taskHours * spot;
      items.push(
        line(
          "Fargate",
          `Spot vCPU-hours (${what}, ${pct(spot)} on FARGATE_SPOT)`,
          hours * vcpu,
          "vCPU-h",
          prices.fargateSpotVcpuHour,
          resources,
        ),
      );
      items.push(line("Fargate", "Spot GB-hours", hours * gb, "GB-h", prices.fargateSpotGbHour, resources));
    }
    return items;
  });
}

/** Shares of `tasks` on FARGATE and FARGATE_SPOT: `base` tasks first, the rest by weight. */
export function split(strategy: Body[], tasks: number): { onDemand: number; spot: number } {
  if (strategy.length === 0 || tasks === 0) return { onDemand: 1, spot: 0 };
  let onDemandTasks = 0;
  let rest = tasks;
  for (const s of strategy) {
    const base = Math.min(Number(s.base ?? 0), rest);
    if (s.capacity_provider === "FARGATE") onDemandTasks += base;
    rest -= base;
  }
  const weight = (name: string) =>
    strategy.filter((s) => s.capacity_provider === name).reduce((sum, s) => sum + Number(s.weight ?? 0), 0);
  const total = weight("FARGATE") + weight("FARGATE_SPOT");
  if (total > 0) onDemandTasks += (rest * weight("FARGATE")) / total;
  else onDemandTasks += rest;
  return { onDemand: onDemandTasks / tasks, spot: 1 - onDemandTasks / tasks };
}

/** Hours a month during which a blue/green deployment runs a second task set. */
function blueGreenOverlapHours(
  groups: Resource[],
  service: Resource,
  runs: number,
  deployMinutes: number,
): number {
  const group = groups.find((g) => {
    const named = g.body.ecs_service?.service_name;
    return named === service.body.name || referencesIn(named).includes(service.address);
  });
  if (!group) return 0;
  const wait = Number(
    group.body.blue_green_deployment_config?.terminate_blue_instances_on_deployment_success
      ?.termination_wait_time_in_minutes ?? 0,
  );
  return (runs * (deployMinutes + wait)) / 60;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
