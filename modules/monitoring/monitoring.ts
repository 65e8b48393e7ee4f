import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import {
  type AlarmSpec,
  MAX_ROLLBACK_ALARMS,
  type MetricSpec,
  type ServiceAlarmInput,
  serviceAlarmSpecs,
  usesTargetGroup,
} from "./alarm-catalog";
import { AlarmTopic } from "./alarm-topic";
import { dashboardBody } from "./dashboard";
import { DeploymentEvents } from "./deployment-events";
import { latencyScaleOutSpec, natPortAllocationSpec, wafBlockedSpikeSpec } from "./environment-alarms";
import { LOG_QUERIES } from "./log-queries";

export interface MonitoredService {
  /** The service's name in config. */
  readonly name: string;
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  /** The green target group of a blue/green pair: its rollback alarms are added, so they cover whichever is live. */
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
  readonly subscriptions: readonly { readonly protocol: string; readonly endpoint: string }[];
  readonly thresholds: ServiceAlarmInput["thresholds"] & {
    readonly p90ScaleOutSeconds: number;
    readonly wafBlockedRequests: number;
  };
  readonly service: MonitoredService;
  /** NAT gateway ids: an alarm each on port-allocation errors. */
  readonly natGatewayIds: string[];
  /** The edge's web ACL, when there is one: a blocked-request spike alarm and a dashboard widget. */
  readonly waf?: {
    readonly webAclName: string;
    readonly region: string;
    readonly scope: "REGIONAL" | "CLOUDFRONT";
  };
}

/**
 * Alarms (AWS's recommended set for ALB and ECS, plus NAT and WAF where they exist), the topic they
 * notify, deployment events, a dashboard and saved Logs Insights queries. The rollback alarms are a
 * named subset that deployments consume.
 */
export class Monitoring extends Construct {
  readonly topicArn: string;
  /** Alarms that roll a deployment back (≤ 10, the ECS and CodeDeploy limit). */
  readonly rollbackAlarmNames: string[];
  readonly alarmNames: string[] = [];
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const ctx = props.context;
    const svc = props.service;
    this.topicArn =
      props.existingTopicArn ??
      new AlarmTopic(this, "topic", { context: ctx, subscriptions: props.subscriptions }).arn;
    const naming = ctx.naming.child(svc.name);

    const specsFor = (targetGroup: string) =>
      serviceAlarmSpecs({
        loadBalancer: svc.loadBalancerArnSuffix,
        targetGroup,
        cluster: svc.clusterName,
        service: svc.serviceName,
        minTasks: svc.minTasks,
        thresholds: props.thresholds,
      });
    const specs = specsFor(svc.targetGroupArnSuffix);
    if (svc.greenTargetGroupArnSuffix) {
      // The green group's copies of the target-group rollback alarms (ALB-wide ones exist once).
      const green = specsFor(svc.greenTargetGroupArnSuffix)
        .filter((s) => s.rollback && usesTargetGroup(s))
        .map((s) => ({ ...s, id: `green-${s.id}`, description: `${s.description} (green target group)` }));
      specs.push(...green);
    }
    const alarm = (spec: AlarmSpec, name: string, actions: string[]) => {
      this.alarmNames.push(name);
      return metricAlarm(this, spec, name, actions, actions);
    };
    for (const spec of specs) alarm(spec, naming.name("generic", spec.id), [this.topicArn]);
    this.rollbackAlarmNames = specs.filter((s) => s.rollback).map((s) => naming.name("generic", s.id));
    if (this.rollbackAlarmNames.length > MAX_ROLLBACK_ALARMS) {
      throw new Error(
        `at most ${MAX_ROLLBACK_ALARMS} rollback alarms, got ${this.rollbackAlarmNames.length}`,
      );
    }

    if (svc.latencyScaleOutPolicyArn) {
      const scaling = latencyScaleOutSpec(
        svc.loadBalancerArnSuffix,
        svc.targetGroupArnSuffix,
        props.thresholds.p90ScaleOutSeconds,
      );
      // Scaling only: no one is paged, and OK changes nothing.
      metricAlarm(this, scaling, naming.name("generic", scaling.id), [svc.latencyScaleOutPolicyArn], []);
    }
    const environmentSpecs = [
      ...props.natGatewayIds.map((natId, i) => natPortAllocationSpec(natId, i)),
      ...(props.waf ? [wafBlockedSpikeSpec(props.waf, props.thresholds.wafBlockedRequests)] : []),
    ];
    for (const spec of environmentSpecs) alarm(spec, ctx.naming.name("generic", spec.id), [this.topicArn]);

    new DeploymentEvents(this, "deployment-events", {
      context: ctx,
      name: svc.name,
      clusterArn: svc.clusterArn,
      topicArn: this.topicArn,
    });

    this.dashboardName = ctx.naming.name("generic");
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: dashboardBody({
        region: ctx.region,
        loadBalancer: svc.loadBalancerArnSuffix,
        targetGroup: svc.targetGroupArnSuffix,
        cluster: svc.clusterName,
        service: svc.serviceName,
        alarmArns: this.alarmNames.map((n) => arn(ctx, "cloudwatch", `alarm:${n}`)),
        webLogGroup: svc.logGroups.web ?? Object.values(svc.logGroups)[0],
        waf: props.waf && {
          webAcl: props.waf.webAclName,
          region: props.waf.scope === "CLOUDFRONT" ? "us-east-1" : props.waf.region,
          scopeRegion: props.waf.scope === "REGIONAL" ? props.waf.region : undefined,
        },
      }),
    });

    for (const q of LOG_QUERIES) {
      const groups = q.containers.map((c) => svc.logGroups[c]).filter((g): g is string => Boolean(g));
      if (groups.length === 0) continue;
      new CloudwatchQueryDefinition(this, `query-${q.id}`, {
        name: `${ctx.naming.prefix}/${svc.name}/${q.id}`,
        logGroupNames: groups,
        queryString: q.query,
      });
    }
  }
}

function metricAlarm(
  scope: Construct,
  spec: AlarmSpec,
  name: string,
  alarmActions: string[],
  okActions: string[],
) {
  return new CloudwatchMetricAlarm(scope, `alarm-${name}`, {
    alarmName: name,
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    ...(spec.metric ? singleMetric(spec.metric) : { metricQuery: mathQueries(spec) }),
    alarmActions,
    okActions,
  });
}

function singleMetric(m: MetricSpec) {
  const percentile = /^p\d/.test(m.stat);
  return {
    namespace: m.namespace,
    metricName: m.metricName,
    dimensions: m.dimensions,
    period: m.periodSeconds,
    ...(percentile ? { extendedStatistic: m.stat } : { statistic: m.stat }),
  };
}

function mathQueries(spec: AlarmSpec): CloudwatchMetricAlarmMetricQuery[] {
  const math = spec.math;
  if (!math) throw new Error(`alarm ${spec.id} has neither a metric nor metric math`);
  return [
    { id: "result", expression: math.expression, label: math.label, returnData: true },
    ...Object.entries(math.metrics).map(([id, m]) => ({
      id,
      returnData: false,
      metric: {
        namespace: m.namespace,
        metricName: m.metricName,
        dimensions: m.dimensions,
        stat: m.stat,
        period: m.periodSeconds,
      },
    })),
  ];
}
