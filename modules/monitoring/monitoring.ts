import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import type { Naming } from "../../constructs/naming";
import {
  type AlarmSpec,
  isLoadBalancerWide,
  MAX_ROLLBACK_ALARMS,
  metricsOf,
  type ServiceAlarmInput,
  serviceAlarmSpecs,
  usesTargetGroup,
} from "./alarm-catalog";
import { AlarmTopic } from "./alarm-topic";
import { dashboardBody } from "./dashboard";
import { DeploymentEvents } from "./deployment-events";
import { latencyScaleOutSpec, natPortAllocationSpec, wafBlockedSpikeSpec } from "./environment-alarms";
import { LOG_QUERIES } from "./log-queries";
import { metricAlarm } from "./metric-alarm";

export interface MonitoredService {
  /** The service's name in config. */
  readonly name: string;
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  /**
   * The green target group of a blue/green pair. Every alarm, scaling alarm and dashboard graph of a target
   * group then watches both (a copy per group, or a sum), so they follow the traffic through a swap.
   * @default none (one target group)
   */
  readonly greenTargetGroupArnSuffix?: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly serviceName: string;
  /** Tasks it should never run fewer of; 0 when a schedule stops it at night. */
  readonly minTasks: number;
  /** Container log groups by container name (web, app). */
  readonly logGroups: Readonly<Record<string, string>>;
  /** Step-scaling policy the p90 latency alarm triggers. @default no latency scaling */
  readonly latencyScaleOutPolicyArn?: string;
}

export interface MonitoringProps {
  readonly context: StackContext;
  /** An existing topic to notify; otherwise the module creates an encrypted one with these subscriptions. */
  readonly existingTopicArn?: string;
  /** The existing topic's customer-managed key, which publishers must be able to use. @default none */
  readonly existingTopicKeyArn?: string;
  readonly subscriptions: readonly { readonly protocol: string; readonly endpoint: string }[];
  readonly thresholds: ServiceAlarmInput["thresholds"] & {
    readonly p90ScaleOutSeconds: number;
    readonly wafBlockedRequests: number;
  };
  /** The environment's services, each with its own alarms, dashboard rows and saved queries. */
  readonly services: readonly MonitoredService[];
  /** NAT gateway ids: an alarm each on port-allocation errors. */
  readonly natGatewayIds: string[];
  /** The edge's web ACL, when there is one: a blocked-request spike alarm and a dashboard widget. */
  readonly waf?: {
    readonly webAclName: string;
    readonly region: string;
    readonly scope: "REGIONAL" | "CLOUDFRONT";
  };
  /**
   * The us-east-1 provider and context: a CLOUDFRONT-scope web ACL's metrics exist only in us-east-1, so its
   * alarm lives there, and notifies a topic there (an alarm's SNS action must be in the alarm's region).
   * @default none; required when `waf.scope` is CLOUDFRONT
   */
  readonly usEast1?: { readonly provider: TerraformProvider; readonly context: StackContext };
}

/**
 * Alarms (AWS's recommended set for ALB and ECS, plus NAT and WAF where they exist), the topic they
 * notify, deployment events, a dashboard and saved Logs Insights queries. The load balancer's own alarms
 * exist once; every service gets its own set. The rollback alarms are, per service, a named subset (its
 * own and the load balancer's) that its deployments consume.
 */
