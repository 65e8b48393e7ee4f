import type { MetricSpec } from "./alarm-catalog";
import { DASHBOARD_LOG_QUERY } from "./log-queries";

/** One service's row of graphs. */
export interface DashboardService {
  readonly name: string;
  /** Every target group its traffic may be in (blue/green: both): each target-group graph draws all of them. */
  readonly targetGroups: readonly string[];
  readonly cluster: string;
  readonly service: string;
  /** The web container's log group, for the Logs Insights widget. */
  readonly webLogGroup: string;
}

export interface DashboardInput {
  readonly region: string;
  readonly loadBalancer: string;
  /** The services, a row of graphs each. */
  readonly services: readonly DashboardService[];
  /** ARNs of every alarm, for the alarm status widget. */
  readonly alarmArns: string[];
  /** WAF web ACL name and region (`us-east-1` for CloudFront scope), when the edge has one. */
  readonly waf?: { readonly webAcl: string; readonly region: string; readonly scopeRegion?: string };
}

type Metric = (string | Record<string, unknown>)[];

const metric = (m: MetricSpec, options: Record<string, unknown> = {}): Metric => [
  m.namespace,
  m.metricName,
  ...Object.entries(m.dimensions).flat(),
  { stat: m.stat, period: m.periodSeconds, ...options },
];

interface Widget {
  type: "metric" | "alarm" | "log";
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const alb = (metricName: string, stat: string, dimensions: Record<string, string>): MetricSpec => ({
  namespace: "AWS/ApplicationELB",
  metricName,
  dimensions,
  stat,
  periodSeconds: 60,
});

/**
 * The environment's dashboard body: the load balancer's requests and errors, then a row per service
 * (errors, latency, health, ECS), WAF, alarms, and a Logs Insights table per service.
 */
export function dashboardBody(input: DashboardInput): string {
  const lb = { LoadBalancer: input.loadBalancer };
  const several = input.services.length > 1;
  const graph = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}): Widget => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region: input.region, view: "timeSeries", metrics, ...extra },
  });
  const widgets: Widget[] = [
    graph("Requests", [
      metric(alb("RequestCount", "Sum", lb), { label: "all services" }),
      metric(alb("HTTPCode_ELB_5XX_Count", "Sum", lb), { label: "ALB 5XX" }),
      metric(alb("HTTPCode_ELB_4XX_Count", "Sum", lb), { label: "ALB 4XX (no service's route: 404)" }),
    ]),
    ...input.services.flatMap((s) => serviceRow(input, s, several ? `${s.name}: ` : "", graph)),
  ];
  if (input.waf) {
    const dims = [
      "WebACL",
      input.waf.webAcl,
      "Rule",
      "ALL",
      ...(input.waf.scopeRegion ? ["Region", input.waf.scopeRegion] : []),
    ];
    widgets.push(
      graph(
        "WAF requests",
        [
          ["AWS/WAFV2", "AllowedRequests", ...dims, { stat: "Sum" }],
          ["AWS/WAFV2", "BlockedRequests", ...dims, { stat: "Sum" }],
        ],
        { region: input.waf.region },
      ),
    );
  }
  widgets.push({
    type: "alarm",
    width: 24,
    height: 4,
    properties: { title: "Alarms", alarms: input.alarmArns },
  });
  for (const s of input.services) {
    widgets.push({
      type: "log",
      width: 24,
      height: 8,
      properties: {
        title: `${several ? `${s.name}: ` : ""}Top 5XX paths and slowest upstream times (nginx)`,
        region: input.region,
        view: "table",
        query: `SOURCE '${s.webLogGroup}' | ${DASHBOARD_LOG_QUERY}`,
      },
    });
  }
  return JSON.stringify({ widgets });
}

/** A service's graphs: its target groups' errors, latency and health, its tasks' CPU, memory and count. */
function serviceRow(
  input: DashboardInput,
  s: DashboardService,
  title: string,
  graph: (title: string, metrics: Metric[]) => Widget,
): Widget[] {
  const groups = s.targetGroups;
  const names =
    groups.length === 1
      ? [""]
      : groups.map((_, i) => (i === 0 ? " (blue)" : i === 1 ? " (green)" : ` (group ${i + 1})`));
  /** One line per target group, labelled by group when there are several. */
  const perGroup = (metricName: string, stat: string, label: string): Metric[] =>
    groups.map((g, i) =>
      metric(alb(metricName, stat, { LoadBalancer: input.loadBalancer, TargetGroup: g }), {
        label: `${label}${names[i]}`,
      }),
    );
  const ecs = { ClusterName: s.cluster, ServiceName: s.service };
  return [
    graph(`${title}Errors`, [
      ...perGroup("RequestCount", "Sum", "requests"),
      ...perGroup("HTTPCode_Target_5XX_Count", "Sum", "target 5XX"),
      ...perGroup("HTTPCode_Target_4XX_Count", "Sum", "target 4XX"),
    ]),
    graph(
      `${title}Target response time`,
      ["p50", "p90", "p99"].flatMap((p) => perGroup("TargetResponseTime", p, p)),
    ),
    graph(`${title}Target health`, [
      ...perGroup("HealthyHostCount", "Minimum", "healthy"),
      ...perGroup("UnHealthyHostCount", "Maximum", "unhealthy"),
    ]),
    graph(`${title}ECS CPU and memory`, [
      ["AWS/ECS", "CPUUtilization", ...Object.entries(ecs).flat(), { stat: "Average", label: "CPU %" }],
      ["AWS/ECS", "MemoryUtilization", ...Object.entries(ecs).flat(), { stat: "Average", label: "memory %" }],
    ]),
    graph(`${title}Running tasks`, [
      ["ECS/ContainerInsights", "RunningTaskCount", ...Object.entries(ecs).flat(), { stat: "Average" }],
      ["ECS/ContainerInsights", "DesiredTaskCount", ...Object.entries(ecs).flat(), { stat: "Average" }],
    ]),
  ];
}
