import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/load";
import { CLOUDFRONT_MODES } from "../config/schema/edge";
import { partitionOf, type StackContext } from "../constructs/context";
import { KmsKey } from "../constructs/kms-key";
import { Naming } from "../constructs/naming";
import { Audit } from "../modules/audit/audit";
import { Edge, loadBalancerFrontage } from "../modules/edge/edge";
import { LoadBalancer } from "../modules/load-balancer/load-balancer";
import { Monitoring } from "../modules/monitoring/monitoring";
import { Network } from "../modules/network/network";
import { DeliveryPipeline } from "../modules/pipeline/pipeline";
import { WebService } from "../modules/service/service";
import { frontHealthPath, secretKeyArns, serviceContainers } from "./containers";
import { configureBackend, environmentProviders } from "./providers";

export interface EnvironmentStackOptions {
  /** The bootstrap's permissions boundary, which every role of the stack carries. @default none */
  readonly permissionsBoundaryArn?: string;
}

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
  readonly edge: Edge;
  readonly audit: Audit;
  readonly pipeline?: DeliveryPipeline;

  constructor(scope: Construct, config: EnvironmentConfig, options: EnvironmentStackOptions = {}) {
    super(scope, config.name);
    const { partition, dnsSuffix } = partitionOf(config.region);
    const ctx: StackContext = {
      naming: new Naming(config.project, config.name),
      account: config.account,
      region: config.region,
      partition,
      dnsSuffix,
      production: config.production,
      permissionsBoundaryArn: options.permissionsBoundaryArn,
    };
    this.context = ctx;

    const cloudfront = CLOUDFRONT_MODES.includes(config.edge.mode);
    const providers = environmentProviders(this, config, cloudfront);
    configureBackend(this, config);

    const logsKey = new KmsKey(this, "logs-key", {
      context: ctx,
      purpose: "logs",
      description: `Logs, images and ECS Exec sessions of ${ctx.naming.prefix}`,
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
      loadBalancerTier: config.edge.mode === "cloudfront-vpc-origin" ? "private" : "public",
    });
    // Each module that creates log groups on the logs key tells it so; the key's policy names those groups.
    logsKey.servesLogGroupsOf(this.network);

    const svc = config.service;
    const containers = serviceContainers(config);
    const front = containers[0];
    const lbConfig = config.loadBalancer;
    const frontage = loadBalancerFrontage(this, config.edge, config.region, lbConfig.domain?.name);
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      context: ctx,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.cidr,
      subnetIds:
        frontage.exposure.kind === "vpc" ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      exposure: frontage.exposure,
      aliasName: frontage.aliasName,
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
      blueGreen: config.deployment.mode === "blueGreen" ? config.deployment.blueGreen : undefined,
    });

    this.service = this.addService(config, config.service, logsKey.arn);
    this.edge = new Edge(this, "edge", {
      context: ctx,
      settings: config.edge,
      usEast1: providers.usEast1 && { provider: providers.usEast1, context: { ...ctx, region: "us-east-1" } },
      logsKmsKeyArn: logsKey.arn,
      loadBalancer: {
        arn: this.loadBalancer.arn,
        domain: lbConfig.domain,
        aliasName: frontage.aliasName,
        validationRecordFqdns: this.loadBalancer.validationRecordFqdns,
      },
      originSecret: frontage.originSecret,
    });
    logsKey.servesLogGroupsOf(this.edge);
    this.monitoring = new Monitoring(this, "monitoring", {
      context: ctx,
      existingTopicArn: config.monitoring.alarmTopicArn,
      existingTopicKeyArn:
        config.monitoring.alarmTopicKeyArn === "none" ? undefined : config.monitoring.alarmTopicKeyArn,
      subscriptions: config.monitoring.subscriptions,
      thresholds: config.monitoring.thresholds,
      service: {
        name: svc.name,
        loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
        greenTargetGroupArnSuffix: this.loadBalancer.targetGroups[1]?.arnSuffix,
        clusterName: this.service.clusterName,
        clusterArn: this.service.clusterArn,
        serviceName: this.service.serviceName,
        minTasks: minimumTasks(svc),
        logGroups: this.service.logGroupNames,
        latencyScaleOutPolicyArn: this.service.autoscaling?.latencyScaleOutPolicyArn,
      },
      natGatewayIds: this.network.natGatewayIds,
      waf: this.edge.webAcl && {
        // The attribute: the alarm and the dashboard then follow the web ACL.
        webAclName: this.edge.webAcl.webAcl.name,
        region: this.edge.webAcl.region,
        scope: this.edge.webAcl.scope,
      },
      usEast1: providers.usEast1 && { provider: providers.usEast1, context: { ...ctx, region: "us-east-1" } },
    });
    this.service.useRollbackAlarms(this.monitoring.rollbackAlarmNames);
    if (config.pipeline.enabled) {
      this.pipeline = this.addPipeline(config);
      logsKey.servesLogGroupsOf(this.pipeline);
    }
    this.audit = new Audit(this, "audit", {
      context: ctx,
      settings: config.audit,
      alarmTopicArn: config.audit.alarmTopicArn ?? this.monitoring.topicArn,
      dataEventBucketArns: [this.loadBalancer.logBucketArn],
    });

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
      secretsKmsKeyArns: secretKeyArns({ ...config, service: svc }),
      taskStatements: svc.taskRoleStatements,
      execEnabled: svc.execEnabled,
      deployment: {
        controller: config.deployment.mode === "blueGreen" ? "CODE_DEPLOY" : "ECS",
        pipelineOwnsTaskDefinition: config.pipeline.enabled,
      },
      logRetentionDays: svc.logRetentionDays,
      kmsKeyArn,
      loadBalancer: {
        securityGroupId: this.loadBalancer.securityGroupId,
        targetGroupArn: this.loadBalancer.targetGroup.arn,
        resourceLabel: `${this.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
        arnSuffix: this.loadBalancer.arnSuffix,
        listener: this.loadBalancer.productionListener,
      },
    });
    this.loadBalancer.allowEgressTo(
      `to-${svc.name}`,
      service.securityGroupId,
      front.port ?? 0,
      `${svc.name} tasks' web port`,
    );
    this.logsKey.servesLogGroupsOf(service);
    return service;
  }

  /** The delivery pipeline of the environment's service (pipeline.enabled). */
  private addPipeline(config: EnvironmentConfig): DeliveryPipeline {
    const svc = this.service;
    const lb = this.loadBalancer;
    const repository = config.pipeline.repository;
    if (!repository) throw new Error("pipeline.repository is required when the pipeline is enabled");
    return new DeliveryPipeline(this, "pipeline", {
      context: this.context,
      name: config.service.name,
      settings: { ...config.pipeline, repository },
      mode: config.deployment.mode,
      blueGreen: config.deployment.blueGreen,
      service: {
        clusterName: svc.clusterName,
        serviceName: svc.serviceName,
        templateTaskDefinitionArn: svc.taskDefinition.arn,
        taskRoleArns: svc.taskRoleArns,
        front: svc.front,
        repositories: svc.repositories,
        containers: config.service.containers,
        cpuArchitecture: config.service.cpuArchitecture,
        keepImages: config.service.keepImages,
      },
      loadBalancer: {
        productionListenerArn: lb.productionListener.arn,
        testListenerArn: lb.testListener?.arn,
        targetGroups: lb.targetGroups.map((tg) => ({ name: tg.name, arn: tg.arn })),
      },
      rollbackAlarms: this.monitoring.rollbackAlarms,
      topicArn: this.monitoring.topicArn,
      topicKeyArn: this.monitoring.topicKeyArn,
      logsKmsKeyArn: this.logsKey.arn,
    });
  }

  private addOutputs(): void {
    const output = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description });
    const distribution = this.edge.distribution;
    output(
      "url",
      distribution ? `https://${distribution.aliasName}` : this.loadBalancer.url,
      "URL of the service",
    );
    if (distribution) {
      output("cloudfront_domain_name", distribution.domainName, "The distribution's own DNS name");
      output("origin_url", this.loadBalancer.url, "Where CloudFront reaches the load balancer");
    }
    if (this.edge.webAcl) output("web_acl_arn", this.edge.webAcl.arn, "WAF web ACL in front of the service");
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
    if (this.audit.trailArn)
      output("trail_arn", this.audit.trailArn, "CloudTrail trail recording the account");
    if (this.audit.configBucketName)
      output("config_bucket_name", this.audit.configBucketName, "Bucket AWS Config delivers to");
    if (this.pipeline) {
      output("pipeline_name", this.pipeline.pipelineName, "CodePipeline that builds and deploys the service");
      output("connection_arn", this.pipeline.connectionArn, "CodeConnections connection to the repository");
      if (this.pipeline.connectionStatus) {
        output(
          "connection_status",
          this.pipeline.connectionStatus,
          "PENDING until approved once in the console",
        );
      }
    }
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
}

/** The fewest tasks a service should ever run: what the "too few" alarms compare with (0: none, a night stop). */
export function minimumTasks(svc: EnvironmentConfig["service"]): number {
  if (!svc.autoscaling.enabled) return svc.desiredCount;
  return svc.autoscaling.schedule ? 0 : svc.autoscaling.minCount;
}