export class Monitoring extends Construct {
  readonly topicArn: string;
  /** The topic's key, which every publisher must be able to use. @default none with an unencrypted existing topic */
  readonly topicKeyArn?: string;
  /** Alarms that roll a deployment of each service back (≤ 10 each, the ECS and CodeDeploy limit), by service. */
  readonly rollbackAlarms: Readonly<Record<string, CloudwatchMetricAlarm[]>>;
  /** Their names, as the alarms' `alarm_name` attributes, by service. */
  readonly rollbackAlarmNames: Readonly<Record<string, string[]>>;
  /** Every alarm that pages, as `alarm_name` attributes. */
  readonly alarmNames: string[] = [];
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const ctx = props.context;
    const topic = props.existingTopicArn
      ? undefined
      : new AlarmTopic(this, "topic", { context: ctx, subscriptions: props.subscriptions });
    this.topicArn = props.existingTopicArn ?? (topic as AlarmTopic).arn;
    this.topicKeyArn = topic?.keyArn ?? props.existingTopicKeyArn;
    const alarms: CloudwatchMetricAlarm[] = [];
    const alarm = (spec: AlarmSpec, name: string, actions: string[], provider?: TerraformProvider) => {
      const created = metricAlarm(this, spec, name, actions, actions, provider);
      // The status widget shows the dashboard's region: a us-east-1 alarm is on the WAF graph instead.
      if (!provider) alarms.push(created);
      this.alarmNames.push(created.alarmName);
      return created;
    };
    const [first] = props.services;
    if (!first) throw new Error("monitoring: expected at least one service");
    // The load balancer's own alarms (its 5XX, rejected connections) once, named after the environment.
    const shared = this.serviceSpecs(first, props)
      .filter(isLoadBalancerWide)
      .map((spec) => ({ spec, created: alarm(spec, ctx.naming.name("generic", spec.id), [this.topicArn]) }));
    // A load-balancer-wide alarm cannot tell whose requests failed: with several services it pages, but
    // rolls back no one's deployment (another service's 5XX would undo this one's release).
    const sharedRollback =
      props.services.length === 1
        ? shared.filter(({ spec }) => spec.rollback).map(({ created }) => created)
        : [];
    const rollbackAlarms: Record<string, CloudwatchMetricAlarm[]> = {};
    const rollbackAlarmNames: Record<string, string[]> = {};
    for (const [i, svc] of props.services.entries()) {
      const naming = ctx.naming.child(svc.name);
      // The first service keeps the one-service layout's construct ids (its state addresses).
      const scoped = (id: string) => (i === 0 ? id : `${id}-${svc.name}`);
      const own = this.serviceSpecs(svc, props)
        .filter((spec) => !isLoadBalancerWide(spec))
        .map((spec) => ({ spec, created: alarm(spec, naming.name("generic", spec.id), [this.topicArn]) }))
        .filter(({ spec }) => spec.rollback)
        .map(({ created }) => created);
      const rollback = [...own, ...sharedRollback];
      if (rollback.length > MAX_ROLLBACK_ALARMS) {
        throw new Error(
          `service ${svc.name}: at most ${MAX_ROLLBACK_ALARMS} rollback alarms, got ${rollback.length}`,
        );
      }
      rollbackAlarms[svc.name] = rollback;
      rollbackAlarmNames[svc.name] = rollback.map((a) => a.alarmName);
      this.latencyScaling(svc, props, naming);
      new DeploymentEvents(this, scoped("deployment-events"), {
        context: ctx,
        name: svc.name,
        clusterArn: svc.clusterArn,
        topicArn: this.topicArn,
      });
      for (const q of LOG_QUERIES) {
        const groups = q.containers.map((c) => svc.logGroups[c]).filter((g): g is string => Boolean(g));
        if (groups.length === 0) continue;
        new CloudwatchQueryDefinition(this, scoped(`query-${q.id}`), {
          name: `${ctx.naming.prefix}/${svc.name}/${q.id}`,
          logGroupNames: groups,
          queryString: q.query,
        });
      }
    }
    this.rollbackAlarms = rollbackAlarms;
    this.rollbackAlarmNames = rollbackAlarmNames;

    for (const [i, natId] of props.natGatewayIds.entries()) {
      const spec = natPortAllocationSpec(natId, i);
      alarm(spec, ctx.naming.name("generic", spec.id), [this.topicArn]);
    }
    if (props.waf) {
      const spec = wafBlockedSpikeSpec(props.waf, props.thresholds.wafBlockedRequests);
      const where = this.wafAlarmRegion(props);
      alarm(spec, ctx.naming.name("generic", spec.id), [where.topicArn], where.provider);
    }

