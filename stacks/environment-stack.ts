import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/load";
import { partitionOf, type StackContext } from "../constructs/context";
import { KmsKey } from "../constructs/kms-key";
import { logsKeyGrant } from "../constructs/log-group";
import { Naming } from "../constructs/naming";
import { LoadBalancer } from "../modules/load-balancer/load-balancer";
import { Monitoring } from "../modules/monitoring/monitoring";
import { Network } from "../modules/network/network";
import { WebService } from "../modules/service/service";
import { frontHealthPath, serviceContainers } from "./containers";

/** Tag value of `managed-by` on every resource. */
export const MANAGED_BY = "fargate-web-stack (cdktf)";

/**
 * One environment: its provider, state backend and every module, created in order and wired together.
 * The only place that knows every module.
 */
export class EnvironmentStack extends TerraformStack {
  readonly context: StackContext;
  /** Encrypts every log group, image repository and exec session of the environment. */
  readonly logsKey: KmsKey;
  readonly network: Network;
  readonly loadBalancer: LoadBalancer;
  readonly service: WebService;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    const { partition, dnsSuffix } = partitionOf(config.region);
    const ctx: StackContext = {
      naming: new Naming(config.project, config.name),
      account: config.account,
      region: config.region,
      partition,
      dnsSuffix,
      production: config.production,
    };
    this.context = ctx;

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.account],
      defaultTags: [
        {
          tags: {
            ...config.tags,
            project: config.project,
            environment: config.name,
            "managed-by": MANAGED_BY,
          },
        },
      ],
    });
    this.configureBackend(config);

    const logsKey = new KmsKey(this, "logs-key", {
      context: ctx,
      purpose: "logs",
      description: `Logs, images and ECS Exec sessions of ${ctx.naming.prefix}`,
      grants: [logsKeyGrant(ctx, [ctx.naming.logGroupPattern])],
    });
    this.logsKey = logsKey;

    this.network = new Network(this, "network", {
      context: ctx,
      cidr: config.network.cidr,
      availabilityZones: config.network.availabilityZones,
      subnets: config.network.subnets,
      natGateways: config.network.natGateways,
      egressPorts: config.network.egressPorts,
      flowLogs: config.network.flowLogs,
      endpoints: config.network.endpoints,
      logsKmsKeyArn: logsKey.arn,
    });

    const svc = config.service;
    const containers = serviceContainers(config);
    const front = containers[0];
    const lbConfig = config.loadBalancer;
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      context: ctx,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.cidr,
      subnetIds: this.network.publicSubnetIds,
      domain: lbConfig.domain,
      sslPolicy: lbConfig.sslPolicy,
      idleTimeoutSeconds: lbConfig.idleTimeoutSeconds,
      deletionProtection: lbConfig.deletionProtection,
      desyncMitigationMode: lbConfig.desyncMitigationMode,
      logRetentionDays: lbConfig.logRetentionDays,
      target: {
        name: svc.name,
        port: front.port ?? 0,
        healthPath: frontHealthPath(config),
        deregistrationDelaySeconds: lbConfig.deregistrationDelaySeconds,
        healthCheck: lbConfig.healthCheck,
      },
    });

    this.service = this.addService(config, config.service, logsKey.arn);
    this.monitoring = new Monitoring(this, "monitoring", {
      context: ctx,
      existingTopicArn: config.monitoring.alarmTopicArn,
      subscriptions: config.monitoring.subscriptions,
      thresholds: config.monitoring.thresholds,
      service: {
        name: svc.name,
        loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
        clusterName: this.service.clusterName,
        clusterArn: this.service.clusterArn,
        serviceName: this.service.serviceName,
        minTasks: minimumTasks(svc),
        logGroups: this.service.logGroupNames,
        latencyScaleOutPolicyArn: this.service.autoscaling?.latencyScaleOutPolicyArn,
      },
      natGatewayIds: this.network.natGatewayIds,
    });
    this.service.useRollbackAlarms(this.monitoring.rollbackAlarmNames);

    this.addOutputs();
  }

  /**
   * Adds a service behind the load balancer, named after `svc.name`; every physical name it creates is
   * scoped by that name, so an environment can hold several.
   */
  addService(config: EnvironmentConfig, svc: EnvironmentConfig["service"], kmsKeyArn: string): WebService {
    const containers = serviceContainers({ ...config, service: svc });
    const front = containers[0];
    const service = new WebService(this, `service-${svc.name}`, {
      context: this.context,
      name: svc.name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      egressPorts: config.network.egressPorts,
      containers,
      imageTag: svc.images.tag,
      keepImages: svc.keepImages,
      cpu: svc.cpu,
      memory: svc.memory,
      cpuArchitecture: svc.cpuArchitecture,
      desiredCount: svc.desiredCount,
      minimumHealthyPercent: svc.minimumHealthyPercent,
      maximumPercent: svc.maximumPercent,
      healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
      stopTimeoutSeconds: svc.stopTimeoutSeconds,
      capacity: svc.capacity,
      autoscaling: svc.autoscaling,
      secretsKmsKeyArns: svc.secretsKmsKeyArns,
      taskStatements: svc.taskRoleStatements,
      execEnabled: svc.execEnabled,
      logRetentionDays: svc.logRetentionDays,
      kmsKeyArn,
      loadBalancer: {
        securityGroupId: this.loadBalancer.securityGroupId,
        targetGroupArn: this.loadBalancer.targetGroup.arn,
        resourceLabel: `${this.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
        listener: this.loadBalancer.productionListener,
      },
    });
    this.loadBalancer.allowEgressTo(
      `to-${svc.name}`,
      service.securityGroupId,
      front.port ?? 0,
      `${svc.name} tasks' web port`,
    );
    return service;
  }

  private addOutputs(): void {
    const output = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description });
    output("url", this.loadBalancer.url, "URL of the service");
    output("alb_dns_name", this.loadBalancer.dnsName, "DNS name of the load balancer");
    output("cluster_name", this.service.clusterName, "ECS cluster");
    output("service_name", this.service.serviceName, "ECS service");
    output("log_group_names", this.service.logGroupNames, "Container log groups, by container");
    output(
      "repository_urls",
      this.service.repositoryUrls,
      "ECR repositories the stack created, by container",
    );
    output(
      "alarm_topic_arn",
      this.monitoring.topicArn,
      "SNS topic every alarm and deployment event notifies",
    );
    output("rollback_alarm_names", this.monitoring.rollbackAlarmNames, "Alarms that roll a deployment back");
    output("dashboard_name", this.monitoring.dashboardName, "CloudWatch dashboard");
    output("vpc_id", this.network.vpcId, "VPC id");
    output(
      "public_subnet_ids",
      this.network.publicSubnetIds,
      "Public subnet ids, in the order of network.availabilityZones",
    );
    output(
      "private_subnet_ids",
      this.network.privateSubnetIds,
      "Private subnet ids, in the order of network.availabilityZones",
    );
  }

  private configureBackend(config: EnvironmentConfig): void {
    const s3 = config.state.s3;
    if (config.state.backend !== "s3" || !s3) {
      new LocalBackend(this, { path: `terraform.${config.name}.tfstate` });
      return;
    }
    const backend = new S3Backend(this, {
      bucket: s3.bucket,
      key: s3.key ?? `fargate-web-stack/${config.name}.tfstate`,
      region: s3.region ?? config.region,
      encrypt: s3.encrypt,
      kmsKeyId: s3.kmsKeyId,
      dynamodbTable: s3.dynamodbTable,
      assumeRole: s3.roleArn ? { roleArn: s3.roleArn } : undefined,
    });
    // cdktf 0.21's S3Backend predates Terraform 1.10's S3-native locking.
    if (s3.useLockfile) backend.addOverride("use_lockfile", true);
  }
}

/** The fewest tasks a service should ever run: what the "too few" alarms compare with (0: none, a night stop). */
export function minimumTasks(svc: EnvironmentConfig["service"]): number {
  if (!svc.autoscaling.enabled) return svc.desiredCount;
  return svc.autoscaling.schedule ? 0 : svc.autoscaling.minCount;
}
