import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig, ServiceConfig } from "../config/load";
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
import { ServiceRouting } from "../modules/service/routing";
import { WebService } from "../modules/service/service";
import { frontHealthPath, secretKeyArns, serviceContainers } from "./containers";
import { addEnvironmentOutputs } from "./outputs";
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
  /** Each service's target group(s) and listener rules, by service name. */
  readonly routing: Record<string, ServiceRouting> = {};
  /** The services, by name. */
  readonly services: Record<string, WebService> = {};
  readonly monitoring: Monitoring;
  readonly edge: Edge;
  readonly audit: Audit;
  /** The first service in the file: it keeps the state addresses of the one-service layout. */
  readonly firstService: string;
  /** The pipelines of the services that have one, by service name. */
  readonly pipelines: Record<string, DeliveryPipeline> = {};

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

    const lbConfig = config.loadBalancer;
    const frontage = loadBalancerFrontage(this, config.edge, config.region, lbConfig.domain?.name);
    const blueGreen = config.services.find((s) => s.deployment.mode === "blueGreen");
    const hosts = [...new Set(config.services.flatMap((s) => s.routing.hosts))];
    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      context: ctx,
      vpcId: this.network.vpcId,
      vpcCidr: this.network.cidr,
      subnetIds:
        frontage.exposure.kind === "vpc" ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      exposure: frontage.exposure,
      aliasName: frontage.aliasName,
      hosts,
      domain: lbConfig.domain,
      sslPolicy: lbConfig.sslPolicy,
      idleTimeoutSeconds: lbConfig.idleTimeoutSeconds,
      deletionProtection: lbConfig.deletionProtection,
      desyncMitigationMode: lbConfig.desyncMitigationMode,
      logRetentionDays: lbConfig.logRetentionDays,
      // Checked in config: every blue/green service names the same port and clients.
      testListener: blueGreen && {
        port: blueGreen.deployment.blueGreen.testListenerPort,
        cidrs: blueGreen.deployment.blueGreen.testListenerCidrs,
      },
    });

    this.firstService = config.services[0].name;
    for (const [i, svc] of config.services.entries()) {
      const routing = this.addRouting(config, svc, i === 0);
      this.routing[svc.name] = routing;
      this.services[svc.name] = this.addService(config, svc, routing, logsKey.arn);
    }
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
      hosts,
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
      services: config.services.map((svc) => {
        const service = this.services[svc.name];
        const groups = this.routing[svc.name].targetGroups;
        return {
          name: svc.name,
          loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
          targetGroupArnSuffix: groups[0].arnSuffix,
          greenTargetGroupArnSuffix: groups[1]?.arnSuffix,
          clusterName: service.clusterName,
          clusterArn: service.clusterArn,
          serviceName: service.serviceName,
          minTasks: minimumTasks(svc),
          logGroups: service.logGroupNames,
          latencyScaleOutPolicyArn: service.autoscaling?.latencyScaleOutPolicyArn,
        };
      }),
      natGatewayIds: this.network.natGatewayIds,
      waf: this.edge.webAcl && {
        // The attribute: the alarm and the dashboard then follow the web ACL.
        webAclName: this.edge.webAcl.webAcl.name,
        region: this.edge.webAcl.region,
        scope: this.edge.webAcl.scope,
      },
      usEast1: providers.usEast1 && { provider: providers.usEast1, context: { ...ctx, region: "us-east-1" } },
    });
    for (const svc of config.services)
      this.services[svc.name].useRollbackAlarms(this.monitoring.rollbackAlarmNames[svc.name]);
    // A pipeline that borrows another's connection comes after it (config checks the lender creates one).
    const piped = config.services.filter((s) => s.pipeline.enabled);
    const byLending = [
      ...piped.filter((s) => !s.pipeline.connectionFrom),
      ...piped.filter((s) => s.pipeline.connectionFrom),
    ];
    for (const svc of byLending) {
      this.pipelines[svc.name] = this.addPipeline(svc);
      logsKey.servesLogGroupsOf(this.pipelines[svc.name]);
    }
    this.audit = new Audit(this, "audit", {
      context: ctx,
      settings: config.audit,
      alarmTopicArn: config.audit.alarmTopicArn ?? this.monitoring.topicArn,
      dataEventBucketArns: [this.loadBalancer.logBucketArn],
    });

    addEnvironmentOutputs(this);
  }

  /**
   * A service's share of the load balancer: its target group(s) and listener rules. The first service takes
   * over the target groups of the one-service layout (`moved`), so an upgraded environment keeps them.
   */
  private addRouting(config: EnvironmentConfig, svc: ServiceConfig, first: boolean): ServiceRouting {
    const front = serviceContainers(config, svc)[0];
    const lb = this.loadBalancer;
    const blueGreen = svc.deployment.mode === "blueGreen";
    return new ServiceRouting(this, `routing-${svc.name}`, {
      context: this.context,
      vpcId: this.network.vpcId,
      target: {
        name: svc.name,
        port: front.port ?? 0,
        healthPath: frontHealthPath(svc),
        deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
        healthCheck: config.loadBalancer.healthCheck,
      },
      internal: lb.internal,
      loadBalancerArnSuffix: lb.arnSuffix,
      listeners: { production: lb.productionListener, test: blueGreen ? lb.testListener : undefined },
      hosts: svc.routing.hosts,
      paths: svc.routing.paths,
      priority: svc.routing.priority,
      requiredHeader: lb.requiredHeader,
      blueGreen,
      liveColor: blueGreen ? svc.deployment.blueGreen.liveTargetGroup : undefined,
      adoptOneServiceTargetGroups: first,
    });
  }

  /** A service behind the load balancer; every physical name it creates is scoped by its name. */
  private addService(
    config: EnvironmentConfig,
    svc: ServiceConfig,
    routing: ServiceRouting,
    kmsKeyArn: string,
  ): WebService {
    const containers = serviceContainers(config, svc);
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
      secretsKmsKeyArns: secretKeyArns(svc),
      taskStatements: svc.taskRoleStatements,
      execEnabled: svc.execEnabled,
      deployment: {
        controller: svc.deployment.mode === "blueGreen" ? "CODE_DEPLOY" : "ECS",
        pipelineOwnsTaskDefinition: svc.pipeline.enabled,
      },
      logRetentionDays: svc.logRetentionDays,
      kmsKeyArn,
      loadBalancer: {
        securityGroupId: this.loadBalancer.securityGroupId,
        targetGroupArn: routing.targetGroup.arn,
        resourceLabel: routing.resourceLabels[0],
        arnSuffix: this.loadBalancer.arnSuffix,
        targetGroupArnSuffixes: routing.targetGroups.map((g) => g.arnSuffix),
        listener: routing.productionRule,
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

  /** The connection `pipeline.connectionFrom`'s pipeline created, when the service borrows one. */
  private lentConnection(config: ServiceConfig): string | undefined {
    const from = config.pipeline.connectionFrom;
    if (!from) return undefined;
    const lender = this.pipelines[from];
    if (!lender?.connectionStatus) {
      throw new Error(
        `services.${config.name}.pipeline.connectionFrom: ${from}'s pipeline creates no connection`,
      );
    }
    return lender.connectionArn;
  }

  /** A service's delivery pipeline (its pipeline.enabled). */
  private addPipeline(config: ServiceConfig): DeliveryPipeline {
    const svc = this.services[config.name];
    const routing = this.routing[config.name];
    const lb = this.loadBalancer;
    const repository = config.pipeline.repository;
    if (!repository)
      throw new Error(`services.${config.name}.pipeline.repository is required when the pipeline is enabled`);
    const blueGreen = config.deployment.mode === "blueGreen";
    // The first service keeps the one-service layout's address (state), the others are scoped by name.
    const id = config.name === this.firstService ? "pipeline" : `pipeline-${config.name}`;
    return new DeliveryPipeline(this, id, {
      context: this.context,
      name: config.name,
      settings: {
        ...config.pipeline,
        repository,
        sharedConnectionArn: this.lentConnection(config),
      },
      mode: config.deployment.mode,
      blueGreen: config.deployment.blueGreen,
      service: {
        clusterName: svc.clusterName,
        serviceName: svc.serviceName,
        templateTaskDefinitionArn: svc.taskDefinition.arn,
        taskRoleArns: svc.taskRoleArns,
        front: svc.front,
        repositories: svc.repositories,
        containers: config.containers,
        cpuArchitecture: config.cpuArchitecture,
        keepImages: config.keepImages,
      },
      loadBalancer: {
        productionListenerArn: lb.productionListener.arn,
        testListenerArn: blueGreen ? lb.testListener?.arn : undefined,
        ruleArns: [routing.productionRule, ...(routing.testRule ? [routing.testRule] : [])].map((r) => r.arn),
        targetGroups: routing.targetGroups.map((tg) => ({ name: tg.name, arn: tg.arn })),
      },
      rollbackAlarms: this.monitoring.rollbackAlarms[config.name],
      topicArn: this.monitoring.topicArn,
      topicKeyArn: this.monitoring.topicKeyArn,
      logsKmsKeyArn: this.logsKey.arn,
    });
  }
}

/** The fewest tasks a service should ever run: what the "too few" alarms compare with (0: none, a night stop). */
export function minimumTasks(svc: ServiceConfig): number {
  if (!svc.autoscaling.enabled) return svc.desiredCount;
  return svc.autoscaling.schedule ? 0 : svc.autoscaling.minCount;
}
