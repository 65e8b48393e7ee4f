import { guardedPercentile } from "./percentile-guard";

/**
 * The alarms of one service and its load balancer, as data: AWS's recommended set for ALB and ECS.
 * Defined once here; the dashboard, the alarm topic and deployment rollback all refer to these.
 */

export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** A statistic (Sum, Average, Minimum, Maximum) or a percentile (p99). */
  readonly stat: string;
  readonly periodSeconds: number;
}

export interface AlarmSpec {
  /** Short id, unique per service, e.g. "target-5xx-rate"; the alarm's name ends with it. */
  readonly id: string;
  readonly description: string;
  /** One metric, or metric math: metrics by id plus the expression that is compared. */
  readonly metric?: MetricSpec;
  readonly math?: {
    readonly expression: string;
    readonly label: string;
    readonly metrics: Record<string, MetricSpec>;
  };
  readonly comparison: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Chosen per alarm: what a missing data point means for this metric. */
  readonly treatMissingData: "breaching" | "notBreaching" | "missing" | "ignore";
  /**
   * Rolls a deployment back while it is in progress. A rolling service names these alarms by reference, so a
   * rollback alarm must not take the service's own name by reference (a cycle `terraform validate` reports).
   */
  readonly rollback: boolean;
}

export interface ServiceAlarmInput {
  /** ALB and target group ARN suffixes: the dimensions CloudWatch uses. */
  readonly loadBalancer: string;
  readonly targetGroup: string;
  /**
   * Every target group the service's traffic may be in (blue/green: both, and the live one changes with each
   * deployment). Alarms about the service as a whole (enough healthy targets) sum over them.
   * @default [targetGroup]
   */
  readonly allTargetGroups?: readonly string[];
  readonly cluster: string;
  readonly service: string;
  /** Tasks the service should never run fewer of; 0 disables the "too few" alarms (a night stop). */
  readonly minTasks: number;
  readonly thresholds: {
    readonly target5xxPercent: number;
    readonly elb5xxCount: number;
    readonly p99LatencySeconds: number;
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    readonly ephemeralStoragePercent: number;
    /** Requests a minute needs before its latency percentile counts (fewer: the minute is OK). */
    readonly latencyMinSamples: number;
  };
}

/** CodeDeploy and ECS accept at most ten alarms for a rollback. */
export const MAX_ROLLBACK_ALARMS = 10;

