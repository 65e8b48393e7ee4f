import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { AlarmSpec, MetricSpec } from "./alarm-catalog";

/** A CloudWatch alarm from its spec: one metric, or metric math; named `name`, with these actions. */
export function metricAlarm(
  scope: Construct,
  spec: AlarmSpec,
  name: string,
  alarmActions: string[],
  okActions: string[],
  provider?: TerraformProvider,
) {
  return new CloudwatchMetricAlarm(scope, `alarm-${name}`, {
    provider,
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
    // A percentile over a handful of requests says little: one slow request in a quiet minute must not page.
    // Only for alarms that just page: those that act (rollback, scaling) use a sample guard (percentile-guard.ts).
    ...(percentile
      ? { extendedStatistic: m.stat, evaluateLowSampleCountPercentiles: "ignore" }
      : { statistic: m.stat }),
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
