import { CodedeployApp } from "@cdktf/provider-aws/lib/codedeploy-app";
import { CodedeployDeploymentConfig } from "@cdktf/provider-aws/lib/codedeploy-deployment-config";
import { CodedeployDeploymentGroup } from "@cdktf/provider-aws/lib/codedeploy-deployment-group";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import { ServiceRole } from "../../constructs/service-role";

export type TrafficShift =
  | string
  | { readonly type: "canary" | "linear"; readonly percent: number; readonly intervalMinutes: number };

export interface BlueGreenDeploymentProps {
  readonly context: StackContext;
  /** The service's name in config. */
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** Production and test listeners, and the two target groups (blue first). */
  readonly productionListenerArn: string;
  readonly testListenerArn: string;
  /** The service's listener rules on those listeners: what CodeDeploy points at the new group. */
  readonly ruleArns: readonly string[];
  readonly targetGroups: readonly { readonly name: string; readonly arn: string }[];
  /** A predefined configuration name, or a custom canary/linear shift. */
  readonly trafficShift: TrafficShift;
  readonly terminationWaitMinutes: number;
  /** Alarms that stop and roll back a deployment: monitoring's rollback alarms, by their attributes. */
  readonly rollbackAlarms: readonly RollbackAlarm[];
  /** Task and execution roles the new task set runs with. */
  readonly taskRoleArns: string[];
}

/** A rollback alarm as its resource's attributes (`alarm_name`, `arn`), so the group is created after it. */
export interface RollbackAlarm {
  readonly alarmName: string;
  readonly arn: string;
}

/**
 * CodeDeploy blue/green for the ECS service: new tasks start in the idle target group, take test traffic,
 * then production traffic shifts as configured; a failure or a rollback alarm sends traffic back.
 */
export class BlueGreenDeployment extends Construct {
  readonly applicationName: string;
  readonly applicationArn: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupArn: string;
  readonly deploymentConfigName: string;

  constructor(scope: Construct, id: string, props: BlueGreenDeploymentProps) {
    super(scope, id);
    const ctx = props.context;
    const app = new CodedeployApp(this, "application", {
      name: ctx.naming.name("generic", props.name),
      computePlatform: "ECS",
    });
    this.applicationName = app.name;
    this.applicationArn = app.arn;

    const shift = props.trafficShift;
    if (typeof shift === "string") {
      this.deploymentConfigName = shift;
    } else {
      const custom = new CodedeployDeploymentConfig(this, "traffic-shift", {
        deploymentConfigName: ctx.naming.name(
          "generic",
          props.name,
          `${shift.type}-${shift.percent}pct-${shift.intervalMinutes}min`,
        ),
        computePlatform: "ECS",
        trafficRoutingConfig:
          shift.type === "canary"
            ? {
                type: "TimeBasedCanary",
                timeBasedCanary: { percentage: shift.percent, interval: shift.intervalMinutes },
              }
            : {
                type: "TimeBasedLinear",
                timeBasedLinear: { percentage: shift.percent, interval: shift.intervalMinutes },
              },
      });
      this.deploymentConfigName = custom.deploymentConfigName;
    }

    const serviceArn = arn(ctx, "ecs", `service/${props.clusterName}/${props.serviceName}`);
    const role = new ServiceRole(this, "role", {
      context: ctx,
      name: `${props.name}-codedeploy`,
      description: `CodeDeploy shifts traffic between the ${props.name} task sets`,
      service: "codedeploy.amazonaws.com",
      trustConditions: { StringEquals: { "aws:SourceAccount": ctx.account } },
      statements: [
        {
          sid: "ManageTaskSets",
          actions: [
            "ecs:DescribeServices",
            "ecs:CreateTaskSet",
            "ecs:UpdateServicePrimaryTaskSet",
            "ecs:DeleteTaskSet",
          ],
          resources: [serviceArn, arn(ctx, "ecs", `task-set/${props.clusterName}/${props.serviceName}/*`)],
        },
        {
          sid: "ShiftListeners",
          actions: ["elasticloadbalancing:ModifyListener"],
          resources: [props.productionListenerArn, props.testListenerArn],
        },
        {
          // The service's traffic is on its rules (the listeners answer 404 by default): only its own.
          sid: "ShiftRules",
          actions: ["elasticloadbalancing:ModifyRule"],
          resources: [...props.ruleArns],
        },
        {
          sid: "ReadLoadBalancing",
          actions: [
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetHealth",
          ],
          // Elastic Load Balancing's Describe* actions take no resource: "*" only.
          resources: ["*"],
        },
        {
          sid: "ReadRollbackAlarms",
          actions: ["cloudwatch:DescribeAlarms"],
          resources: props.rollbackAlarms.map((a) => a.arn),
        },
        {
          sid: "PassTaskRoles",
          actions: ["iam:PassRole"],
          resources: props.taskRoleArns,
          conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
      ],
    });

    const group = new CodedeployDeploymentGroup(this, "deployment-group", {
      appName: app.name,
      deploymentGroupName: ctx.naming.name("generic", props.name, "blue-green"),
      serviceRoleArn: role.arn,
      deploymentConfigName: this.deploymentConfigName,
      deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
      blueGreenDeploymentConfig: {
        deploymentReadyOption: { actionOnTimeout: "CONTINUE_DEPLOYMENT" },
        terminateBlueInstancesOnDeploymentSuccess: {
          action: "TERMINATE",
          terminationWaitTimeInMinutes: props.terminationWaitMinutes,
        },
      },
      ecsService: { clusterName: props.clusterName, serviceName: props.serviceName },
      loadBalancerInfo: {
        targetGroupPairInfo: {
          prodTrafficRoute: { listenerArns: [props.productionListenerArn] },
          testTrafficRoute: { listenerArns: [props.testListenerArn] },
          targetGroup: props.targetGroups.map((tg) => ({ name: tg.name })),
        },
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
      },
      alarmConfiguration: { enabled: true, alarms: props.rollbackAlarms.map((a) => a.alarmName) },
      // CodeDeploy checks its role's permissions on creation: the inline policy must exist first.
      dependsOn: role.policy ? [role.policy] : [],
    });
    this.deploymentGroupName = group.deploymentGroupName;
    this.deploymentGroupArn = group.arn;
  }
}
