import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { ImageRepositories, type ImageRepository } from "../../constructs/image-repositories";
import { EncryptedLogGroup } from "../../constructs/log-group";
import type { PolicyStatement } from "../../constructs/policy";
import { ServiceAutoscaling } from "./autoscaling";
import { ServiceCluster } from "./cluster";
import {
  CARRIED_BY_DEPLOYMENT,
  deploySettings,
  deployTags,
  execPostcondition,
  FIXED_UNDER_CODE_DEPLOY,
  TASK_GROUP_KEPT_UNDER_CODE_DEPLOY,
} from "./code-deploy-fields";
import { type ContainerMount, type ContainerSpec, containerDefinition } from "./container-definition";
import { execMounts } from "./exec-mounts";
import { TaskRoles } from "./task-roles";

/** One container of the task, as the images under docker/ define it. */
export interface ServiceContainer {
  readonly name: string;
  /** Image reference; when absent the service creates a repository and deploys `imageTag` from it. */
  readonly image?: string;
  readonly port?: number;
  readonly healthCheckCommand: string[];
  readonly user: string;
  /** Task volumes the container mounts: every path its server writes to, and shared ones. */
  readonly mounts: readonly ContainerMount[];
  readonly dependsOn?: ContainerSpec["dependsOn"];
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: Readonly<Record<string, string>>;
}

export interface WebServiceProps {
  readonly context: StackContext;
  /** The service's name: unique in the environment, part of every name below. */
  readonly name: string;
  readonly vpcId: string;
  /** Private subnets, one per AZ. */
  readonly subnetIds: string[];
  /** TCP ports the tasks may reach outside the VPC (image pulls, logs, AWS APIs). */
  readonly egressPorts: number[];
  /** The containers; the first one receives the load balancer's traffic. */
  readonly containers: ServiceContainer[];
  /** Tag deployed from the repositories this service creates. @default none (every image given) */
  readonly imageTag?: string;
  readonly keepImages: number;
  readonly cpu: number;
  readonly memory: number;
  readonly cpuArchitecture: "X86_64" | "ARM64";
  readonly desiredCount: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly stopTimeoutSeconds: number;
  readonly capacity: {
    readonly fargateWeight: number;
    readonly fargateSpotWeight: number;
    readonly fargateBase: number;
  };
  readonly autoscaling: Omit<
    import("./autoscaling").ServiceAutoscalingProps,
    "clusterName" | "serviceName" | "requests" | "dependsOn"
  > & { readonly enabled: boolean; readonly requestsPerTarget: number };
  readonly secretsKmsKeyArns: string[];
  readonly taskStatements: PolicyStatement[];
  readonly execEnabled: boolean;
  /**
   * Who deploys: `ECS` (rolling, with circuit breaker) or `CODE_DEPLOY` (blue/green); and whether a
   * pipeline owns the running task definition (Terraform then registers new revisions as templates only).
   * @default ECS, Terraform owns it
   */
  readonly deployment?: {
    readonly controller: "ECS" | "CODE_DEPLOY";
    readonly pipelineOwnsTaskDefinition: boolean;
  };
  readonly logRetentionDays: number;
  /** Key for container logs, images and exec sessions. */
  readonly kmsKeyArn: string;
  /**
   * The load balancer: its security group, the service's own target group(s) and what must exist before the
   * service (its listener rule: a target group ECS registers tasks in must be in use by the load balancer).
   */
  readonly loadBalancer: {
    readonly securityGroupId: string;
    /** The group the service starts in (blue). */
    readonly targetGroupArn: string;
    /** `<alb arn suffix>/<target group arn suffix>` of that group, for request-count scaling. */
    readonly resourceLabel: string;
    /** The ALB's ARN suffix and every one of the service's groups, for request scaling across a blue/green pair. */
    readonly arnSuffix: string;
    readonly targetGroupArnSuffixes: string[];
    readonly listener: ITerraformDependable;
  };
}

/**
 * An ECS Fargate service in private subnets behind the load balancer: cluster, task definition,
 * roles, repositories, log groups, security group, circuit breaker and autoscaling.
 */
export class WebService extends Construct {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly taskFamily: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly securityGroupId: string;
  readonly logGroupNames: Record<string, string> = {};
  readonly repositoryUrls: Record<string, string> = {};
  /** The repositories this service created, by container name. */
  readonly repositories: Readonly<Record<string, ImageRepository>>;
  readonly roles: TaskRoles;
  readonly service: EcsService;
  readonly clusterArn: string;
  /** `ECS` (rolling) or `CODE_DEPLOY` (blue/green). */
  readonly controller: "ECS" | "CODE_DEPLOY";
  /** The front container's name and port, which a blue/green AppSpec names. */
  readonly front: { readonly name: string; readonly port: number };
  /** Roles a deployment passes to ECS. */
  readonly taskRoleArns: string[];
  /** Present when autoscaling is on. */
  readonly autoscaling?: ServiceAutoscaling;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const ctx = props.context;
    const naming = ctx.naming.child(props.name);
    const front = props.containers[0];
    if (!front?.port) throw new Error(`service ${props.name}: the first container must have a port`);

