import {
  AppautoscalingPolicy,
  type AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
} from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface ServiceAutoscalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly cpuTargetPercent: number;
  readonly memoryTargetPercent: number;
  /**
   * Requests per target per minute to hold, and the ALB/target-group label the metric needs. With
   * `acrossTargetGroups` (blue/green: CodeDeploy swaps the service's two groups) the metric is the requests
   * of the service's own groups, summed, divided by its running tasks, which follows the traffic through a
   * swap and counts no other service's requests.
   */
  readonly requests: {
    readonly perTarget: number;
    readonly resourceLabel: string;
    readonly acrossTargetGroups?: {
      readonly loadBalancerArnSuffix: string;
      readonly targetGroupArnSuffixes: string[];
    };
  };
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  /** Stop every task at `stopAt`, return at `startAt`. @default none */
  readonly schedule?: { readonly stopAt: string; readonly startAt: string; readonly timezone: string };
  /** Created before the target: the ECS service. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Target tracking on CPU, memory and ALB requests per target; a step policy that adds tasks on high
 * latency (its alarm lives with the others in monitoring); an optional night-time stop.
 */
export class ServiceAutoscaling extends Construct {
  readonly target: AppautoscalingTarget;
  /** Step scaling that adds tasks when the latency alarm (monitoring) fires. */
  readonly latencyScaleOutPolicyArn: string;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const dimension = {
      serviceNamespace: "ecs",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: "ecs:service:DesiredCount",
    };
    this.target = new AppautoscalingTarget(this, "target", {
      ...dimension,
      minCapacity: props.minCount,
      maxCapacity: props.maxCount,
      dependsOn: props.dependsOn,
    });
    const track = (
      name: string,
      value: number,
      metric: Pick<
        AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
        "predefinedMetricSpecification" | "customizedMetricSpecification"
      >,
    ) =>
      new AppautoscalingPolicy(this, name, {
        ...dimension,
        name: `${props.serviceName}-${name}`,
        policyType: "TargetTrackingScaling",
        targetTrackingScalingPolicyConfiguration: {
          targetValue: value,
          scaleInCooldown: props.scaleInCooldownSeconds,
          scaleOutCooldown: props.scaleOutCooldownSeconds,
          ...metric,
        },
        dependsOn: [this.target],
      });
    const predefined = (predefinedMetricType: string, resourceLabel?: string) => ({
      predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
    });
    track("cpu", props.cpuTargetPercent, predefined("ECSServiceAverageCPUUtilization"));
    track("memory", props.memoryTargetPercent, predefined("ECSServiceAverageMemoryUtilization"));
    const across = props.requests.acrossTargetGroups;
    const dims = (d: Record<string, string>) => Object.entries(d).map(([name, value]) => ({ name, value }));
    track(
      "requests",
      props.requests.perTarget,
      across
        ? {
            customizedMetricSpecification: {
              metrics: [
                ...across.targetGroupArnSuffixes.map((targetGroup, i) => ({
                  id: `group${i}`,
                  returnData: false,
                  metricStat: {
                    stat: "Sum",
                    metric: {
                      namespace: "AWS/ApplicationELB",
                      metricName: "RequestCount",
                      dimensions: dims({
                        LoadBalancer: across.loadBalancerArnSuffix,
                        TargetGroup: targetGroup,
                      }),
                    },
                  },
                })),
                {
                  // An idle group reports nothing: it counts as 0, not as a gap in the sum.
                  id: "requests",
                  expression: across.targetGroupArnSuffixes.map((_, i) => `FILL(group${i}, 0)`).join(" + "),
                  returnData: false,
                },
                {
                  id: "tasks",
                  returnData: false,
                  metricStat: {
                    stat: "Average",
                    metric: {
                      namespace: "ECS/ContainerInsights",
                      metricName: "RunningTaskCount",
                      dimensions: dims({ ClusterName: props.clusterName, ServiceName: props.serviceName }),
                    },
                  },
                },
                {
                  id: "perTask",
                  expression: "requests / tasks",
                  label: "The service's ALB requests per running task",
                  returnData: true,
                },
              ],
            },
          }
        : predefined("ALBRequestCountPerTarget", props.requests.resourceLabel),
    );

    const latency = new AppautoscalingPolicy(this, "latency-scale-out", {
      ...dimension,
      name: `${props.serviceName}-latency-scale-out`,
      policyType: "StepScaling",
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: props.scaleOutCooldownSeconds,
        metricAggregationType: "Maximum",
        // Relative to the alarm's threshold: one task just above it, two when far above.
        stepAdjustment: [
          { metricIntervalLowerBound: "0", metricIntervalUpperBound: "1", scalingAdjustment: 1 },
          { metricIntervalLowerBound: "1", scalingAdjustment: 2 },
        ],
      },
      dependsOn: [this.target],
    });
    this.latencyScaleOutPolicyArn = latency.arn;

    if (props.schedule) {
      const s = props.schedule;
      new AppautoscalingScheduledAction(this, "stop", {
        ...dimension,
        name: `${props.serviceName}-stop`,
        schedule: s.stopAt,
        timezone: s.timezone,
        scalableTargetAction: { minCapacity: "0", maxCapacity: "0" },
        dependsOn: [this.target],
      });
      new AppautoscalingScheduledAction(this, "start", {
        ...dimension,
        name: `${props.serviceName}-start`,
        schedule: s.startAt,
        timezone: s.timezone,
        scalableTargetAction: { minCapacity: String(props.minCount), maxCapacity: String(props.maxCount) },
        dependsOn: [this.target],
      });
    }
  }
}