    const dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: ctx.naming.name("generic"),
      dashboardBody: dashboardBody({
        region: ctx.region,
        loadBalancer: first.loadBalancerArnSuffix,
        services: props.services.map((svc) => ({
          name: svc.name,
          targetGroups: targetGroupsOf(svc),
          cluster: svc.clusterName,
          service: svc.serviceName,
          webLogGroup: svc.logGroups.web ?? Object.values(svc.logGroups)[0],
        })),
        alarmArns: alarms.map((a) => a.arn),
        waf: props.waf && {
          webAcl: props.waf.webAclName,
          region: props.waf.scope === "CLOUDFRONT" ? "us-east-1" : props.waf.region,
          scopeRegion: props.waf.scope === "REGIONAL" ? props.waf.region : undefined,
        },
      }),
    });

    this.dashboardName = dashboard.dashboardName;
  }

  /** A service's alarm specs, with a copy per further target group of a blue/green pair. */
  private serviceSpecs(svc: MonitoredService, props: MonitoringProps): AlarmSpec[] {
    const targetGroups = targetGroupsOf(svc);
    return followTraffic(
      (targetGroup) =>
        serviceAlarmSpecs({
          loadBalancer: svc.loadBalancerArnSuffix,
          targetGroup,
          allTargetGroups: targetGroups,
          cluster: svc.clusterName,
          service: svc.serviceName,
          minTasks: svc.minTasks,
          thresholds: props.thresholds,
        }),
      targetGroups,
    );
  }

  /** The p90 latency alarms that drive a service's step scaling: they page no one, and OK changes nothing. */
  private latencyScaling(svc: MonitoredService, props: MonitoringProps, naming: Naming): void {
    const scalePolicy = svc.latencyScaleOutPolicyArn;
    if (!scalePolicy) return;
    const scaling = followTraffic(
      (tg) => [
        latencyScaleOutSpec(
          svc.loadBalancerArnSuffix,
          tg,
          props.thresholds.p90ScaleOutSeconds,
          props.thresholds.latencyMinSamples,
        ),
      ],
      targetGroupsOf(svc),
    );
    // Each copy drives the same policy.
    for (const spec of scaling) metricAlarm(this, spec, naming.name("generic", spec.id), [scalePolicy], []);
  }

  /**
   * Where the web ACL's alarm lives and whom it notifies. A CLOUDFRONT-scope ACL's metrics exist in us-east-1
   * only, and an alarm's SNS action must be a topic in the alarm's own region: the alarm goes to us-east-1
   * and notifies the configured topic if that is in us-east-1, else a us-east-1 copy of the alarm topic
   * with the same subscriptions.
   */
  private wafAlarmRegion(props: MonitoringProps): { topicArn: string; provider?: TerraformProvider } {
    if (props.waf?.scope !== "CLOUDFRONT" || props.context.region === "us-east-1") {
      return { topicArn: this.topicArn };
    }
    const usEast1 = props.usEast1;
    if (!usEast1) throw new Error("monitoring: a CLOUDFRONT-scope web ACL needs the us-east-1 provider");
    const existing = props.existingTopicArn;
    if (existing?.split(":")[3] === "us-east-1") return { topicArn: existing, provider: usEast1.provider };
    if (existing && props.subscriptions.length === 0) {
      throw new Error(
        `monitoring.subscriptions: expected at least one subscription for the us-east-1 topic the CloudFront web ACL's alarm notifies (an alarm can notify only a topic in its own region, and monitoring.alarmTopicArn is in ${existing.split(":")[3]}), got none`,
      );
    }
    const topic = new AlarmTopic(this, "topic-us-east-1", {
      context: usEast1.context,
      subscriptions: props.subscriptions,
      provider: usEast1.provider,
    });
    return { topicArn: topic.arn, provider: usEast1.provider };
  }
}

/** A service's target groups: its own, or its blue/green pair. */
function targetGroupsOf(svc: MonitoredService): string[] {
  return [svc.targetGroupArnSuffix, svc.greenTargetGroupArnSuffix].filter(
    (g): g is string => g !== undefined,
  );
}

/**
 * The specs of every target group traffic may be in: specs built for the first group, plus, for every spec
 * that watches one group only, a copy per other group (`green-<id>`). Specs that already cover every group
 * (a sum over them) and specs of no group exist once.
 */
function followTraffic(build: (targetGroup: string) => AlarmSpec[], targetGroups: string[]): AlarmSpec[] {
  const [first, ...others] = targetGroups;
  const covers = (s: AlarmSpec) =>
    targetGroups.every((g) => metricsOf(s).some((m) => m.dimensions.TargetGroup === g));
  const specs = build(first);
  const copies = others.flatMap((tg, i) =>
    build(tg)
      .filter((s) => usesTargetGroup(s) && !covers(s))
      .map((s) => ({
        ...s,
        id: `${i === 0 ? "green" : `group${i + 1}`}-${s.id}`,
        description: `${s.description} (${i === 0 ? "green" : `group ${i + 1}`} target group)`,
      })),
  );
  return [...specs, ...copies];
}
