import type { Body } from "../lib/stack-json";
import { type CostItem, line, type PricingInput } from "./item";
import { GLOBAL_PRICES } from "./prices";

/**
 * CloudWatch: alarms (per metric each evaluates: a metric-math alarm pays for every metric it reads),
 * dashboards, and the custom metrics that metric filters publish. The account's free tier is not counted.
 */
export function monitoringItems({ stack }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  const alarms = stack.all("aws_cloudwatch_metric_alarm");
  const metrics = (a: Body) => (a.metric_query ? a.metric_query.filter((q: Body) => q.metric).length : 1);
  const standard = alarms.filter((a) => Number(a.body.period ?? 60) >= 60);
  const high = alarms.filter((a) => !standard.includes(a));
  const count = (list: typeof alarms) => list.reduce((n, a) => n + metrics(a.body), 0);
  if (standard.length > 0) {
    items.push(
      line(
        "CloudWatch",
        `alarms, per metric evaluated (${standard.length} alarms)`,
        count(standard),
        "metric-mo",
        GLOBAL_PRICES.alarmMetricMonth,
        standard.map((a) => a.address),
      ),
    );
  }
  if (high.length > 0) {
    items.push(
      line(
        "CloudWatch",
        `high-resolution alarms (${high.length})`,
        count(high),
        "metric-mo",
        GLOBAL_PRICES.alarmHighResolutionMetricMonth,
        high.map((a) => a.address),
      ),
    );
  }
  const dashboards = stack.all("aws_cloudwatch_dashboard");
  if (dashboards.length > 0)
    items.push(
      line(
        "CloudWatch",
        "dashboards",
        dashboards.length,
        "dashboard-mo",
        GLOBAL_PRICES.dashboardMonth,
        dashboards.map((d) => d.address),
      ),
    );
  const filters = stack.all("aws_cloudwatch_log_metric_filter");
  if (filters.length > 0)
    items.push(
      line(
        "CloudWatch",
        "custom metrics from log metric filters",
        filters.length,
        "metric-mo",
        GLOBAL_PRICES.customMetricMonth,
        filters.map((f) => f.address),
      ),
    );
  return items;
}