export function serviceAlarmSpecs(input: ServiceAlarmInput): AlarmSpec[] {
  const t = input.thresholds;
  const lb = { LoadBalancer: input.loadBalancer };
  const tg = { LoadBalancer: input.loadBalancer, TargetGroup: input.targetGroup };
  const ecs = { ClusterName: input.cluster, ServiceName: input.service };
  const alb = (
    metricName: string,
    stat: string,
    dimensions: Record<string, string> = tg,
    periodSeconds = 60,
  ): MetricSpec => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions,
    stat,
    periodSeconds,
  });
  const insights = (metricName: string, stat: string): MetricSpec => ({
    namespace: "ECS/ContainerInsights",
    metricName,
    dimensions: ecs,
    stat,
    periodSeconds: 60,
  });
  const specs: AlarmSpec[] = [
    {
      id: "target-5xx-rate",
      description: `More than ${t.target5xxPercent}% of requests got a 5XX from the targets over 5 minutes`,
      math: {
        // FILL: a minute without errors (or without requests) reports nothing; both count as zero.
        expression: "100 * FILL(errors, 0) / IF(FILL(requests, 0) > 0, requests, 1)",
        label: "Target 5XX, % of requests",
        metrics: {
          errors: alb("HTTPCode_Target_5XX_Count", "Sum", tg, 300),
          requests: alb("RequestCount", "Sum", tg, 300),
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: t.target5xxPercent,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      rollback: true,
    },
    {
      id: "elb-5xx",
      description: `The load balancer itself answered ${t.elb5xxCount} or more 5XX in 5 minutes (no healthy target, target timeouts)`,
      metric: alb("HTTPCode_ELB_5XX_Count", "Sum", lb, 300),
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: t.elb5xxCount,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // The count is only reported when there were errors: no data means none.
      treatMissingData: "notBreaching",
      rollback: true,
    },
    {
      id: "p99-latency",
      description: `p99 target response time above the ${t.p99LatencySeconds} s SLO for 3 minutes (minutes of at least ${t.latencyMinSamples} requests)`,
      math: guardedPercentile(
        alb("TargetResponseTime", "p99"),
        alb("RequestCount", "Sum"),
        t.latencyMinSamples,
      ),
      comparison: "GreaterThanThreshold",
      threshold: t.p99LatencySeconds,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // No requests, no latency: nothing is slow.
      treatMissingData: "notBreaching",
      rollback: true,
    },
    {
      id: "unhealthy-hosts",
      description: "Targets failing the load balancer's health check for 3 minutes",
      metric: alb("UnHealthyHostCount", "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      rollback: true,
    },
    {
      id: "rejected-connections",
      description: "The load balancer rejected connections (it reached its connection limit)",
      metric: alb("RejectedConnectionCount", "Sum", lb, 300),
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      rollback: false,
    },
    {
      id: "cpu",
      description: `Average service CPU above ${t.cpuPercent}% for 5 minutes (scaling is not keeping up)`,
      metric: {
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: ecs,
        stat: "Average",
        periodSeconds: 60,
      },
      comparison: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // ECS reports while tasks run; silence means no tasks, which the running-task alarm covers.
      treatMissingData: "missing",
      rollback: false,
    },
    {
      id: "memory",
      description: `Average service memory above ${t.memoryPercent}% for 5 minutes`,
      metric: {
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: ecs,
        stat: "Average",
        periodSeconds: 60,
      },
      comparison: "GreaterThanThreshold",
      threshold: t.memoryPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "missing",
      rollback: false,
    },
    {
      id: "ephemeral-storage",
      description: `A task used more than ${t.ephemeralStoragePercent}% of its ephemeral storage`,
      math: {
        expression: "100 * used / reserved",
        label: "Ephemeral storage used, %",
        metrics: {
          used: insights("EphemeralStorageUtilized", "Maximum"),
          reserved: insights("EphemeralStorageReserved", "Maximum"),
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: t.ephemeralStoragePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "missing",
      rollback: false,
    },
  ];
  if (input.minTasks > 0) {
    specs.push(
      healthyHostsSpec(input.loadBalancer, input.allTargetGroups ?? [input.targetGroup], input.minTasks),
      {
        id: "running-tasks",
        description: `Fewer than ${input.minTasks} running tasks for 3 minutes`,
        metric: insights("RunningTaskCount", "Minimum"),
        comparison: "LessThanThreshold",
        threshold: input.minTasks,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "breaching",
        rollback: false,
      },
    );
  }
  return specs;
}

/**
 * Too few healthy targets, summed over every target group: after a blue/green swap the idle group has no
 * targets (and may report no data), so one alarm per group would page for the idle one.
 */
function healthyHostsSpec(
  loadBalancer: string,
  targetGroups: readonly string[],
  minTasks: number,
): AlarmSpec {
  const healthy = (targetGroup: string): MetricSpec => ({
    namespace: "AWS/ApplicationELB",
    metricName: "HealthyHostCount",
    dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
    stat: "Minimum",
    periodSeconds: 60,
  });
  const common = {
    id: "healthy-hosts",
    description: `Fewer than ${minTasks} healthy targets for 3 minutes`,
    comparison: "LessThanThreshold" as const,
    threshold: minTasks,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    // No data from the load balancer about any group means nothing is healthy.
    treatMissingData: "breaching" as const,
    rollback: false,
  };
  if (targetGroups.length === 1) return { ...common, metric: healthy(targetGroups[0]) };
  const ids = targetGroups.map((_, i) => `group${i}`);
  return {
    ...common,
    math: {
      // FILL: a group without targets reports nothing; it counts as zero healthy targets, not as missing.
      expression: ids.map((id) => `FILL(${id}, 0)`).join(" + "),
      label: "Healthy targets, all target groups",
      metrics: Object.fromEntries(ids.map((id, i) => [id, healthy(targetGroups[i])])),
    },
  };
}

/** The metrics an alarm reads: its one metric, or the metrics of its math. */
export function metricsOf(spec: AlarmSpec): MetricSpec[] {
  return [spec.metric, ...Object.values(spec.math?.metrics ?? {})].filter((m): m is MetricSpec => !!m);
}

/** True when the alarm watches the load balancer as a whole (no target group, no service): one per environment. */
export function isLoadBalancerWide(spec: AlarmSpec): boolean {
  return metricsOf(spec).every((m) => Object.keys(m.dimensions).join() === "LoadBalancer");
}

/** True when the alarm watches one target group (a blue/green pair needs it once per group). */
export function usesTargetGroup(spec: AlarmSpec): boolean {
  return metricsOf(spec).some((m) => m.dimensions.TargetGroup !== undefined);
}