    const logGroup = (name: string) =>
      new EncryptedLogGroup(this, `${name}-logs`, {
        context: ctx,
        name: ctx.naming.logGroupName(props.name, name),
        retentionDays: props.logRetentionDays,
        kmsKeyArn: props.kmsKeyArn,
        protect: false,
      });
    const containerLogs = Object.fromEntries(props.containers.map((c) => [c.name, logGroup(c.name)]));
    for (const [name, group] of Object.entries(containerLogs)) this.logGroupNames[name] = group.name;
    const execLogs = props.execEnabled ? logGroup("exec") : undefined;
    if (execLogs) this.logGroupNames.exec = execLogs.name;

    const built = props.containers.filter((c) => !c.image).map((c) => c.name);
    const repos = new ImageRepositories(this, "repositories", {
      context: ctx,
      prefix: `${ctx.naming.prefix}/${props.name}`,
      names: built,
      kmsKeyArn: props.kmsKeyArn,
      keepImages: props.keepImages,
    });
    for (const [name, repo] of Object.entries(repos.repositories)) this.repositoryUrls[name] = repo.url;
    this.repositories = repos.repositories;

    this.roles = new TaskRoles(this, "roles", {
      context: ctx,
      service: props.name,
      repositoryArns: Object.values(repos.repositories).map((r) => r.arn),
      logGroupArns: Object.values(containerLogs).map((g) => g.arn),
      secretArns: [...new Set(props.containers.flatMap((c) => Object.values(c.secrets ?? {})))],
      secretKeyArns: props.secretsKmsKeyArns,
      taskStatements: props.taskStatements,
      exec: execLogs ? { logGroupArn: execLogs.arn, kmsKeyArn: props.kmsKeyArn } : undefined,
    });

