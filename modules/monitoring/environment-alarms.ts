import type { AlarmSpec, MetricSpec } from "./alarm-catalog";
import { guardedPercentile } from "./percentile-guard";

/**
 * Alarms beside the service's own, as data like them: NAT gateways and the web ACL (environment-wide, they
 * page) and the p90 latency alarm that drives step scaling (it pages no one).
 */

/** A NAT gateway that cannot allocate a source port: connections from private tasks fail. */
export function natPortAllocationSpec(natGatewayId: string, index: number): AlarmSpec {
  return {
    id: `nat-${index}-port-allocation`,
    description: "The NAT gateway could not allocate a source port (too many connections to one destination)",
    metric: {
      namespace: "AWS/NATGateway",
      metricName: "ErrorPortAllocation",
      dimensions: { NatGatewayId: natGatewayId },
      stat: "Sum",
      periodSeconds: 300,
    },
    comparison: "GreaterThanThreshold",
    threshold: 0,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
    rollback: false,
  };
}

/** A spike of requests the web ACL blocked; a CLOUDFRONT-scope ACL's metrics carry no Region. */
export function wafBlockedSpikeSpec(
  waf: { readonly webAclName: string; readonly region: string; readonly scope: "REGIONAL" | "CLOUDFRONT" },
  threshold: number,
): AlarmSpec {
  return {
    id: "waf-blocked-spike",
    description: `WAF blocked ${threshold} or more requests in 5 minutes`,
    metric: {
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: {
        WebACL: waf.webAclName,
        Rule: "ALL",
        ...(waf.scope === "REGIONAL" ? { Region: waf.region } : {}),
      },
      stat: "Sum",
      periodSeconds: 300,
    },
    comparison: "GreaterThanOrEqualToThreshold",
    threshold,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
    rollback: false,
  };
}

/** p90 latency above the threshold for two minutes: the step-scaling policy adds tasks. */
export function latencyScaleOutSpec(
  loadBalancer: string,
  targetGroup: string,
  thresholdSeconds: number,
  minSamples: number,
): AlarmSpec {
  const tg = (metricName: string, stat: string): MetricSpec => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
    stat,
    periodSeconds: 60,
  });
  return {
    id: "p90-latency-scale-out",
    description: `p90 target response time above ${thresholdSeconds} s (minutes of at least ${minSamples} requests): add tasks (scale-in is left to target tracking)`,
    // A quiet minute is OK, so the alarm leaves ALARM at night and stops re-invoking the scaling policy.
    math: guardedPercentile(tg("TargetResponseTime", "p90"), tg("RequestCount", "Sum"), minSamples),
    comparison: "GreaterThanThreshold",
    threshold: thresholdSeconds,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: "notBreaching",
    rollback: false,
  };
}
