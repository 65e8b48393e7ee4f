import { loadConfig, ref, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/**
 * The latency alarms that act (rollback, scale-out) judge a minute by its percentile only when it had enough
 * requests; a quieter minute is OK. With `evaluate_low_sample_count_percentiles = "ignore"` CloudWatch keeps
 * the current state below 10/(1 − p) samples (1000 for p99): the green group of prod's 10% canary (~70
 * requests/min) could never fire its rollback alarm, and an alarm in ALARM stayed there through the night.
 */
type Body = Record<string, any>;

/**
 * CloudWatch's value of `IF(FILL(requests, 0) >= N, latency, 0)` for one period. Throws on any other
 * expression, so the test cannot pass by evaluating something it does not understand.
 */
function evaluateGuard(
  expression: string,
  minute: { requests?: number; latency?: number },
): number | undefined {
  const m = /^IF\(FILL\(requests, 0\) >= (\d+), latency, 0\)$/.exec(expression);
  if (!m) throw new Error(`not a sample-guarded percentile: ${expression}`);
  return (minute.requests ?? 0) >= Number(m[1]) ? minute.latency : 0;
}

/** ALARM when every one of the last `evaluation_periods` minutes breaches (datapoints = periods here). */
function state(a: Body, minutes: { requests?: number; latency?: number }[]): "ALARM" | "OK" {
  const result = a.metric_query.find((q: Body) => q.return_data);
  const values = minutes.slice(-a.evaluation_periods).map((m) => evaluateGuard(result.expression, m));
  expect(a.comparison_operator).toBe("GreaterThanThreshold");
  expect(a.datapoints_to_alarm).toBe(a.evaluation_periods);
  return values.every((v) => v !== undefined && v > a.threshold) ? "ALARM" : "OK";
}

describe("prod's latency alarms under low traffic", () => {
  const config = loadConfig("config/prod.yaml");
  const t = config.monitoring.thresholds;
  let json: StackJson;
  let alarms: Record<string, Body>;
  let groups: { blue: string; green: string };
  beforeAll(() => {
    json = synthConfig(config);
    alarms = Object.fromEntries(
      resourcesOf(json, "aws_cloudwatch_metric_alarm")
        .filter(([, a]) => a.alarm_name.startsWith("fws-prod-site-"))
        .map(([, a]) => [a.alarm_name.replace("fws-prod-site-", ""), a]),
    );
    // The blue/green site's pair (the api rolls, in one group of its own).
    const tgs = resourcesOf(json, "aws_lb_target_group")
      .map(([n]) => n)
      .filter((n) => n.startsWith("routing-site_"));
    const suffix = (part: string) =>
      ref("aws_lb_target_group", tgs.find((n) => n.includes(part))!, "arn_suffix");
    groups = { blue: suffix("target-group_"), green: suffix("target-group-green") };
  });

  it.each([
    ["p99-latency", "p99", "blue"],
    ["green-p99-latency", "p99", "green"],
    ["p90-latency-scale-out", "p90", "blue"],
    ["green-p90-latency-scale-out", "p90", "green"],
  ] as const)("%s reads its %s only with the same group's request count beside it", (id, stat, group) => {
    const a = alarms[id];
    expect(a.evaluate_low_sample_count_percentiles).toBeUndefined();
    expect(a.extended_statistic).toBeUndefined();
    const result = a.metric_query.find((q: Body) => q.return_data);
    expect(result.expression).toBe(`IF(FILL(requests, 0) >= ${t.latencyMinSamples}, latency, 0)`);
    const inputs = Object.fromEntries(
      a.metric_query.filter((q: Body) => !q.return_data).map((q: Body) => [q.id, q.metric]),
    );
    const dims = { LoadBalancer: expect.any(String), TargetGroup: groups[group] };
    expect(inputs.latency).toMatchObject({
      metric_name: "TargetResponseTime",
      stat,
      period: 60,
      dimensions: dims,
    });
    expect(inputs.requests).toMatchObject({
      metric_name: "RequestCount",
      stat: "Sum",
      period: 60,
      dimensions: dims,
    });
  });

  it("sets the guard below the green group's share of a 10% canary, by default", () => {
    expect(t.latencyMinSamples).toBe(50);
    // ~690 requests a minute in prod, 10% to green: 69 > 50, so the canary's minutes count.
    expect(Math.floor(690 * 0.1)).toBeGreaterThanOrEqual(t.latencyMinSamples);
  });

  it("fires green's rollback alarm on a slow canary, and keeps quiet minutes OK", () => {
    const a = alarms["green-p99-latency"];
    const slowCanary = { requests: 69, latency: 3 };
    expect(state(a, [slowCanary, slowCanary, slowCanary])).toBe("ALARM");
    // One slow request in a quiet minute neither pages nor rolls back.
    const quiet = { requests: 4, latency: 9 };
    expect(state(a, [quiet, quiet, quiet])).toBe("OK");
    // No requests at all (green idle after the swap): OK, not "keep the last state".
    expect(state(a, [{}, {}, {}])).toBe("OK");
  });

  it("lets the scale-out alarm return to OK at night, so the step policy stops adding tasks", () => {
    const a = alarms["p90-latency-scale-out"];
    const busySlow = { requests: 600, latency: 2 };
    expect(state(a, [busySlow, busySlow])).toBe("ALARM");
    const night = { requests: 12, latency: 4 };
    expect(state(a, [busySlow, busySlow, night, night])).toBe("OK");
  });
});
