import type { AlarmSpec, MetricSpec } from "./alarm-catalog";

/**
 * A percentile that counts only when the minute had enough requests: `IF(FILL(requests, 0) >= N, latency, 0)`.
 *
 * Why not `evaluate_low_sample_count_percentiles = "ignore"`: CloudWatch then keeps the alarm's current state
 * for any period with fewer than 10/(1 − p) samples (1000 for p99, 100 for p90). A rollback alarm on the green
 * group of a 10% canary never sees that many, so it could never fire; and an alarm already in ALARM stays
 * there through a quiet night, where a scaling alarm's action is re-invoked every minute. Here a quiet minute
 * is a 0 (OK), so the alarm returns to OK, and a minute with at least `minSamples` requests is judged by its
 * percentile. Metric math percentiles have no low-sample rule of their own.
 *
 * @param latency the percentile metric (TargetResponseTime pXX of one target group)
 * @param requests the same target group's RequestCount Sum, same period
 */
export function guardedPercentile(
  latency: MetricSpec,
  requests: MetricSpec,
  minSamples: number,
): NonNullable<AlarmSpec["math"]> {
  return {
    expression: `IF(FILL(requests, 0) >= ${minSamples}, latency, 0)`,
    label: `${latency.metricName} ${latency.stat} (0 below ${minSamples} requests)`,
    metrics: { latency, requests },
  };
}
