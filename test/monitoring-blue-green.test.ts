import { loadConfig, ref, resourceNamed, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/**
 * Blue/green (prod): CodeDeploy moves production traffic to the other target group on every deployment.
 * Every alarm, scaling alarm and dashboard graph of a target group must watch both, or it watches an idle
 * group after every other deployment.
 */
type Body = Record<string, any>;

/** The target groups an alarm reads, from its one metric or its metric math. */
const targetGroupsOf = (a: Body): string[] =>
  [a.dimensions, ...(a.metric_query ?? []).map((q: Body) => q.metric?.dimensions)]
    .map((d) => d?.TargetGroup)
    .filter((g): g is string => g !== undefined);

/**
 * CloudWatch's value of `FILL(a, 0) + FILL(b, 0)`-style math for one period; undefined when every input is
 * missing (then treat_missing_data decides). Throws on any other expression, so the test cannot pass by
 * evaluating something it does not understand.
 */
function evaluateSum(expression: string, values: Record<string, number | undefined>): number | undefined {
  const terms = expression.split(" + ").map((t) => /^FILL\((\w+), 0\)$/.exec(t.trim()));
  if (terms.some((t) => t === null)) throw new Error(`not a sum of FILL(id, 0): ${expression}`);
  const ids = terms.map((t) => (t as RegExpExecArray)[1]);
  if (ids.every((id) => values[id] === undefined)) return undefined;
  return ids.reduce((sum, id) => sum + (values[id] ?? 0), 0);
}

describe("prod's monitoring through a blue/green swap (the site; the api rolls)", () => {
  let json: StackJson;
  let blue: string;
  let green: string;
  let alarms: [string, Body][];
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
    const groups = resourcesOf(json, "aws_lb_target_group")
      .map(([n]) => n)
      .filter((n) => n.startsWith("routing-site_"));
    blue = ref("aws_lb_target_group", groups.find((n) => n.includes("target-group_"))!, "arn_suffix");
    green = ref("aws_lb_target_group", groups.find((n) => n.includes("target-group-green"))!, "arn_suffix");
    alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm").filter(
      ([n, a]) => n.startsWith("monitoring_") && a.alarm_name.startsWith("fws-prod-site-"),
    );
  });

  it("watches both target groups with every target-group alarm: a copy per group, or one sum over both", () => {
    const families = new Map<string, Set<string>>();
    for (const [, a] of alarms) {
      const groups = targetGroupsOf(a);
      if (groups.length === 0) continue;
      const family = a.alarm_name.replace("-green-", "-");
      families.set(family, new Set([...(families.get(family) ?? []), ...groups]));
    }
    expect(families.size).toBeGreaterThanOrEqual(5);
    for (const [family, groups] of families) {
      expect({ family, groups: [...groups].sort() }).toEqual({ family, groups: [blue, green].sort() });
    }
  });

  it("counts healthy targets over both groups, so the idle group's silence is not an outage", () => {
    const [, a] = alarms.find(([, b]) => b.alarm_name === "fws-prod-site-healthy-hosts")!;
    expect(a).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 3,
      treat_missing_data: "breaching",
    });
    const result = a.metric_query.find((q: Body) => q.return_data);
    const inputs = a.metric_query.filter((q: Body) => !q.return_data);
    const byGroup = Object.fromEntries(inputs.map((q: Body) => [q.metric.dimensions.TargetGroup, q.id]));
    const minute = (blueHealthy?: number, greenHealthy?: number) =>
      evaluateSum(result.expression, { [byGroup[blue]]: blueHealthy, [byGroup[green]]: greenHealthy });
    // Before a swap, after it (the old group emptied and silent), and halfway through a canary.
    expect(minute(3, undefined)).toBe(3);
    expect(minute(undefined, 3)).toBe(3);
    expect(minute(3, 3)).toBe(6);
    // A real outage still pages: too few, or nothing reported at all (missing = breaching).
    expect(minute(0, 1)).toBeLessThan(a.threshold);
    expect(minute(undefined, undefined)).toBeUndefined();
  });

  it("scales out on p90 latency in whichever group is live, both alarms driving the one step policy", () => {
    const scaling = alarms.filter(([, a]) => a.alarm_name.endsWith("p90-latency-scale-out"));
    expect(scaling.map(([, a]) => targetGroupsOf(a)[0]).sort()).toEqual([blue, green].sort());
    const [[policy]] = resourcesOf(json, "aws_appautoscaling_policy").filter(
      ([n]) => n.startsWith("service-site_") && n.includes("latency"),
    );
    for (const [, a] of scaling) {
      expect(a.alarm_actions).toEqual([ref("aws_appautoscaling_policy", policy, "arn")]);
      // A sample guard in metric math, not "ignore" (which would keep it in ALARM through a quiet night).
      expect(a.evaluate_low_sample_count_percentiles).toBeUndefined();
    }
  });

  it("draws every target-group graph of the dashboard for both groups", () => {
    const body = JSON.parse(resourceNamed(json, "aws_cloudwatch_dashboard", "monitoring").dashboard_body);
    let graphs = 0;
    const site = (x: Body) => x.type === "metric" && String(x.properties.title).startsWith("site: ");
    for (const w of body.widgets.filter(site)) {
      const lines: unknown[][] = w.properties.metrics;
      const groupOf = (line: unknown[]) => line[line.indexOf("TargetGroup") + 1];
      const perGroup = lines.filter((l) => l.includes("TargetGroup"));
      if (perGroup.length === 0) continue;
      graphs++;
      // Each metric and statistic appears once per group.
      const key = (l: unknown[]) =>
        `${l[1]} ${JSON.stringify(l[l.length - 1]).replace(/ \((blue|green)\)/, "")}`;
      for (const k of new Set(perGroup.map(key))) {
        const groups = perGroup.filter((l) => key(l) === k).map(groupOf);
        expect({ widget: w.properties.title, metric: k, groups: groups.sort() }).toEqual({
          widget: w.properties.title,
          metric: k,
          groups: [blue, green].sort(),
        });
      }
    }
    expect(graphs).toBe(3);
  });
});

describe("dev's monitoring (one target group)", () => {
  it("keeps one alarm per metric and a plain healthy-host alarm", () => {
    const json = synthConfig(loadConfig("config/dev.yaml"));
    const names = resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name as string);
    expect(names.filter((n) => n.includes("green"))).toEqual([]);
  });
});