    const cluster = new ServiceCluster(this, "cluster", {
      context: ctx,
      name: naming.name("ecsName"),
      exec: execLogs ? { kmsKeyArn: props.kmsKeyArn, logGroupName: execLogs.name } : undefined,
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.cluster.arn;

    // ECS Exec's agent needs writable paths in every container it can enter (the roots are read-only).
    const mountsOf = (c: ServiceContainer) => [...c.mounts, ...(props.execEnabled ? execMounts(c.name) : [])];
    const volumes = [...new Set(props.containers.flatMap((c) => mountsOf(c).map((m) => m.volume)))].sort();
    const definitions = props.containers.map((c) =>
      containerDefinition({
        name: c.name,
        image: c.image ?? `${repos.repositories[c.name].url}:${props.imageTag}`,
        port: c.port,
        healthCheckCommand: c.healthCheckCommand,
        user: c.user,
        mounts: mountsOf(c),
        logGroup: containerLogs[c.name].name,
        region: ctx.region,
        stopTimeoutSeconds: props.stopTimeoutSeconds,
        dependsOn: c.dependsOn,
        environment: c.environment,
        secrets: c.secrets,
      }),
    );
    const controller = props.deployment?.controller ?? "ECS";
    const codeDeploy = controller === "CODE_DEPLOY";
    const group = new SecurityGroup(this, "security-group", {
      namePrefix: naming.namePrefix("securityGroupName", "tasks"),
      description: `${props.name} tasks: the web port from the load balancer only`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      // A replacement (a changed description or VPC) must exist before whatever uses the group lets go of it.
      // Under CodeDeploy only a deployment moves the tasks to a new group: no replacement for cosmetic changes.
      lifecycle: {
        createBeforeDestroy: true,
        ignoreChanges: codeDeploy ? [...TASK_GROUP_KEPT_UNDER_CODE_DEPLOY] : undefined,
      },
    });
    const deploy = deploySettings(props.subnetIds, group.id, props.capacity);
    this.taskFamily = naming.name("ecsName");
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: this.taskFamily,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture },
      executionRoleArn: this.roles.executionRole.arn,
      taskRoleArn: this.roles.taskRole.arn,
      containerDefinitions: JSON.stringify(definitions),
      volume: volumes.map((name) => ({ name })),
      // Under CodeDeploy the template carries what the next deployment's AppSpec must set (code-deploy-fields.ts).
      tags: codeDeploy ? deployTags(deploy) : undefined,
    });

    this.securityGroupId = group.id;
    new VpcSecurityGroupIngressRule(this, "from-load-balancer", {
      securityGroupId: group.id,
      description: "Web port from the load balancer",
      ipProtocol: "tcp",
      fromPort: front.port,
      toPort: front.port,
      referencedSecurityGroupId: props.loadBalancer.securityGroupId,
    });
    for (const port of props.egressPorts) {
      new VpcSecurityGroupEgressRule(this, `egress-${port}`, {
        securityGroupId: group.id,
        description: "Image pulls, logs, secrets and AWS APIs (NAT or endpoints)",
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
      });
    }

    this.controller = controller;
    this.front = { name: front.name, port: front.port };
    this.taskRoleArns = [this.roles.executionRole.arn, this.roles.taskRole.arn];
    // With autoscaling, Application Auto Scaling owns the count; with a pipeline, the running revision is the
    // pipeline's; with CodeDeploy, what UpdateService refuses is the deployment's (code-deploy-fields.ts).
    const ignored = [
      ...(props.autoscaling.enabled || codeDeploy ? ["desired_count"] : []),
      ...(props.deployment?.pipelineOwnsTaskDefinition && !codeDeploy ? ["task_definition"] : []),
      ...(codeDeploy ? [...CARRIED_BY_DEPLOYMENT, ...FIXED_UNDER_CODE_DEPLOY] : []),
    ];
    const autoscaled = props.autoscaling.enabled;
    this.service = new EcsService(this, "service", {
      name: naming.name("ecsName"),
      cluster: cluster.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount,
      capacityProviderStrategy: deploy.capacityProviderStrategy.map((s) => ({
        capacityProvider: s.provider,
        weight: s.weight,
        base: s.base,
      })),
      platformVersion: deploy.platformVersion,
      networkConfiguration: {
        subnets: deploy.subnetIds,
        securityGroups: deploy.securityGroupIds,
        assignPublicIp: deploy.assignPublicIp,
      },
      loadBalancer: [
        {
          targetGroupArn: props.loadBalancer.targetGroupArn,
          containerName: front.name,
          containerPort: front.port,
        },
      ],
      deploymentController: { type: controller },
      // The circuit breaker (and deployment alarms) exist for the ECS controller only; CodeDeploy rolls back itself.
      deploymentCircuitBreaker: codeDeploy ? undefined : { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: props.minimumHealthyPercent,
      deploymentMaximumPercent: props.maximumPercent,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds,
      // ECS rebalances AZs only for services it deploys itself.
      availabilityZoneRebalancing: codeDeploy ? undefined : "ENABLED",
      enableExecuteCommand: props.execEnabled,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      waitForSteadyState: false,
      // With autoscaling, Application Auto Scaling owns the count; a plan must not reset it.
      lifecycle:
        ignored.length > 0
          ? {
              ignoreChanges: ignored,
              postcondition: codeDeploy ? execPostcondition(props.execEnabled) : undefined,
            }
          : undefined,
      dependsOn: [props.loadBalancer.listener, cluster.capacityProviders],
    });
    // The attribute: alarms, scaling and deployments that name the service then depend on it.
    this.serviceName = this.service.name;

    if (autoscaled) {
      const a = props.autoscaling;
      this.autoscaling = new ServiceAutoscaling(this, "autoscaling", {
        clusterName: cluster.name,
        serviceName: this.serviceName,
        minCount: a.minCount,
        maxCount: a.maxCount,
        cpuTargetPercent: a.cpuTargetPercent,
        memoryTargetPercent: a.memoryTargetPercent,
        requests: {
          perTarget: a.requestsPerTarget,
          resourceLabel: props.loadBalancer.resourceLabel,
          // Under CodeDeploy the live target group changes with every deployment.
          acrossTargetGroups: codeDeploy
            ? {
                loadBalancerArnSuffix: props.loadBalancer.arnSuffix,
                targetGroupArnSuffixes: props.loadBalancer.targetGroupArnSuffixes,
              }
            : undefined,
        },
        scaleInCooldownSeconds: a.scaleInCooldownSeconds,
        scaleOutCooldownSeconds: a.scaleOutCooldownSeconds,
        schedule: a.schedule,
        dependsOn: [this.service],
      });
    }
  }

  /**
   * Rolls a rolling deployment back when any of these alarms fires while it runs (beside the circuit
   * breaker). The alarms are defined once, in monitoring.
   */
  useRollbackAlarms(alarmNames: string[]): void {
    if (alarmNames.length === 0 || this.controller === "CODE_DEPLOY") return;
    this.service.putAlarms({ alarmNames, enable: true, rollback: true });
  }
}
