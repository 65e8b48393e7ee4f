import { Fn, type TerraformResourceLifecycle } from "cdktf";

/**
 * What Terraform may change on a service CodeDeploy deploys. ECS's UpdateService takes only the desired count,
 * deployment configuration, health-check grace period, placement and tag options for a CODE_DEPLOY service;
 * anything else is refused at apply, after a plan that looked fine. The rule, field by field:
 *
 * - carried by the deployment (ignored by Terraform; the task definition template carries the value as a tag
 *   and docker/ci/render-deploy.sh writes it into the AppSpec, so the next deployment rolls it out):
 *   network configuration, platform version, capacity provider strategy; the task definition and the load
 *   balancer are CodeDeploy's anyway.
 * - refused (no deployment can carry it): `enable_execute_command`. The plan fails on a change, with a
 *   message saying how to roll it out.
 */

/** Service attributes a CodeDeploy deployment carries instead of Terraform. */
export const CARRIED_BY_DEPLOYMENT = [
  "task_definition",
  "load_balancer",
  "network_configuration",
  "platform_version",
  "capacity_provider_strategy",
] as const;

/**
 * Attributes of the tasks' security group Terraform leaves as they are under CODE_DEPLOY. Each forces a new
 * group, and a new group is only carried to the tasks by the next deployment (network_configuration above):
 * until then running tasks hold the old one, so its destroy fails with DependencyViolation. A rename or a new
 * description is cosmetic; keep the group. A new VPC (vpc_id) does replace it: apply (the old group's
 * destroy fails and stays in the state as deposed), run a deployment, apply again.
 */
export const TASK_GROUP_KEPT_UNDER_CODE_DEPLOY = ["description", "name_prefix"] as const;

/** Service attributes nothing can change in place under CODE_DEPLOY. */
export const FIXED_UNDER_CODE_DEPLOY = ["enable_execute_command"] as const;

/** Tags of the task definition template: what render-deploy.sh puts in the AppSpec. Values space-separated. */
export const DEPLOY_TAGS = {
  subnets: "deploy:subnets",
  securityGroups: "deploy:security-groups",
  assignPublicIp: "deploy:assign-public-ip",
  platformVersion: "deploy:platform-version",
  /** `PROVIDER:WEIGHT:BASE` items, e.g. `FARGATE:3:3 FARGATE_SPOT:1:0`. */
  capacityProviderStrategy: "deploy:capacity-provider-strategy",
} as const;

export interface DeploySettings {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly assignPublicIp: boolean;
  readonly platformVersion: string;
  readonly capacityProviderStrategy: readonly { provider: string; weight: number; base?: number }[];
}

/** Where and how the tasks run: private subnets, the tasks' group, no public IP, the capacity weights. */
export function deploySettings(
  subnetIds: string[],
  securityGroupId: string,
  capacity: { fargateWeight: number; fargateSpotWeight: number; fargateBase: number },
): DeploySettings {
  return {
    subnetIds,
    securityGroupIds: [securityGroupId],
    assignPublicIp: false,
    platformVersion: "LATEST",
    capacityProviderStrategy: [
      { provider: "FARGATE", weight: capacity.fargateWeight, base: capacity.fargateBase },
      ...(capacity.fargateSpotWeight > 0
        ? [{ provider: "FARGATE_SPOT", weight: capacity.fargateSpotWeight }]
        : []),
    ],
  };
}

/** The template's tags that carry `settings` to the AppSpec (Terraform joins the ids at apply). */
export function deployTags(settings: DeploySettings): Record<string, string> {
  const join = (ids: string[]) => Fn.join(" ", ids);
  return {
    [DEPLOY_TAGS.subnets]: join(settings.subnetIds),
    [DEPLOY_TAGS.securityGroups]: join(settings.securityGroupIds),
    [DEPLOY_TAGS.assignPublicIp]: settings.assignPublicIp ? "ENABLED" : "DISABLED",
    [DEPLOY_TAGS.platformVersion]: settings.platformVersion,
    [DEPLOY_TAGS.capacityProviderStrategy]: settings.capacityProviderStrategy
      .map((s) => `${s.provider}:${s.weight}:${s.base ?? 0}`)
      .join(" "),
  };
}

/** The plan-time check that refuses a change of exec under CODE_DEPLOY, and says what to do instead. */
export function execPostcondition(
  enabled: boolean,
): NonNullable<TerraformResourceLifecycle["postcondition"]> {
  return [
    {
      condition: `\${self.enable_execute_command == ${enabled}}`,
      errorMessage:
        `service.execEnabled: ECS refuses to change ECS Exec on a service CodeDeploy deploys (the plan keeps ${!enabled}). ` +
        "Roll it out by replacing the service in a maintenance window: terraform apply -replace=<this aws_ecs_service address>, " +
        "or set execEnabled back.",
    },
  ];
}
